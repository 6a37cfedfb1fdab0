// Sweeps through the queue as users run them: a real redis-server, `lenet-lab
// worker` processes and the `lenet-lab compare --queue` coordinator, all the
// built CLI in child processes, training tiny runs on the real MNIST.
//   1. a 4-run grid on two workers gives what a local compare of it gives,
//      bit for bit, and the same report;
//   2. a worker SIGKILLed mid-run (after the run's first checkpoint): its
//      training process goes with it, the other worker resumes the run from
//      its checkpoint, the weights equal an uninterrupted run's, and
//      TensorBoard's merge of the run's event files has each step once, with
//      the uninterrupted run's values; `sweep status` showed the run running
//      on the killed worker;
//   3. a sweep file with --early-stop median on one worker, one run at a
//      time in the queue's order (so the outcome does not depend on timing):
//      the hopeless learning rate's runs stop early, as in a local compare,
//      each reading the other runs' results from the shared logdir;
//   4. Ctrl-C on the coordinator leaves the sweep queued (`sweep status`
//      shows it waiting), the same sweep submitted again adds nothing, and
//      bad URLs and an unreachable Redis are refused (exit 2 and 1) before
//      anything is queued or written.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHECKPOINT_FILE } from "../../src/train/checkpoint.js";
import { lenetLab } from "../cli-process.js";
import { tempDir } from "../idx-files.js";
import { RedisServer, freePort, redisAvailable, startCli, startRedisServer, stopAll, until } from "./redis-server.js";
import { eventPoints, gridRuns, runJson, startWorkers as startWorkersOn, workerName } from "./sweep-helpers.js";

const GRID = ["--iterations", "40", "--eval-every", "20", "--summaries", "minimal", "--seeds", "2"];

let redis: RedisServer | undefined;

beforeAll(async () => {
  if (redisAvailable) redis = await startRedisServer();
});
afterAll(async () => {
  await stopAll();
  await redis?.stop();
});

/** Two workers serving `logdir`, each one run at a time; resolves when both serve the queue. */
const startWorkers = (logdir: string) => startWorkersOn(redis!.url, logdir);

/** The pids of a process's children (its training processes, for a worker). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Running, and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe.skipIf(!redisAvailable)("lenet-lab compare --queue and lenet-lab worker", () => {
  it("trains a 4-run grid on two workers, bit for bit as a local compare does, and writes the report", async () => {
    const queued = tempDir();
    const local = tempDir();
    const workers = await startWorkers(queued);
    const coordinator = startCli("compare", ...GRID, "--logdir", queued, "--queue", redis!.url);
    const localCompare = startCli("compare", ...GRID, "--logdir", local, "--jobs", "2");
    expect(await coordinator.exited, coordinator.stderr()).toBe(0);
    expect(await localCompare.exited, localCompare.stderr()).toBe(0);

    const stderr = coordinator.stderr();
    expect(stderr).toMatch(/sweep [\w.+=-]+-[0-9a-f]{8}: 4 of 4 runs added to the queue "lenet-lab@/);
    const runs = gridRuns(localCompare.stderr());
    expect(runs).toHaveLength(4);
    expect(gridRuns(stderr)).toEqual(runs);
    for (const run of runs) {
      expect(stderr).toMatch(new RegExp(`\\] ${run}: started on `));
      expect(stderr).toMatch(new RegExp(`${run}  iter 40/40 .*test acc [\\d.]+%.*\\[`));
      expect(stderr).toMatch(new RegExp(`\\] ${run}: finished — test accuracy`));
      const fromQueue = runJson(join(queued, run));
      const fromLocal = runJson(join(local, run));
      expect(fromQueue.status).toBe("finished");
      expect(fromQueue.final).toEqual(fromLocal.final);
      const withoutTimes = (history: Record<string, unknown>[]) => history.map(({ seconds, ...values }) => values);
      expect(withoutTimes(fromQueue.history)).toEqual(withoutTimes(fromLocal.history));
      expect(readFileSync(join(queued, run, "model.safetensors")).equals(readFileSync(join(local, run, "model.safetensors"))), run).toBe(true);
    }
    // Both workers trained, and said so with their names on the progress lines.
    for (const worker of workers) expect(stderr).toMatch(workerName(worker));
    expect(readFileSync(join(queued, "report", "report.md"), "utf8")).toContain("# LeNet-5 on MNIST: 2 configurations, 4 runs over seeds");
    expect(existsSync(join(queued, "report", "index.html"))).toBe(true);
    expect(existsSync(join(queued, "compare", "fc2-all-digits.png"))).toBe(true);
    // The groups' table (mean ± std over the seeds, range) as the local compare prints it.
    const groupTable = (stdout: string) => /\ngroup .*\n([\s\S]*?)\ntraining took/.exec(stdout)?.[1];
    expect(groupTable(coordinator.stdout())).toMatch(/ 2 +\d+\.\d\d% ± \d+\.\d\d /);
    expect(groupTable(coordinator.stdout())).toBe(groupTable(localCompare.stdout()));

    // Ctrl-C on an idle worker: it stops at once, with nothing to put back.
    for (const worker of workers) worker.child.kill("SIGINT");
    for (const worker of workers) {
      expect(await worker.exited).toBe(130);
      expect(worker.stderr()).toContain("0 running runs saved a checkpoint and went back to the queue");
    }
  });

  it("continues a run whose worker was SIGKILLed from its checkpoint on the other worker, with the same weights and each step once", async () => {
    const logdir = tempDir();
    const reference = tempDir();
    const config = ["--activation", "relu", "--iterations", "600", "--eval-every", "200", "--checkpoint-every", "20", "--summaries", "minimal"];
    const workers = await startWorkers(logdir);
    const coordinator = startCli("compare", ...config, "--seeds", "1", "--logdir", logdir, "--queue", redis!.url);
    await until("the coordinator names the run", () => gridRuns(coordinator.stderr()).length === 1, 30_000);
    const run = gridRuns(coordinator.stderr())[0]!;
    const uninterrupted = startCli("train", ...config, "--seed", "0", "--threads", "1", "--logdir", reference, "--run-name", run, "--json");
    const runDir = join(logdir, run);

    await until("the run's first checkpoint", () => existsSync(join(runDir, CHECKPOINT_FILE)));
    const victim = workers.find((w) => childPids(w.child.pid!).length > 0)!;
    const survivor = workers.find((w) => w !== victim)!;
    const training = childPids(victim.child.pid!)[0]!;
    expect(runJson(runDir).status).toBe("running");
    // The job stays the victim's (active, locked) until its lock expires, before and after the kill.
    const status = startCli("sweep", "status", "--queue", redis!.url, "--logdir", logdir);
    victim.child.kill("SIGKILL");
    // A worker that dies takes its training process with it (setpriv --pdeathsig), as a machine going down would.
    await until("the killed worker's training process is gone", () => !alive(training), 5_000);
    expect(await status.exited, status.stderr()).toBe(0);
    expect(status.stdout()).toMatch(/: 1 runs: 0 waiting, 1 running, 0 retrying, 0 done, 0 diverged, 0 failed/);
    expect(status.stdout()).toMatch(new RegExp(`  ${run} +running on ${workerName(victim).source}`));

    expect(await coordinator.exited, coordinator.stderr()).toBe(0);
    expect(await uninterrupted.exited, uninterrupted.stderr()).toBe(0);
    const stderr = coordinator.stderr();
    expect(stderr).toMatch(new RegExp(`${run}: its worker stopped renewing the job's lock`));
    expect(stderr).toMatch(new RegExp(`\\] ${run}: started on ${workerName(survivor).source}, resuming from its checkpoint at iteration \\d+`));
    const resumed = runJson(runDir);
    expect(resumed).toMatchObject({ status: "finished", iterations: 600 });
    expect(resumed.resumedAt.length).toBeGreaterThan(0);
    expect(resumed.final).toEqual(runJson(join(reference, run)).final);
    expect(readFileSync(join(runDir, "model.safetensors")).equals(readFileSync(join(reference, run, "model.safetensors")))).toBe(true);

    // TensorBoard's view of the run: every (tag, step) once, with the uninterrupted run's values.
    const merged = eventPoints(runDir);
    const keys = merged.map((p) => p.key);
    expect(new Set(keys).size, "a step appears twice").toBe(keys.length);
    expect(new Map(merged.map((p) => [p.key, p.value]))).toEqual(new Map(eventPoints(join(reference, run)).map((p) => [p.key, p.value])));
  });

  it("stops the hopeless runs of a sweep file early on a worker, from the other runs' results in the shared logdir", async () => {
    const logdir = tempDir();
    const sweepFile = join(tempDir(), "sweep.json");
    writeFileSync(sweepFile, JSON.stringify({
      grid: { activation: ["relu"], lr: [0.01, 0.000001] }, seeds: 3,
      iterations: 60, "eval-every": 20, "early-stop": "median", grace: 20, summaries: "minimal",
    }));
    await startWorkersOn(redis!.url, logdir, 1);
    const coordinator = startCli("compare", "--sweep-file", sweepFile, "--logdir", logdir, "--queue", redis!.url);
    expect(await coordinator.exited, coordinator.stderr()).toBe(0);
    const sweep = /sweep ([\w.+=-]+): 6 of 6 runs added/.exec(coordinator.stderr())![1]!;
    for (const seed of [0, 1, 2]) {
      expect(runJson(join(logdir, `relu-adam-lr0.01-it60-seed${seed}`))).toMatchObject(
        { status: "finished", iterations: 60, config: { earlyStop: { cohort: sweep } } });
      expect(runJson(join(logdir, `relu-adam-lr0.000001-it60-seed${seed}`))).toMatchObject(
        { status: "stopped-early", iterations: 20, stoppedEarly: { iteration: 20, peers: 3 + seed } });
    }
    expect(coordinator.stdout()).toMatch(/\nstopped early \(--early-stop median[^\n]*\nrelu-adam-lr0\.000001-it60-seed0 /);
    expect(readFileSync(join(logdir, "report", "report.md"), "utf8")).toContain("## Stopped early");
  });

  it("leaves a sweep queued on Ctrl-C, adds nothing when it is submitted again, and warns about an evicting Redis", async () => {
    const logdir = tempDir();
    // A queue no worker serves (no worker was given this logdir), in database 1.
    const sweep = ["compare", "--activation", "relu", "--seeds", "2", "--iterations", "4", "--logdir", logdir, "--queue", `${redis!.url}/1`];
    const db1 = new Redis({ host: "127.0.0.1", port: redis!.port, db: 1 });
    try {
      await redis!.client.config("SET", "maxmemory-policy", "allkeys-lru");
      const first = startCli(...sweep);
      await until("the sweep is queued", () => first.stderr().includes("2 of 2 runs added"), 30_000);
      first.child.kill("SIGINT");
      expect(await first.exited).toBe(130);
      expect(first.stderr()).toMatch(/maxmemory-policy allkeys-lru: when its memory is full it evicts keys/);
      expect(first.stderr()).toMatch(/stopped following sweep [\w.+=-]+; its runs go on on the workers\. The same command again re-attaches/);
      const name = /sweep ([\w.+=-]+): 2 of 2 runs added/.exec(first.stderr())![1]!;
      const status = lenetLab("sweep", "status", "--queue", `${redis!.url}/1`, "--logdir", logdir, "--sweep", name);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toContain(`queue "lenet-lab@${logdir}" at ${redis!.url}/1: 0 workers`);
      expect(status.stdout).toContain(`sweep ${name}: 2 runs: 2 waiting, 0 running, 0 retrying, 0 done, 0 diverged, 0 failed`);
      for (const run of gridRuns(first.stderr())) expect(status.stdout).toMatch(new RegExp(`  ${run} +waiting\n`));
      await redis!.client.config("SET", "maxmemory-policy", "noeviction");
      const queue = `bull:lenet-lab@${logdir}`;
      expect(await db1.llen(`${queue}:wait`)).toBe(2);

      const again = startCli(...sweep);
      await until("the sweep is found queued", () => again.stderr().includes("0 of 2 runs added"), 30_000);
      expect(again.stderr()).toContain("(2 were there already)");
      expect(again.stderr()).not.toContain("maxmemory-policy");
      again.child.kill("SIGINT");
      expect(await again.exited).toBe(130);
      expect(await db1.llen(`${queue}:wait`)).toBe(2);
      // The two jobs, "<sweep>/<run>", and no third.
      const jobs = (await db1.keys(`${queue}:*/*`)).map((key) => key.slice(queue.length + 1).split("/")[1]).sort();
      expect(jobs).toEqual(gridRuns(first.stderr()).sort());
      expect(jobs).toHaveLength(2);
      expect(await redis!.client.keys(`${queue}:*`)).toEqual([]); // nothing in database 0
    } finally {
      await redis!.client.config("SET", "maxmemory-policy", "noeviction");
      db1.disconnect();
    }
  });

  it.each([
    ["redis://127.0.0.1:notaport", /--queue "redis:\/\/127\.0\.0\.1:notaport" is not a valid URL; give redis:\/\/HOST:PORT\[\/DB\]/],
    ["http://127.0.0.1:6379", /--queue "http:\/\/127\.0\.0\.1:6379" is not a Redis URL/],
    ["redis://127.0.0.1:6379/zero", /the path "\/zero" is not a database number/],
  ])("refuses --queue %s with exit code 2 before anything is queued or written", (url, message) => {
    const logdir = join(tempDir(), "runs");
    for (const command of [["compare", "--iterations", "4"], ["worker"]]) {
      const { code, stderr } = lenetLab(...command, "--logdir", logdir, "--queue", url);
      expect(code, stderr).toBe(2);
      expect(stderr).toMatch(message);
    }
    expect(existsSync(logdir)).toBe(false);
  });

  it("refuses an unreachable Redis with exit code 1, naming the URL, before anything is queued or written", async () => {
    const port = await freePort(); // nothing listens there
    const logdir = join(tempDir(), "runs");
    for (const command of [["compare", "--iterations", "4"], ["worker"]]) {
      const { code, stderr } = lenetLab(...command, "--logdir", logdir, "--queue", `redis://127.0.0.1:${port}`);
      expect(code, stderr).toBe(1);
      expect(stderr).toContain(`lenet-lab: cannot use Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED`);
    }
    expect(existsSync(logdir)).toBe(false);
  });

  it("refuses --sweep without --queue, and a sweep name that is not one path segment, with exit code 2", () => {
    const logdir = join(tempDir(), "runs");
    const alone = lenetLab("compare", "--logdir", logdir, "--sweep", "mine");
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("--sweep names a sweep on a queue; give --queue redis://HOST:PORT too");
    const badName = lenetLab("compare", "--logdir", logdir, "--queue", redis!.url, "--sweep", "a:b");
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('--sweep "a:b" must be up to 100 letters, digits and . _ + = -');
    expect(existsSync(logdir)).toBe(false);
  });
});

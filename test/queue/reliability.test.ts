// Sweeps through the queue when things go wrong, with a real redis-server and
// the built CLI in child processes:
//   1. Redis stopped and started again mid-sweep (same port, same directory,
//      an append-only file synced at every write): nothing is lost and nothing
//      done twice: every run finishes, each step is once in its event files,
//      and the queue holds each job once, completed;
//   2. two coordinators of different sweeps on one queue (one logdir): each
//      follows, tables and gets back only its own runs, also on re-attaching;
//   3. a worker that cannot write the logdir (a read-only view of it, as a
//      read-only mount gives) puts the job back without counting an attempt,
//      and another worker trains it;
//   4. a bad sweep file is refused with exit code 2 before anything is queued.
// Every wait is bounded, and every process a test starts is ended in afterEach
// or finally, also when the test fails.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { lenetLab } from "../cli-process.js";
import { tempDir } from "../idx-files.js";
import { RedisServer, redisAvailable, startCli, startCliThrough, startRedisServer, stopAll, until } from "./redis-server.js";
import { LOCK, eventPoints, gridRuns, runJson, startWorkers, workerName } from "./sweep-helpers.js";

const TINY = ["--iterations", "40", "--eval-every", "20", "--summaries", "minimal"];

/**
 * The command that starts a program with a read-only view of a directory (its
 * first argument; the program follows): a mount namespace of its own in which
 * the directory is bind-mounted read-only, so that writes fail with EROFS
 * whoever runs it (root included, whom a chmod would not stop). Root makes the
 * namespace directly, anyone else through a user namespace; undefined where
 * neither is allowed.
 */
const READ_ONLY_VIEW = (() => {
  const script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"';
  const through = [...(process.getuid?.() === 0 ? ["unshare", "--mount"] : ["unshare", "--user", "--map-root-user", "--mount"]),
    "--", "sh", "-c", script, "sh"];
  const dir = mkdtempSync(join(tmpdir(), "lenet-lab-ro-"));
  try {
    const probe = spawnSync(through[0]!, [...through.slice(1), dir, "sh", "-c", 'touch "$0/x"', dir], { encoding: "utf8" });
    return probe.status !== 0 && /Read-only file system/.test(probe.stderr) && !existsSync(join(dir, "x")) ? through : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

let redis: RedisServer | undefined;

beforeAll(async () => {
  if (redisAvailable) redis = await startRedisServer();
});
afterEach(async () => {
  await stopAll();
});
afterAll(async () => {
  await redis?.stop();
});

describe.skipIf(!redisAvailable)("sweeps through the queue when things go wrong", () => {
  it("loses nothing and does nothing twice when Redis is stopped and started again mid-sweep", async () => {
    const persistent = await startRedisServer({ persistent: true });
    try {
      const logdir = tempDir();
      const sweepFile = join(tempDir(), "sweep.json");
      writeFileSync(sweepFile, JSON.stringify({
        grid: { activation: ["relu"], lr: [0.01, 0.02] }, seeds: 2,
        iterations: 200, "eval-every": 50, "checkpoint-every": 20, summaries: "minimal",
      }));
      await startWorkers(persistent.url, logdir);
      const coordinator = startCli("compare", "--sweep-file", sweepFile, "--logdir", logdir, "--queue", persistent.url);
      await until("the sweep is queued", () => coordinator.stderr().includes("4 of 4 runs added"), 30_000);
      const runs = gridRuns(coordinator.stderr());
      expect(runs).toEqual(["relu-adam-lr0.01-it200-seed0", "relu-adam-lr0.01-it200-seed1", "relu-adam-lr0.02-it200-seed0", "relu-adam-lr0.02-it200-seed1"]);
      // Mid-sweep: a run has its first checkpoint, and at least one run has not finished.
      await until("a run's first checkpoint", () => runs.some((run) => existsSync(join(logdir, run, "checkpoint.safetensors"))));
      await persistent.restart(2_000);

      expect(await coordinator.exited, coordinator.stderr()).toBe(0);
      expect(coordinator.stderr()).toMatch(/lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+ .*; reconnecting/);
      expect(coordinator.stderr()).toContain("reconnected to Redis");
      for (const run of runs) {
        expect(runJson(join(logdir, run))).toMatchObject({ status: "finished", iterations: 200 });
        expect(coordinator.stdout()).toMatch(new RegExp(`${run} +\\d+\\.\\d\\d%`));
        const keys = eventPoints(join(logdir, run)).map((point) => point.key);
        expect(keys.filter((key) => key.startsWith("accuracy/test@")).length, run).toBe(4);
        expect(new Set(keys).size, `${run}: a step appears twice`).toBe(keys.length);
      }
      // The queue came back whole: each run's job once, completed.
      const queue = `bull:lenet-lab@${logdir}`;
      const sweep = /sweep ([\w.+=-]+): 4 of 4 runs added/.exec(coordinator.stderr())![1]!;
      expect((await persistent.client.zrange(`${queue}:completed`, 0, -1)).sort()).toEqual(runs.map((run) => `${sweep}/${run}`).sort());
      expect(await persistent.client.llen(`${queue}:wait`)).toBe(0);
      expect(await persistent.client.zcard(`${queue}:failed`)).toBe(0);
    } finally {
      await stopAll();
      await persistent.stop();
    }
  });

  it("keeps two sweeps on one queue apart: each coordinator follows and reports only its own runs", async () => {
    const logdir = tempDir();
    await startWorkers(redis!.url, logdir);
    const alpha = ["compare", "--activation", "relu", "--seeds", "2", ...TINY, "--logdir", logdir, "--queue", redis!.url, "--sweep", "alpha"];
    const beta = ["compare", "--activation", "sigmoid", "--seeds", "2", ...TINY, "--logdir", logdir, "--queue", redis!.url, "--sweep", "beta"];
    const first = startCli(...alpha);
    const second = startCli(...beta);
    // beta's runs are queued beside alpha's; its coordinator then stops following (so that the two reports are not written at once).
    await until("beta is queued", () => second.stderr().includes("sweep beta: 2 of 2 runs added"), 30_000);
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(130);
    expect(await first.exited, first.stderr()).toBe(0);
    const alphaRuns = gridRuns(first.stderr());
    const betaRuns = gridRuns(second.stderr());
    expect(alphaRuns).toEqual(["relu-adam-lr0.01-it40-seed0", "relu-adam-lr0.01-it40-seed1"]);
    expect(betaRuns).toEqual(["sigmoid-adam-lr0.01-it40-seed0", "sigmoid-adam-lr0.01-it40-seed1"]);
    for (const run of betaRuns) expect(first.stderr() + first.stdout()).not.toContain(run);

    const again = startCli(...beta);
    expect(await again.exited, again.stderr()).toBe(0);
    expect(again.stderr()).toContain("sweep beta: 0 of 2 runs added to the queue");
    for (const run of alphaRuns) expect(again.stderr()).not.toContain(run);
    const table = /\nrun .*\n([\s\S]*?)\n\n/.exec(again.stdout())?.[1] ?? "";
    expect(table.split("\n").map((line) => line.split(/ +/)[0])).toEqual(betaRuns);

    const status = lenetLab("sweep", "status", "--queue", redis!.url, "--logdir", logdir);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("sweep alpha: 2 runs: 0 waiting, 0 running, 0 retrying, 2 done, 0 diverged, 0 failed");
    expect(status.stdout).toContain("sweep beta: 2 runs: 0 waiting, 0 running, 0 retrying, 2 done, 0 diverged, 0 failed");
  });

  it.skipIf(!READ_ONLY_VIEW)("puts a run back for another worker when its worker cannot write the logdir", async () => {
    const logdir = tempDir();
    const readOnly = startCliThrough([...READ_ONLY_VIEW!, logdir], "worker", "--queue", redis!.url, "--logdir", logdir, "--jobs", "1", ...LOCK);
    await until("the read-only worker serves the queue", () => readOnly.stderr().includes("serving the queue"), 30_000);
    const coordinator = startCli("compare", "--activation", "relu", "--seeds", "1", ...TINY, "--logdir", logdir, "--queue", redis!.url);
    await until("the read-only worker refuses the run", () => readOnly.stderr().includes("cannot write"), 30_000);
    const [writer] = await startWorkers(redis!.url, logdir, 1);

    expect(await coordinator.exited, coordinator.stderr()).toBe(0);
    const [run] = gridRuns(coordinator.stderr());
    expect(readOnly.stderr()).toContain(`${run} (sweep `);
    expect(readOnly.stderr()).toMatch(new RegExp(`this worker cannot write ${logdir} \\(EROFS\\); the run is back in the queue for another worker, ` +
      "and this one takes no runs until it can write there"));
    expect(coordinator.stderr()).toMatch(new RegExp(`\\] ${run}: started on ${workerName(writer!).source}\\n`));
    expect(coordinator.stderr()).not.toMatch(workerName(readOnly));
    expect(coordinator.stderr()).not.toContain("failed"); // put back, not a failed attempt
    expect(runJson(join(logdir, run!))).toMatchObject({ status: "finished", iterations: 40 });
  });

  it("refuses a bad sweep file with exit code 2 before anything is queued", async () => {
    const dir = tempDir();
    const path = join(dir, "sweep.json");
    writeFileSync(path, JSON.stringify({ random: { lr: { logUniform: [-1, 0.1] } }, samples: 4 }));
    const logdir = join(dir, "runs");
    const { code, stderr } = lenetLab("compare", "--sweep-file", path, "--logdir", logdir, "--queue", redis!.url);
    expect(code).toBe(2);
    expect(stderr).toContain(`sweep file ${path}: random.lr.logUniform has min -1; a learning rate is > 0`);
    expect(existsSync(logdir)).toBe(false);
    expect(await redis!.client.keys(`bull:lenet-lab@${logdir}:*`)).toEqual([]);
  });
});

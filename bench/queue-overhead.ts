// `node dist/bench/queue-overhead.js [--runs 40]` (needs Debian's redis-server)
//
// What the queue adds to each run of a sweep, apart from the training: a grid
// whose "training" is a stand-in child process that only prints its JSON
// summary (with the times it started and ended) runs twice, one run at a
// time: on the local pool (`compare` without --queue), and through a real
// redis-server (started here on a free loopback port) on a queue worker, with
// the coordinator and the worker in this process (the code the CLI runs). Per
// run, medians over the runs:
//   - start gap: from a run's end to the next run's start (the local pool
//     starts the next at once; a worker first completes the job in Redis,
//     takes the next, reads the run directory, reports the start);
//   - end to outcome: from a run's end to the coordinator holding its outcome;
//   - and, once, enqueue to start: from the submission to the first run's start.
// The queue's overhead per run is the difference of the first two between the
// queue and the local pool; the stand-in's own start (a Node process) is in both.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { connectSweep } from "../src/queue/coordinator.js";
import { parseQueueUrl } from "../src/queue/connection.js";
import { startQueueWorker } from "../src/queue/worker.js";
import { expandGrid } from "../src/sweep/grid.js";
import { GridProgress, RunOutcome, runGrid } from "../src/sweep/local-pool.js";

const argv = process.argv.slice(2);
const runsAt = argv.indexOf("--runs");
const RUNS = runsAt >= 0 ? Number(argv[runsAt + 1]) : 40;

/** The stand-in for `lenet-lab train --json`: its summary, with when it started and ended. */
const STAND_IN = `const startedAt = Date.now();
const args = process.argv.slice(2);
const run = args[args.indexOf("--run-name") + 1];
console.log(JSON.stringify({ run, runDir: "", testAccuracy: 0.5, testLoss: 1, seconds: 0, startedAt, endedAt: Date.now() }));
`;

type Timed = RunOutcome & { result: RunOutcome["result"] & { startedAt: number; endedAt: number } };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A progress display that only notes when each run's outcome arrived. */
function recorder(): { progress: GridProgress; outcomeAt: Map<string, number> } {
  const outcomeAt = new Map<string, number>();
  const note = (run: string) => outcomeAt.set(run, Date.now());
  return { outcomeAt, progress: { started() {}, line() {}, finished: note, failed: note, log() {}, stop() {} } };
}

/** Start gaps and end-to-outcome times of a finished grid. */
function measure(outcomes: RunOutcome[], outcomeAt: Map<string, number>): { startGapMs: number; endToOutcomeMs: number } {
  const failed = outcomes.find((o) => !o.ok);
  if (failed) throw new Error(`${failed.run} failed: ${failed.error}`);
  const timed = (outcomes as Timed[]).sort((a, b) => a.result.startedAt - b.result.startedAt);
  const gaps = timed.slice(1).map((o, i) => o.result.startedAt - timed[i]!.result.endedAt);
  const ends = timed.map((o) => outcomeAt.get(o.run)! - o.result.endedAt);
  return { startGapMs: median(gaps), endToOutcomeMs: median(ends) };
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lenet-lab-queue-bench-"));
  const standIn = join(dir, "stand-in.mjs");
  writeFileSync(standIn, STAND_IN);
  const logdir = join(dir, "runs");
  const command = [process.execPath, standIn];
  const seeds = Array.from({ length: RUNS }, (_, i) => String(i));
  const runs = () => expandGrid({ activation: ["relu"], optimizer: ["adam"], lr: ["0.01"], seed: seeds }, { logdir }, ["--logdir", logdir]);

  const local = recorder();
  const localOutcomes = await runGrid(runs(), { jobs: 1, progress: local.progress, command });
  const onPool = measure(localOutcomes, local.outcomeAt);

  const port = await freePort();
  const server = spawn("/usr/bin/redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
    { stdio: "ignore" });
  try {
    const probe = new Redis({ port, host: "127.0.0.1", retryStrategy: () => 50, maxRetriesPerRequest: null });
    probe.on("error", () => {}); // until redis-server listens
    await Promise.race([probe.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error("redis-server did not start")), 10_000))]);
    probe.disconnect();
    const address = parseQueueUrl(`redis://127.0.0.1:${port}`);
    const worker = await startQueueWorker({ address, logdir, jobs: 1, lockSeconds: 30, command, log: () => {} });
    const queued = connectSweep({ address, sweep: "bench", logdir, runs: runs(), overwrite: false, resume: false, log: () => {} });
    const sweep = await queued;
    const remote = recorder();
    const submitted = Date.now();
    const outcomes = await sweep.submitAndFollow(remote.progress, new AbortController().signal);
    await sweep.close();
    await worker.stop();
    if (outcomes === "detached") throw new Error("detached");
    const onQueue = measure(outcomes, remote.outcomeAt);
    const firstStart = Math.min(...(outcomes as Timed[]).map((o) => o.result.startedAt));

    const row = (what: string, pool: number, queue: number) =>
      console.log(`${what.padEnd(30)} ${pool.toFixed(1).padStart(10)} ${queue.toFixed(1).padStart(10)} ${(queue - pool).toFixed(1).padStart(10)}`);
    console.log(`${RUNS} stand-in runs, one at a time, on ${cpus()[0]?.model ?? "?"} (${cpus().length} cores); medians in ms`);
    console.log(`${"".padEnd(30)} ${"local".padStart(10)} ${"queue".padStart(10)} ${"added".padStart(10)}`);
    row("start gap (end → next start)", onPool.startGapMs, onQueue.startGapMs);
    row("end → outcome", onPool.endToOutcomeMs, onQueue.endToOutcomeMs);
    console.log(`enqueue → first start: ${firstStart - submitted} ms (once per sweep: the marker, the event stream, the transaction)`);
    console.log(JSON.stringify({ runs: RUNS, local: onPool, queue: onQueue, enqueueToFirstStartMs: firstStart - submitted }));
  } finally {
    server.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

// What the queue tests look at, shared: workers started on a logdir, how the
// coordinator names workers and runs in its lines, a run's run.json, and
// TensorBoard's view of a run's event files (every tag at every step).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readRunEvents } from "../../src/tensorboard/run-events.js";
import { scalarOf } from "../../src/tensorboard/summaries.js";
import { CliProcess, startCli, until } from "./redis-server.js";

/** A dead worker's run is taken over after 4 s without a lock renewal (default 30 s). */
export const LOCK = ["--lock-seconds", "4"];

/** `count` workers serving `logdir` through the Redis at `url`, each one run at a time; resolves when all serve the queue. */
export async function startWorkers(url: string, logdir: string, count = 2): Promise<CliProcess[]> {
  const workers = Array.from({ length: count }, () => startCli("worker", "--queue", url, "--logdir", logdir, "--jobs", "1", ...LOCK));
  await until("the workers serve the queue", () => workers.every((w) => w.stderr().includes("serving the queue")), 30_000);
  return workers;
}

/** How a worker is named in the coordinator's lines: hostname-pid. */
export const workerName = (worker: CliProcess) => new RegExp(`[\\w.-]+-${worker.child.pid}\\b`);

/** The grid's run names, as the compare command's first line lists them: "lenet-lab compare: 4 runs (a, b, c, d) …". */
export function gridRuns(stderr: string): string[] {
  const list = /lenet-lab compare: \d+ runs \(([^)]*)\)/.exec(stderr);
  return list ? list[1]!.split(", ") : [];
}

export const runJson = (dir: string) => JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));

/** Every (tag, step) of a run's event files as TensorBoard merges them, with its value. */
export const eventPoints = (dir: string) => readRunEvents(dir).events.flatMap((event) => (event.summary?.value ?? [])
  .map((value) => ({ key: `${value.tag}@${event.step}`, value: scalarOf(value) })));

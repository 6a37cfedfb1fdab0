// What the queue of a logdir holds, read-only: every sweep's runs by state
// (waiting, running, retrying after a failed attempt, done, diverged, failed),
// a running run with its worker and its last progress line, a retrying or
// failed one with its error, and the workers that serve the queue.
// Not here: printing it (src/cli/sweep-command.ts), changing anything.

import { Job, JobType, Queue } from "bullmq";
import { parseProgressLine } from "../sweep/train-process.js";
import { QueueAddress, bounded, checkRedis, closeAll, openRedis } from "./connection.js";
import { RunJobData, RunJobResult, WorkerReport, queueName } from "./sweep-jobs.js";

export type RunState = "waiting" | "running" | "retrying" | "done" | "diverged" | "failed";
export const RUN_STATES: readonly RunState[] = ["waiting", "running", "retrying", "done", "diverged", "failed"];

export interface RunStatus {
  run: string;
  state: RunState;
  /** The worker that runs it, or ran it last. */
  worker?: string;
  /** Its last progress (running), its result (done), or its error. */
  detail?: string;
}

export interface SweepStatus {
  sweep: string;
  runs: RunStatus[];
}

export interface QueueStatus {
  queue: string;
  /** The names of the workers connected to the queue (hostname-pid). */
  workers: string[];
  sweeps: SweepStatus[];
}

/** BullMQ's job lists, and the state each means for a run. */
const LISTS: readonly [list: JobType, state: RunState][] = [
  ["wait", "waiting"], ["prioritized", "waiting"], ["active", "running"], ["delayed", "retrying"], ["completed", "done"], ["failed", "failed"],
];

function describeProgress(progress: unknown): string | undefined {
  if (typeof progress !== "object" || progress === null) return undefined;
  const report = progress as WorkerReport;
  if (report.kind === "started") return report.how === "resumed" ? `resuming from iteration ${report.fromIteration}` : "starting";
  const line = parseProgressLine(report.line);
  return line ? `iteration ${line.iteration}/${line.iterations}${line.testAccuracy ? `, test accuracy ${line.testAccuracy}` : ""}` : undefined;
}

function runStatus(job: Job<RunJobData, RunJobResult>, state: RunState): RunStatus {
  const status: RunStatus = { run: job.data.run.config.runName, state, worker: job.processedBy };
  if (state === "running") status.detail = describeProgress(job.progress);
  if (state === "retrying") status.detail = `attempt ${job.attemptsMade} failed: ${job.failedReason}`;
  if (state === "failed") status.detail = job.failedReason;
  if (state === "done") {
    const result = job.returnvalue;
    if (result.ok) status.detail = `test accuracy ${(100 * result.result!.testAccuracy).toFixed(2)}%`;
    else Object.assign(status, { state: "diverged", detail: result.error });
  }
  return status;
}

/** Reads the queue of `logdir` (absolute) at `address`; only `sweep`'s runs when it is given. */
export async function readQueueStatus(address: QueueAddress, logdir: string, warn: (text: string) => void, sweep?: string): Promise<QueueStatus> {
  await checkRedis(address, warn);
  const redis = openRedis(address, warn);
  const queue = new Queue<RunJobData, RunJobResult>(queueName(logdir), { connection: redis });
  queue.on("error", () => {});
  try {
    const read = async () => {
      const sweeps = new Map<string, RunStatus[]>();
      for (const [list, state] of LISTS) {
        for (const job of await queue.getJobs([list], 0, -1)) {
          if (!job?.data?.run || (sweep !== undefined && job.data.sweep !== sweep)) continue;
          const runs = sweeps.get(job.data.sweep) ?? [];
          runs.push(runStatus(job, state));
          sweeps.set(job.data.sweep, runs);
        }
      }
      const clients = await queue.getWorkers();
      return {
        queue: queue.name,
        workers: clients.map((c) => String(c.rawname ?? c.name).replace(/^.*:w:/, "")).sort(),
        sweeps: [...sweeps].sort(([a], [b]) => a.localeCompare(b))
          .map(([name, runs]) => ({ sweep: name, runs: runs.sort((a, b) => a.run.localeCompare(b.run)) })),
      };
    };
    return await bounded(read(), 30_000, "reading the queue");
  } finally {
    await closeAll([queue], redis);
  }
}

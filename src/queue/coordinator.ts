// Running a grid through the queue, from the machine that submits it (the
// coordinator). Every run of the grid becomes a BullMQ job in the logdir's
// queue (sweep-jobs.ts), all of them in one MULTI transaction
// (FlowProducer.addBulk: all are added or none), with the job id
// "<sweep>/<run>", so that submitting the sweep again adds nothing and
// re-attaches to it instead (with --resume, runs that failed for good are
// tried again, continuing from their checkpoints). Then it follows the jobs
// until each has an outcome: BullMQ's progress events bring each run's start
// (which worker, new or resumed) and its evaluation lines, its completed /
// delayed (a retry) / failed / stalled events the rest, and a poll of the
// jobs' states every few seconds catches whatever an event missed (across a
// reconnect). The outcomes come back in grid order, as the local pool's do,
// so the same tables, fc2 maps and report follow. Stopping the coordinator
// (the abort signal) leaves the sweep running on the workers.
// Not here: running the jobs (worker.ts), the job format (sweep-jobs.ts), the
// command line and the report (src/cli/compare-command.ts).

import { join } from "node:path";
import { FlowProducer, Job, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import type { GridRun } from "../sweep/grid.js";
import type { GridProgress } from "../sweep/local-pool.js";
import type { RunOutcome } from "../sweep/train-process.js";
import { Closable, QueueAddress, QueueConnectionError, bounded, checkRedis, closeAll, openRedis } from "./connection.js";
import {
  RETRY_DELAY_MS, RUN_ATTEMPTS, RunJobData, RunJobResult, WorkerReport, queueName, runJobId, writeSweepMarker,
} from "./sweep-jobs.js";

/** How often every unfinished job's state is read, whatever the events said. */
const POLL_MS = 3_000;
/** How long a single Redis request of the coordinator may take. */
const REQUEST_TIMEOUT_MS = 30_000;
/** After this long with no run started, say whether any worker serves the queue. */
const NO_WORKER_HINT_MS = 20_000;

export interface SweepOptions {
  address: QueueAddress;
  sweep: string;
  /** The logdir, absolute: the same shared directory the workers were given. */
  logdir: string;
  runs: readonly GridRun[];
  /** --overwrite: each run's first start trains over an existing run directory. */
  overwrite: boolean;
  /** --resume: runs of the sweep that failed for good are tried again (from their checkpoints). */
  resume: boolean;
  /** Messages before the progress display exists (warnings, connection trouble). */
  log: (text: string) => void;
}

export interface QueuedSweep {
  /** How many of the sweep's runs are in the queue already (0: a new sweep; all: re-attaching). */
  alreadyQueued: number;
  /**
   * Adds the runs that are not queued yet (atomically), then follows every run
   * until it has an outcome; "detached" when `stop` fired first.
   */
  submitAndFollow(progress: GridProgress, stop: AbortSignal): Promise<RunOutcome[] | "detached">;
  close(): Promise<void>;
}

/** Connects (bounded; QueueConnectionError when Redis cannot be used) and looks up which of the sweep's runs are queued. */
export async function connectSweep(options: SweepOptions): Promise<QueuedSweep> {
  await checkRedis(options.address, options.log);
  let log = options.log;
  const redis = openRedis(options.address, (text) => log(text));
  const name = queueName(options.logdir);
  const queue = new Queue<RunJobData, RunJobResult>(name, { connection: redis });
  queue.on("error", () => {}); // connection trouble is reported by the client (openRedis)
  const ids = options.runs.map((run) => runJobId(options.sweep, run.config.runName));
  let alreadyQueued: number;
  try {
    const jobs = await bounded(Promise.all(ids.map((id) => queue.getJob(id))), REQUEST_TIMEOUT_MS, "looking up the sweep's jobs");
    alreadyQueued = jobs.filter((job) => job !== undefined).length;
  } catch (error) {
    await closeAll([queue], redis);
    throw error;
  }
  const closables: Closable[] = [queue];
  return {
    alreadyQueued,
    async submitAndFollow(progress, stop) {
      log = (text) => progress.log(text);
      // Events from now on, none missed: read from the last event already in the stream, once follow() listens.
      const [last] = await bounded(redis.xrevrange(queue.keys.events, "+", "-", "COUNT", 1), REQUEST_TIMEOUT_MS, "reading the queue's events");
      const events = new QueueEvents(name, { connection: redis, lastEventId: last?.[0] ?? "0-0", autorun: false });
      events.on("error", () => {});
      closables.push(events);
      await bounded(events.waitUntilReady(), REQUEST_TIMEOUT_MS, "listening to the queue's events");
      writeSweepMarker(options.logdir, options.sweep, options.runs);
      const added = await submit(queue, redis, ids, options, closables);
      progress.log(`sweep ${options.sweep}: ${added} of ${options.runs.length} runs added to the queue "${name}" at ` +
        `${options.address.display}${added < options.runs.length ? ` (${options.runs.length - added} were there already)` : ""}`);
      return follow(queue, events, ids, options, progress, stop);
    },
    close: () => closeAll(closables, redis),
  };
}

/** Adds every run in one transaction; jobs whose id exists are left as they are. Returns how many were new. */
async function submit(queue: Queue<RunJobData, RunJobResult>, redis: Redis, ids: readonly string[], options: SweepOptions,
  closables: Closable[]): Promise<number> {
  const lookUp = () => bounded(Promise.all(ids.map((id) => queue.getJob(id))), REQUEST_TIMEOUT_MS, "looking up the sweep's jobs");
  const before = await lookUp();
  const producer = new FlowProducer({ connection: redis });
  producer.on("error", () => {});
  closables.push(producer);
  const flows = options.runs.map((run, i) => ({
    name: run.config.runName,
    queueName: queue.name,
    data: { sweep: options.sweep, run, overwrite: options.overwrite } satisfies RunJobData,
    opts: {
      jobId: ids[i],
      attempts: RUN_ATTEMPTS,
      backoff: { type: "exponential", delay: RETRY_DELAY_MS },
      // Kept: a finished sweep's outcomes are what re-attaching to it reads.
      removeOnComplete: false,
      removeOnFail: false,
    },
  }));
  try {
    await bounded(producer.addBulk(flows), REQUEST_TIMEOUT_MS, "adding the sweep's jobs");
  } catch (error) {
    throw new QueueConnectionError(`could not add the sweep's runs to the queue at ${options.address.display}: ${(error as Error).message}. ` +
      "They are added all together or not at all; the same command again adds whatever is missing, and nothing twice");
  }
  if (options.resume) {
    const failed = before.filter((job): job is Job<RunJobData, RunJobResult> => job !== undefined && job.failedReason !== undefined && job.finishedOn !== undefined);
    for (const job of failed) {
      if ((await job.getState()) === "failed") await bounded(job.retry("failed", { resetAttemptsMade: true }), REQUEST_TIMEOUT_MS, "retrying a failed run");
    }
  }
  const after = await lookUp();
  const missing = options.runs.filter((_, i) => after[i] === undefined).map((run) => run.config.runName);
  if (missing.length > 0) throw new QueueConnectionError(`the queue at ${options.address.display} did not keep the jobs of ${missing.join(", ")}`);
  return before.filter((job) => job === undefined).length;
}

/** A completed job's outcome, with the run directory as this machine sees the shared logdir. */
function completedOutcome(result: RunJobResult, logdir: string): RunOutcome {
  return result.ok && result.result ? { ...result, result: { ...result.result, runDir: join(logdir, result.run) } } : result;
}

/** A job's outcome once it has one: completed (the worker's result) or failed for good (its last error). */
async function finalOutcome(job: Job<RunJobData, RunJobResult>, logdir: string): Promise<RunOutcome | undefined> {
  const state = await job.getState();
  const name = job.data.run.config.runName;
  if (state === "completed") return completedOutcome(job.returnvalue, logdir);
  if (state === "failed") return { run: name, ok: false, error: job.failedReason || "failed" };
  return undefined;
}

function describeStart(report: Extract<WorkerReport, { kind: "started" }>): string {
  switch (report.how) {
    case "resumed": return `${report.worker}, resuming from its checkpoint at iteration ${report.fromIteration}`;
    case "restarted": return `${report.worker}, starting again (it had no checkpoint yet)`;
    case "kept": return `${report.worker}, which found it finished already`;
    default: return report.worker;
  }
}

/** Follows the sweep's jobs until each has an outcome (or `stop` fires). */
function follow(queue: Queue<RunJobData, RunJobResult>, events: QueueEvents, ids: readonly string[], options: SweepOptions,
  progress: GridProgress, stop: AbortSignal): Promise<RunOutcome[] | "detached"> {
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const names = options.runs.map((run) => run.config.runName);
  const outcomes: (RunOutcome | undefined)[] = new Array(ids.length).fill(undefined);
  let remaining = ids.length;
  let anyStarted = false;

  return new Promise((resolveFollow) => {
    let ended = false;
    const end = (value: RunOutcome[] | "detached") => {
      if (ended) return;
      ended = true;
      clearInterval(poller);
      clearTimeout(hint);
      stop.removeEventListener("abort", onStop);
      for (const event of ["progress", "completed", "failed", "delayed", "stalled"] as const) events.removeAllListeners(event);
      resolveFollow(value);
    };
    const record = (index: number, outcome: RunOutcome) => {
      if (ended || outcomes[index] !== undefined) return;
      outcomes[index] = outcome;
      remaining--;
      if (outcome.ok) progress.finished(names[index]!, outcome.result!);
      else progress.failed(names[index]!, outcome.error ?? "failed");
      if (remaining === 0) end(outcomes as RunOutcome[]);
    };
    const reconcile = async (id: string) => {
      const index = indexOf.get(id);
      if (index === undefined || outcomes[index] !== undefined) return;
      const job = await queue.getJob(id);
      if (!job) {
        record(index, { run: names[index]!, ok: false, error: "its job vanished from the queue (removed, or evicted by Redis)" });
        return;
      }
      if (job.attemptsStarted > 0) anyStarted = true;
      const outcome = await finalOutcome(job, options.logdir);
      if (outcome) record(index, outcome);
    };
    const reconcileAll = () => {
      const pending = ids.filter((_, i) => outcomes[i] === undefined);
      bounded(Promise.all(pending.map(reconcile)), REQUEST_TIMEOUT_MS, "reading the jobs' states")
        .catch(() => undefined); // Redis away: the client says so; the next poll tries again
    };

    events.on("progress", ({ jobId, data }) => {
      const index = indexOf.get(jobId);
      if (index === undefined || typeof data !== "object" || data === null) return;
      const report = data as WorkerReport;
      anyStarted = true;
      if (report.kind === "started") progress.started(names[index]!, describeStart(report));
      else if (report.kind === "line") progress.line(names[index]!, `${report.line}  [${report.worker}]`);
    });
    events.on("completed", ({ jobId, returnvalue }) => {
      const index = indexOf.get(jobId);
      if (index !== undefined) record(index, completedOutcome(returnvalue, options.logdir));
    });
    events.on("failed", ({ jobId }) => void reconcile(jobId).catch(() => undefined));
    // A failed attempt that is retried goes to "delayed" (its backoff) rather than "failed".
    events.on("delayed", ({ jobId, delay }) => {
      const index = indexOf.get(jobId);
      if (index === undefined) return;
      void bounded(queue.getJob(jobId), REQUEST_TIMEOUT_MS, "reading a job").then((job) => {
        if (!job?.failedReason) return;
        const seconds = Math.max(0, Math.round((Number(delay) - Date.now()) / 1000));
        progress.log(`${names[index]}: attempt ${job.attemptsMade} of ${RUN_ATTEMPTS} failed${job.processedBy ? ` on ${job.processedBy}` : ""} ` +
          `(${job.failedReason}); retried in ${seconds} s`);
      }).catch(() => undefined);
    });
    events.on("stalled", ({ jobId }) => {
      const index = indexOf.get(jobId);
      if (index === undefined) return;
      progress.log(`${names[index]}: its worker stopped renewing the job's lock (gone, or cut off from Redis); ` +
        "it is back in the queue and continues from its last checkpoint on the next free worker");
    });

    const poller = setInterval(reconcileAll, POLL_MS);
    const hint = setTimeout(() => {
      if (anyStarted || ended) return;
      bounded(queue.getWorkersCount(), REQUEST_TIMEOUT_MS, "counting workers").then((count) => {
        if (count === 0 && !anyStarted && !ended) {
          progress.log(`no worker serves the queue at ${options.address.display} yet: start one on each machine with ` +
            `lenet-lab worker --queue ${options.address.display} --logdir ${options.logdir}`);
        }
      }).catch(() => undefined);
    }, NO_WORKER_HINT_MS);
    const onStop = () => end("detached");
    if (stop.aborted) onStop();
    else stop.addEventListener("abort", onStop);
    void events.run().catch(() => undefined); // ends when the events are closed
    reconcileAll();
  });
}

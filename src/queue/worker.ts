// A queue worker: takes the run jobs of the sweeps of its --logdir from that
// logdir's queue, --jobs at a time, and runs each as a `lenet-lab train
// --json` child process into the logdir, which is shared with the coordinator
// (a worker whose --logdir lacks the sweep's marker file is on a directory of
// the same path that is not shared: it fails the attempt, saying so, and the
// job is retried, on another worker if there is one; a worker that cannot
// write the logdir puts the job back for another worker, uncounted, and takes
// no runs until it can write there).
//
// At least once, made exact: BullMQ hands a job whose worker died to another
// worker once its lock expires (after --lock-seconds). How a run starts
// depends on its directory, as `compare --resume` decides (resumePlan): a
// finished run is kept as its result, a run with a checkpoint continues from
// it (`train --resume`, the same final weights as an uninterrupted run), and
// a run stopped before its first checkpoint starts again; only the first start
// of a job of an --overwrite sweep trains over what is there. A diverged run
// (exit 3) is a result, not retried; a run that fails otherwise is retried
// with backoff (sweep-jobs.ts), and a bad-argument failure (exit 2) is not.
//
// Training happens in child processes, so this process stays free to renew
// its jobs' locks; a lock found gone (another worker may hold the job now)
// kills its run at once. Each child is in a process group of its own (a terminal's
// Ctrl-C reaches only the worker, which decides), and on Linux is started
// through setpriv --pdeathsig SIGKILL, so that a worker that dies takes its
// runs with it, as a machine that goes down would, instead of leaving them
// training behind the worker that takes the job over.
//
// Not here: the command line and signals (src/cli/worker-command.ts),
// submitting and following a sweep (coordinator.ts).

import { ChildProcess } from "node:child_process";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { Job, UnrecoverableError, WaitingError, Worker } from "bullmq";
import { resumePlan } from "../sweep/resume.js";
import { startTrainProcess } from "../sweep/train-process.js";
import { readCheckpoint } from "../train/checkpoint.js";
import { QueueAddress, bounded, checkRedis, closeAll, openRedis } from "./connection.js";
import { RunJobData, RunJobResult, WorkerReport, queueName, sweepMarkerPath, withoutOptions } from "./sweep-jobs.js";

/** setpriv (util-linux) starts a program with a parent-death signal; without it (not Linux), children outlive a killed worker. */
const SETPRIV = "/usr/bin/setpriv";
/** How a stopping worker's runs have to save their checkpoints and exit before they are killed. */
const CHECKPOINT_TIMEOUT_MS = 60_000;
/** Times a job may be taken over from a dead worker before it counts as failed (a run that keeps killing its worker). */
const MAX_STALLS = 3;

export interface QueueWorkerOptions {
  address: QueueAddress;
  /** The shared logdir, absolute. */
  logdir: string;
  /** Runs trained at the same time. */
  jobs: number;
  /** --threads of each run (default: what the sweep gave, one thread). */
  threads?: string;
  /** A worker that has not renewed its job's lock for this long is taken for dead. */
  lockSeconds: number;
  /** The program and leading arguments that run `lenet-lab`. */
  command: readonly string[];
  log: (text: string) => void;
}

export interface QueueWorker {
  /** hostname-pid: how coordinators and logs name this worker. */
  name: string;
  /** Takes no more jobs; running runs save a checkpoint (SIGINT) and go back to the queue. Resolves with how many went back. */
  stop(): Promise<number>;
  /** Quits at once: running runs are killed and taken over when their locks expire. */
  kill(): Promise<void>;
}

/** How often a worker that cannot write its logdir looks again. */
const WRITE_RECHECK_MS = 10_000;

/** Why this process cannot write into `dir` (a probe file made and removed there), or undefined when it can. */
function cannotWrite(dir: string, workerName: string): string | undefined {
  const probe = join(dir, `.write-check-${workerName}`);
  try {
    writeFileSync(probe, "");
    rmSync(probe, { force: true });
    return undefined;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return code ?? message;
  }
}

/** How a job's run starts: the train arguments, and what to tell the coordinator. */
type StartPlan = { keep: RunJobResult } | { args: string[]; how: "new" | "resumed" | "restarted"; fromIteration?: number };

function planStart(job: Job<RunJobData, RunJobResult>, options: QueueWorkerOptions): StartPlan {
  const { run, overwrite } = job.data;
  const threads = options.threads !== undefined ? ["--threads", options.threads] : [];
  const args = [...withoutOptions(run.args, ["--logdir", ...(threads.length > 0 ? ["--threads"] : [])]), "--logdir", options.logdir, ...threads];
  const runDir = join(options.logdir, run.config.runName);
  const firstStart = job.attemptsStarted <= 1;
  if ((firstStart && overwrite) || !existsSync(runDir) || readdirSync(runDir).length === 0) return { args, how: "new" };
  const plan = resumePlan({ config: run.config, args }, runDir);
  if ("keep" in plan) return { keep: { ...plan.keep, result: { ...plan.keep.result!, runDir } } };
  if (plan.args.includes("--resume")) {
    let fromIteration: number | undefined;
    try {
      fromIteration = readCheckpoint(runDir).state.iteration;
    } catch {
      fromIteration = undefined; // train --resume says what is wrong with it
    }
    return { args: [...plan.args, ...threads], how: "resumed", fromIteration };
  }
  return { args: plan.args, how: "restarted" };
}

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  await checkRedis(options.address, options.log);
  const name = `${hostname()}-${process.pid}`;
  const redis = openRedis(options.address, options.log);
  const childCommand = process.platform === "linux" && existsSync(SETPRIV)
    ? [SETPRIV, "--pdeathsig", "SIGKILL", "--", ...options.command]
    : [...options.command];
  const running = new Map<string, ChildProcess>();
  /** Jobs whose lock another worker may hold now: their runs were killed. */
  const lost = new Set<string>();
  let stopping = false;

  /** Puts a job back into the queue, for this or another worker, without counting an attempt. */
  const backToQueue = async (job: Job<RunJobData, RunJobResult>, token: string | undefined, message: string): Promise<never> => {
    await job.moveToWait(token);
    options.log(message);
    throw new WaitingError();
  };
  const stoppingMessage = (runName: string) => `${runName}: back in the queue (this worker is stopping; a run that had started saved a checkpoint)`;

  // A logdir this machine cannot write (mounted read-only, no permission, full):
  // the worker takes no runs until it can, looking again every WRITE_RECHECK_MS.
  let recheck: NodeJS.Timeout | undefined;
  const pauseUntilWritable = async () => {
    if (recheck) return;
    await worker.pause(true);
    recheck = setInterval(() => {
      if (stopping || cannotWrite(options.logdir, name) !== undefined) return;
      clearInterval(recheck);
      recheck = undefined;
      options.log(`can write ${options.logdir} again: taking runs`);
      void worker.resume();
    }, WRITE_RECHECK_MS);
  };

  const processRun = async (job: Job<RunJobData, RunJobResult>, token?: string): Promise<RunJobResult> => {
    const { sweep, run } = job.data;
    const runName = run.config.runName;
    if (!existsSync(sweepMarkerPath(options.logdir, sweep))) {
      throw new Error(`worker ${name}: ${options.logdir} has no .sweeps/${sweep}.json, which the coordinator wrote into its logdir: ` +
        `this machine's ${options.logdir} is not the coordinator's; mount the shared filesystem at the same path on every machine`);
    }
    const unwritable = cannotWrite(options.logdir, name);
    if (unwritable !== undefined) {
      await pauseUntilWritable();
      return backToQueue(job, token, `${runName} (sweep ${sweep}): this worker cannot write ${options.logdir} (${unwritable}); ` +
        `the run is back in the queue for another worker, and this one takes no runs until it can write there ` +
        `(it looks again every ${WRITE_RECHECK_MS / 1000} s)`);
    }
    const plan = planStart(job, options);
    const report = (message: WorkerReport) => job.updateProgress(message).catch(() => undefined);
    if ("keep" in plan) {
      await report({ kind: "started", worker: name, how: "kept" });
      options.log(`${runName} (sweep ${sweep}): finished already; kept`);
      return plan.keep;
    }
    if (stopping) return backToQueue(job, token, stoppingMessage(runName));
    await report({ kind: "started", worker: name, how: plan.how, fromIteration: plan.fromIteration });
    const how = { new: "starting", resumed: `resuming from iteration ${plan.fromIteration ?? "?"}`, restarted: "starting again" }[plan.how];
    options.log(`${runName} (sweep ${sweep}): ${how}`);
    const train = startTrainProcess(runName, plan.args, {
      command: childCommand,
      detached: true,
      onLine: (line) => {
        if (line.trim() !== "") void report({ kind: "line", worker: name, line });
      },
    });
    running.set(job.id!, train.child);
    if (stopping) train.child.kill("SIGINT"); // stop() came while it was starting
    const { outcome, code, signal } = await train.ended;
    running.delete(job.id!);
    if (outcome.ok) {
      options.log(`${runName}: finished, test accuracy ${(100 * outcome.result!.testAccuracy).toFixed(2)}%`);
      return outcome;
    }
    if (code === 3) {
      options.log(`${runName}: diverged (a result, not retried): ${outcome.error}`);
      return outcome;
    }
    if (lost.delete(job.id!)) throw new Error(`worker ${name} lost the run's lock; another worker continues it`);
    // Stopped by this worker's Ctrl-C, with a checkpoint.
    if (stopping && (code === 130 || code === 143 || signal !== null)) return backToQueue(job, token, stoppingMessage(runName));
    options.log(`${runName}: failed: ${outcome.error}`);
    if (code === 2) throw new UnrecoverableError(outcome.error);
    throw new Error(outcome.error);
  };

  const worker = new Worker<RunJobData, RunJobResult>(queueName(options.logdir), processRun, {
    connection: redis,
    name,
    concurrency: options.jobs,
    lockDuration: options.lockSeconds * 1000,
    stalledInterval: (options.lockSeconds * 1000) / 2,
    maxStalledCount: MAX_STALLS,
  });
  worker.on("error", () => {}); // connection trouble is reported by the client (openRedis)
  // A lock that could not be renewed because it is gone (expired while this
  // worker was cut off or frozen): the job may be another worker's now, so the
  // run stops at once, and never two processes train one run directory.
  worker.on("lockRenewalFailed", (jobIds: string[]) => {
    for (const id of jobIds) {
      const child = running.get(id);
      if (!child) continue;
      lost.add(id);
      child.kill("SIGKILL");
      options.log(`lost the lock of job ${id} (this worker was cut off from Redis or frozen for longer than --lock-seconds): ` +
        "stopped its run, which another worker continues from its last checkpoint");
    }
  });
  await bounded(worker.waitUntilReady(), 30_000, "starting the worker");
  options.log(`worker ${name}: serving the queue "${worker.name}" at ${options.address.display}, ${options.jobs} run${options.jobs === 1 ? "" : "s"} ` +
    `at a time, into ${options.logdir}; Ctrl-C stops it (running runs save a checkpoint and go back to the queue)`);

  const waitForChildren = async (children: ChildProcess[]) => {
    const exits = children.map((child) => new Promise<void>((resolveExit) => {
      if (child.exitCode !== null || child.signalCode !== null) resolveExit();
      else child.once("close", () => resolveExit());
    }));
    await bounded(Promise.all(exits), CHECKPOINT_TIMEOUT_MS, "saving checkpoints").catch(() => {
      for (const child of children) child.kill("SIGKILL");
    });
  };

  return {
    name,
    async stop() {
      stopping = true;
      clearInterval(recheck);
      const children = [...running.values()];
      const closing = worker.close(); // takes no more jobs; waits for the running ones to go back
      for (const child of children) child.kill("SIGINT");
      await waitForChildren(children);
      await closeAll([{ close: () => closing, disconnect: () => worker.disconnect() }], redis);
      return children.length;
    },
    async kill() {
      stopping = true;
      clearInterval(recheck);
      for (const child of running.values()) child.kill("SIGKILL");
      await closeAll([{ close: () => worker.close(true), disconnect: () => worker.disconnect() }], redis);
    },
  };
}

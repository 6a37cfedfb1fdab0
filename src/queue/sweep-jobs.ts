// A sweep as it lives in the queue: one BullMQ queue per logdir,
// "lenet-lab@<logdir>", which the workers given that --logdir serve (the
// shared logdir has the same path on every machine); one job per run, whose
// id is "<sweep>/<run>", so that a sweep submitted twice adds nothing and two
// sweeps never share a job; the job's data (the run's grid point, as
// `lenet-lab train` arguments); its retry policy; what a worker reports as
// the job's progress; the default sweep name; and the sweep's marker file in
// the logdir, by which a worker knows that its --logdir is the sweep's (the
// shared directory, not a local one of the same path).
// Not here: submitting and following jobs (coordinator.ts), running them
// (worker.ts), the connection (connection.ts).

import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { writeFileAtomic } from "../io/atomic-write.js";
import type { GridRun } from "../sweep/grid.js";
import type { RunOutcome } from "../sweep/train-process.js";
import { ConfigError } from "../train/config.js";

/**
 * The queue of the sweeps of a logdir (absolute), e.g. "lenet-lab@/shared/runs",
 * whose Redis keys are then bull:lenet-lab@/shared/runs:… (a ":" in the path,
 * which BullMQ does not allow in a queue name, becomes "_").
 */
export function queueName(logdir: string): string {
  return `lenet-lab@${logdir.replace(/:/g, "_")}`;
}

/** A run that fails (not diverges) is started this many times in all, with exponential backoff between. */
export const RUN_ATTEMPTS = 3;
/** The first retry's delay; each further one doubles it. */
export const RETRY_DELAY_MS = 10_000;

/** A job: one grid point of one sweep. */
export interface RunJobData {
  sweep: string;
  /** The run's config and its `lenet-lab train` arguments, as the grid made them. */
  run: GridRun;
  /** --overwrite was given: the run's first start trains over an existing run directory. */
  overwrite: boolean;
}

/** A job's result: the run's outcome (a diverged run is an outcome too, with ok false), as the local pool gives it. */
export type RunJobResult = RunOutcome;

/** What a worker reports as a job's progress (BullMQ progress events carry it to the coordinator). */
export type WorkerReport =
  | { kind: "started"; worker: string; how: "new" | "resumed" | "kept" | "restarted"; fromIteration?: number }
  | { kind: "line"; worker: string; line: string };

/** The job id of a run of a sweep (BullMQ ids may not contain ":"; run and sweep names cannot). */
export function runJobId(sweep: string, runName: string): string {
  return `${sweep}/${runName}`;
}

/** A sweep name is one path segment of letters, digits and . _ + = -, as run names are. */
export function validateSweepName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._+=-]*$/.test(name) || name.length > 100) {
    throw new ConfigError(`--sweep "${name}" must be up to 100 letters, digits and . _ + = - (not starting with . or -)`);
  }
  return name;
}

/**
 * The default sweep name: the logdir's folder name and the first 8 hex digits
 * of a SHA-256 over the logdir's absolute path and every run's train
 * arguments (less --logdir and --overwrite), e.g. "runs-1f0c9a3e". The same
 * command in the same logdir names the same sweep (and so re-attaches to it);
 * another grid, or the same grid in another logdir, is another sweep.
 */
export function defaultSweepName(logdir: string, runs: readonly GridRun[]): string {
  const hash = createHash("sha256").update(logdir);
  for (const run of runs) hash.update(`\n${withoutOptions(run.args, ["--logdir"], ["--overwrite"]).join("\0")}`);
  const folder = basename(logdir).replace(/[^A-Za-z0-9._+=-]/g, "-").replace(/^[.-]+/, "").slice(0, 60) || "sweep";
  return `${folder}-${hash.digest("hex").slice(0, 8)}`;
}

/** `args` less the options in `valued` (with their values) and the flags in `flags`. */
export function withoutOptions(args: readonly string[], valued: readonly string[], flags: readonly string[] = []): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (valued.includes(args[i]!)) i++;
    else if (!flags.includes(args[i]!)) kept.push(args[i]!);
  }
  return kept;
}

/** LOGDIR/.sweeps/<sweep>.json: written by the coordinator; a worker whose --logdir lacks it is not on the sweep's logdir. */
export function sweepMarkerPath(logdir: string, sweep: string): string {
  return join(logdir, ".sweeps", `${sweep}.json`);
}

/** Writes the sweep's marker (once: an existing one is left as it is). */
export function writeSweepMarker(logdir: string, sweep: string, runs: readonly GridRun[]): void {
  const path = sweepMarkerPath(logdir, sweep);
  if (existsSync(path)) return;
  mkdirSync(join(logdir, ".sweeps"), { recursive: true });
  writeFileAtomic(path, `${JSON.stringify({ sweep, queue: queueName(logdir), created: new Date().toISOString(),
    runs: runs.map((r) => r.config.runName) }, null, 2)}\n`);
}

// Continuing a grid that was stopped, and refusing to train over one by
// accident: which grid points already have a run directory, and for each,
// whether it is kept (finished), continued from its checkpoint, or started
// again (stopped before its first checkpoint).
// Not here: the grid (grid.ts), running it (local-pool.ts).

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CHECKPOINT_FILE } from "../train/checkpoint.js";
import { RUN_FILE, RunSummary } from "../train/run-directory.js";
import type { GridRun } from "./grid.js";
import type { RunOutcome } from "./local-pool.js";

/** The run directories of the grid's points that exist and are not empty. */
export function existingRunDirectories(runs: readonly GridRun[], logdir: string): string[] {
  return runs.map((r) => join(logdir, r.config.runName)).filter((dir) => existsSync(dir) && readdirSync(dir).length > 0);
}

/**
 * How --resume treats a grid point whose directory exists: a finished run (or
 * one stopped early) is kept as it is, a run with a checkpoint continues from it, anything else
 * (stopped before its first checkpoint) starts again.
 */
export function resumePlan(run: GridRun, runDir: string): { keep: RunOutcome } | { args: string[] } {
  let summary: RunSummary | undefined;
  try {
    summary = JSON.parse(readFileSync(join(runDir, RUN_FILE), "utf8")) as RunSummary;
  } catch {
    summary = undefined;
  }
  if ((summary?.status === "finished" || summary?.status === "stopped-early") && summary.final) {
    const { testAccuracy, testLoss } = summary.final;
    const stoppedEarly = summary.stoppedEarly ? { stoppedEarly: summary.stoppedEarly } : {};
    return { keep: { run: run.config.runName, ok: true, result: { testAccuracy, testLoss, seconds: summary.seconds, runDir, ...stoppedEarly } } };
  }
  if (existsSync(join(runDir, CHECKPOINT_FILE))) return { args: ["train", "--resume", runDir, "--json"] };
  return { args: [...run.args.filter((arg) => arg !== "--overwrite"), "--overwrite"] };
}

/**
 * Plans the resume of a whole grid: the outcomes to keep, by grid index, and
 * the new train arguments of the points that continue or start again
 * (written into the runs).
 */
export function planResume(runs: GridRun[], logdir: string): Map<number, RunOutcome> {
  const kept = new Map<number, RunOutcome>();
  runs.forEach((run, index) => {
    const runDir = join(logdir, run.config.runName);
    if (!existsSync(runDir) || readdirSync(runDir).length === 0) return;
    const plan = resumePlan(run, runDir);
    if ("keep" in plan) kept.set(index, plan.keep);
    else run.args = plan.args;
  });
  return kept;
}

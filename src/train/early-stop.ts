// Early stopping by the median stopping rule (Google Vizier's, as Ray Tune's
// MedianStoppingRule has it): at an evaluation at iteration t, from the grace
// period on, a run stops when its best test accuracy so far is below the
// median, over the other runs of its cohort that have reached t, of their mean
// test accuracy over their evaluations from the grace period to t; with fewer
// than MIN_PEERS such runs there is no verdict and the run goes on. A run
// compares itself with the runs that are ahead of it or level, so which runs
// are stopped can depend on the order they train in; a run that goes first
// is never stopped.
// The other runs' evaluations come from their run.json files in the logdir
// (a run that may stop early writes it at every evaluation), so the rule is the
// same for a local compare and for workers on machines sharing the logdir.
// Not here: stopping the training loop and recording the verdict (run.ts).

import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { RunConfig } from "./config.js";
import { RUN_FILE, RunSummary } from "./run-directory.js";
import type { EvalRecord } from "./trainer.js";

/** The fewest other runs a median is taken over (Ray Tune's min_samples_required). */
export const MIN_PEERS = 3;

/** What the rule found at one evaluation; run.json's `stoppedEarly` when it stopped the run. */
export interface EarlyStopVerdict {
  rule: "median";
  /** The evaluation's iteration. */
  iteration: number;
  /** The run's best test accuracy up to it. */
  bestTestAccuracy: number;
  /** The median of the other runs' mean test accuracy from the grace period to the iteration. */
  median: number;
  /** How many other runs the median is over. */
  peers: number;
  grace: number;
}

/** The grace period: no run stops before it (default: the first quarter of the iterations). */
export function graceOf(config: RunConfig): number {
  return config.earlyStop?.grace ?? Math.floor(config.iterations / 4);
}

/**
 * The rule at the run's latest evaluation: the verdict and whether it stops
 * the run; undefined before the grace period or with fewer than MIN_PEERS
 * other runs that have reached the iteration.
 */
export function medianStoppingRule(own: readonly EvalRecord[], others: readonly (readonly EvalRecord[])[],
  grace: number): (EarlyStopVerdict & { stop: boolean }) | undefined {
  const last = own[own.length - 1];
  if (!last || last.iteration < grace) return undefined;
  const t = last.iteration;
  const means: number[] = [];
  for (const history of others) {
    if (!history.some((record) => record.iteration >= t)) continue; // not there yet
    const window = history.filter((record) => record.iteration >= grace && record.iteration <= t);
    if (window.length > 0) means.push(window.reduce((sum, record) => sum + record.testAccuracy, 0) / window.length);
  }
  if (means.length < MIN_PEERS) return undefined;
  means.sort((a, b) => a - b);
  const middle = means.length >> 1;
  const median = means.length % 2 === 1 ? means[middle]! : (means[middle - 1]! + means[middle]!) / 2;
  const bestTestAccuracy = Math.max(...own.map((record) => record.testAccuracy));
  return { rule: "median", iteration: t, bestTestAccuracy, median, peers: means.length, grace, stop: bestTestAccuracy < median };
}

/**
 * The evaluation histories of the other runs of a cohort, read from their
 * run.json files in the logdir; a file is parsed again only when it changed.
 */
export class CohortReader {
  private readonly cache = new Map<string, { modified: number; history: EvalRecord[] | null }>();

  constructor(private readonly logdir: string, private readonly runName: string, private readonly cohort: string) {}

  histories(): EvalRecord[][] {
    const found: EvalRecord[][] = [];
    for (const entry of readdirSync(this.logdir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === this.runName) continue;
      const path = join(this.logdir, entry.name, RUN_FILE);
      let modified: number;
      try {
        modified = statSync(path).mtimeMs;
      } catch {
        continue; // not a run, or not started yet
      }
      let known = this.cache.get(entry.name);
      if (known?.modified !== modified) {
        known = { modified, history: this.readHistory(path) };
        this.cache.set(entry.name, known);
      }
      if (known.history) found.push(known.history);
    }
    return found;
  }

  /** The run's history when it is of this cohort, else null. */
  private readHistory(path: string): EvalRecord[] | null {
    try {
      const summary = JSON.parse(readFileSync(path, "utf8")) as RunSummary;
      return summary.config?.earlyStop?.cohort === this.cohort && Array.isArray(summary.history) ? summary.history : null;
    } catch {
      return null; // replaced while read, or damaged: the next evaluation reads it again if it changes
    }
  }
}

// Runs a grid on this machine: each point a `lenet-lab train --json` child
// process (train-process.ts), `jobs` at a time, its stderr lines passed on as
// progress and its last stdout line (the JSON summary) taken as the result. A
// run that fails does not stop the others; every outcome comes back in grid
// order, and the pool never rejects.
// Not here: what the points are (grid.ts), how progress is shown (src/cli),
// running them on other machines (src/queue).

import type { GridRun } from "./grid.js";
import { RunOutcome, startTrainProcess } from "./train-process.js";

export type { RunOutcome };
type RunResult = NonNullable<RunOutcome["result"]>;

/** What the pool tells about its runs as they go. */
export interface GridProgress {
  /** `where`: which worker took it, and how (queued runs only). */
  started(run: string, where?: string): void;
  /** A line the run's training process wrote to stderr. */
  line(run: string, text: string): void;
  /** A run with its result: finished, or stopped early (result.stoppedEarly). */
  finished(run: string, result: Pick<RunResult, "testAccuracy" | "seconds" | "stoppedEarly" | "runDir">): void;
  failed(run: string, reason: string): void;
  /** A message of the caller's (above the bars, or a plain line). */
  log(text: string): void;
  stop(): void;
}

export interface PoolOptions {
  /** Runs trained at the same time. */
  jobs: number;
  progress: GridProgress;
  /** The program and leading arguments that run `lenet-lab` (e.g. [process.execPath, ".../cli/main.js"]). */
  command: readonly string[];
  /** Outcomes already known, by grid index (finished runs a resumed grid keeps). */
  kept?: ReadonlyMap<number, RunOutcome>;
}

/** Runs one `lenet-lab train` child; resolves with its outcome (never rejects). */
async function runChild(run: GridRun, options: PoolOptions): Promise<RunOutcome> {
  const name = run.config.runName;
  const { progress } = options;
  progress.started(name);
  const { outcome } = await startTrainProcess(name, run.args, { command: options.command, onLine: (text) => progress.line(name, text) }).ended;
  if (outcome.ok) progress.finished(name, outcome.result!);
  else progress.failed(name, outcome.error!);
  return outcome;
}

/** Runs every grid point, `jobs` at a time; outcomes in grid order. */
export async function runGrid(runs: readonly GridRun[], options: PoolOptions): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = new Array(runs.length);
  let next = 0;
  const worker = async () => {
    while (next < runs.length) {
      const index = next++;
      const keep = options.kept?.get(index);
      if (keep) {
        options.progress.finished(keep.run, keep.result!);
        outcomes[index] = keep;
      } else {
        outcomes[index] = await runChild(runs[index], options);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs, runs.length) }, worker));
  return outcomes;
}

// Runs a grid on this machine: each point a `lenet-lab train --json` child
// process, `jobs` at a time, its stderr lines passed on as progress and its
// last stdout line (the JSON summary) taken as the result. A run that fails
// does not stop the others; every outcome comes back in grid order, and the
// pool never rejects.
// Not here: what the points are (grid.ts), how progress is shown (src/cli).

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { GridRun } from "./grid.js";

export interface RunOutcome {
  run: string;
  ok: boolean;
  /** The train command's JSON summary (ok) or why it failed. */
  result?: { testAccuracy: number; testLoss: number; seconds: number; runDir: string };
  error?: string;
}

/** What the pool tells about its runs as they go. */
export interface GridProgress {
  started(run: string): void;
  /** A line the run's training process wrote to stderr. */
  line(run: string, text: string): void;
  finished(run: string, result: { testAccuracy: number; seconds: number }): void;
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
function runChild(run: GridRun, options: PoolOptions): Promise<RunOutcome> {
  const name = run.config.runName;
  const { progress } = options;
  return new Promise((resolveOutcome) => {
    progress.started(name);
    const [program, ...leading] = options.command;
    const child = spawn(program!, [...leading, ...run.args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    const errors: string[] = [];
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    createInterface({ input: child.stderr }).on("line", (line) => {
      if (line.startsWith("lenet-lab:") || errors.length > 0) errors.push(line.replace(/^lenet-lab:\s*/, ""));
      else progress.line(name, line);
    });
    child.on("error", (error) => resolveOutcome({ run: name, ok: false, error: `could not start: ${error.message}` }));
    child.on("close", (code, signal) => {
      const last = stdout.trim().split("\n").pop() ?? "";
      if (code === 0) {
        try {
          const result = JSON.parse(last);
          progress.finished(name, { testAccuracy: result.testAccuracy, seconds: result.seconds });
          resolveOutcome({ run: name, ok: true, result });
          return;
        } catch {
          errors.push(`its last line of output is not the JSON summary: ${last.slice(0, 200)}`);
        }
      }
      const reason = errors.join(" ").trim() || (signal ? `killed by ${signal}` : `exit code ${code}`);
      progress.failed(name, reason);
      resolveOutcome({ run: name, ok: false, error: reason });
    });
  });
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
        options.progress.finished(keep.run, { testAccuracy: keep.result!.testAccuracy, seconds: keep.result!.seconds });
        outcomes[index] = keep;
      } else {
        outcomes[index] = await runChild(runs[index], options);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs, runs.length) }, worker));
  return outcomes;
}

// The classic experiment as a user runs it: `lenet-lab train` for relu and for
// sigmoid (Adam, lr 0.01, batch 64, 2000 iterations, the whole test set every
// 50), each in its own process with everything it logs: one after the other on
// every thread, or both at once on one thread each (what `lenet-lab compare`
// does by default).
// Reports each run's wall time (the run's own, from its --json line, which
// leaves out process start and data loading), the processes' wall time, and
// their peak resident set size (printed by report-rss.ts, preloaded).

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ChildOutput, runChild } from "./child-process.js";
import { Engine } from "./throughput.js";

export interface ClassicRun {
  activation: string;
  /** The run's wall time as it reports it (training and evaluations, with logging). */
  seconds: number;
  /** From process start to exit. */
  processSeconds: number;
  testAccuracy: number;
  peakRssMB: number;
  /** Seconds the run spent writing its TensorBoard summaries (run.json's loggingSeconds), part of `seconds`. */
  loggingSeconds: number;
}

export interface ClassicResult {
  engine: Engine;
  /** Both runs at once, one thread each (compare's default), rather than one after the other. */
  concurrent: boolean;
  seconds: number;
  processSeconds: number;
  peakRssMB: number;
  /** Logging's cost: its seconds over the rest of the runs' wall time (issue 4 asks for ≤ 10 %). */
  loggingOverhead: number;
  runs: ClassicRun[];
}

const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const RSS_REPORTER = fileURLToPath(new URL("./report-rss.js", import.meta.url));

function runTrain(args: string[]): Promise<ChildOutput> {
  return runChild(process.execPath, ["--import", RSS_REPORTER, CLI, "train", ...args], `lenet-lab train ${args.join(" ")}`);
}

const sum = (runs: ClassicRun[], key: "seconds" | "processSeconds" | "loggingSeconds") => runs.reduce((total, r) => total + r[key], 0);

/**
 * Runs the classic experiment on engine; `iterations` other than 2000 only for
 * trying the bench out. One run after the other, each on engine.threads
 * threads; or, with `concurrent`, both runs at once on one thread each, as
 * `lenet-lab compare` runs them by default (one job per core, each
 * single-threaded).
 */
export async function runClassicExperiment(engine: Engine, iterations = 2000, concurrent = false): Promise<ClassicResult> {
  const logdir = mkdtempSync(join(tmpdir(), "lenet-lab-bench-"));
  const runs: ClassicRun[] = [];
  const start = performance.now();
  const threads = concurrent ? 1 : engine.threads;
  const trainOne = async (activation: string): Promise<ClassicRun> => {
    const { stdout, stderr, seconds } = await runTrain([
      "--activation", activation, "--optimizer", "adam", "--lr", "0.01", "--batch-size", "64",
      "--iterations", String(iterations), "--eval-every", "50",
      "--backend", engine.backend, "--threads", String(threads),
      "--logdir", logdir, "--run-name", `classic-${activation}`, "--json",
    ]);
    const summary = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { seconds: number; testAccuracy: number };
    const rss = /lenet-lab-bench peak-rss-kb (\d+)/.exec(stderr);
    return {
      activation,
      seconds: summary.seconds,
      processSeconds: seconds,
      testAccuracy: summary.testAccuracy,
      peakRssMB: rss ? Math.round(Number(rss[1]) / 1024) : NaN,
      loggingSeconds: JSON.parse(readFileSync(join(logdir, `classic-${activation}`, "run.json"), "utf8")).loggingSeconds,
    };
  };
  try {
    if (concurrent) runs.push(...await Promise.all(["relu", "sigmoid"].map(trainOne)));
    else for (const activation of ["relu", "sigmoid"]) runs.push(await trainOne(activation));
  } finally {
    rmSync(logdir, { recursive: true, force: true });
  }
  const wall = (performance.now() - start) / 1000;
  return {
    engine: { backend: engine.backend, threads },
    concurrent,
    // Side by side, the experiment lasts as long as its longer run.
    seconds: concurrent ? Math.max(...runs.map((r) => r.seconds)) : sum(runs, "seconds"),
    processSeconds: concurrent ? wall : sum(runs, "processSeconds"),
    peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
    loggingOverhead: sum(runs, "loggingSeconds") / (sum(runs, "seconds") - sum(runs, "loggingSeconds")),
    runs,
  };
}

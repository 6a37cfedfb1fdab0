// The classic experiment end to end, as a user runs it: `lenet-lab compare
// --seeds 0` (relu and sigmoid, Adam, lr 0.01, 2000 iterations, one seed
// each) — training, the fc2 maps, the confusion figures, the cross-run
// figures and the report — timed as a whole process, with the share that
// comes after training read from what compare prints. And the CPU features
// that decide how fast the kernels can be (a 128-bit wasm SIMD engine meets
// PyTorch's AVX-512 differently than its AVX2).

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "../src/stats/describe.js";
import { runChild } from "./child-process.js";

const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));

export interface EndToEndResult {
  /** The whole command, process start to exit. */
  seconds: number;
  /** What compare says training took. */
  trainingSeconds: number;
  /** What compare says the maps, figures and report took. */
  afterTrainingSeconds: number;
  testAccuracies: Record<string, number>;
}

/** Runs `lenet-lab compare --seeds 0 [--iterations N]` in a fresh logdir and times it. */
export function runEndToEnd(iterations = 2000): Promise<EndToEndResult> {
  const logdir = mkdtempSync(join(tmpdir(), "lenet-lab-bench-e2e-"));
  const args = [CLI, "compare", "--seeds", "0", "--iterations", String(iterations), "--logdir", logdir];
  return runChild(process.execPath, args, "lenet-lab compare").then(({ stdout, stderr, seconds }) => {
    const training = /training took (\d+(?:\.\d+)?) s/.exec(stdout);
    const after = /maps, figures and report took (\d+(?:\.\d+)?) s/.exec(stderr);
    const testAccuracies: Record<string, number> = {};
    for (const run of ["relu", "sigmoid"]) {
      const path = join(logdir, `${run}-adam-lr0.01${iterations === 2000 ? "" : `-it${iterations}`}-seed0`, "run.json");
      if (existsSync(path)) testAccuracies[run] = JSON.parse(readFileSync(path, "utf8")).final.testAccuracy;
    }
    return { seconds, trainingSeconds: training ? Number(training[1]) : NaN, afterTrainingSeconds: after ? Number(after[1]) : NaN, testAccuracies };
  }).finally(() => rmSync(logdir, { recursive: true, force: true }));
}

/** Several runs of the end-to-end experiment: each time the median of its rounds, and every round as measured. */
export interface EndToEndSummary extends EndToEndResult {
  rounds: EndToEndResult[];
}

/**
 * The median of each time over the rounds (a single run of the whole
 * experiment moves by half a second with the machine's other load, more
 * than the figures' share is allowed to). The accuracies are the first
 * round's: every round trains the same seeds, so they are the same numbers.
 */
export function summarizeEndToEnd(rounds: EndToEndResult[]): EndToEndSummary {
  if (rounds.length === 0) throw new RangeError("no end-to-end round to summarize");
  const medianOf = (pick: (r: EndToEndResult) => number) => median(rounds.map(pick));
  return {
    seconds: medianOf((r) => r.seconds), trainingSeconds: medianOf((r) => r.trainingSeconds),
    afterTrainingSeconds: medianOf((r) => r.afterTrainingSeconds), testAccuracies: rounds[0].testAccuracies, rounds,
  };
}

/** The CPU features that matter to the kernels and to PyTorch, from /proc/cpuinfo (Linux); empty elsewhere. */
export function cpuFeatures(): string[] {
  try {
    const flags = /^flags\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.split(/\s+/) ?? [];
    return ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile"].filter((f) => flags.includes(f));
  } catch {
    return [];
  }
}

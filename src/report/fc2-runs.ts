// fc2 maps for finished runs, from their checkpoints: load each run
// (run.json + model.safetensors), pick the test images, compute the matrices,
// write RUN_DIR/fc2; with several runs, also the cross-run figures in
// LOGDIR/compare. Used by `lenet-lab features`, `compare` and `report`.
// Not here: the matrices' math (fc2-matrices.ts), figures (fc2-figures.ts).

import { basename } from "node:path";
import { Dataset, loadTestSet } from "../data/datasets.js";
import { loadRun, wasmNetworkOf } from "../train/load-run.js";
import { ColormapName } from "../figures/colormaps.js";
import { ScaleRule, sharedRange } from "../figures/fc2-figures.js";
import { readFc2Directory, writeCrossRunFigures, writeFc2Directory } from "../figures/fc2-files.js";
import { DEFAULT_PER_DIGIT, Fc2Matrices, PickRule, computeFc2Matrices, selectFc2Images } from "../figures/fc2-matrices.js";

export interface Fc2MapOptions {
  pick: PickRule;
  seed: number | null;
  perDigit?: number;
  scale: ScaleRule;
  colormap: ColormapName;
}

export interface RunFc2 {
  runDir: string;
  runName: string;
  matrices: Fc2Matrices;
  dataset: Omit<Dataset, "train">;
}

/**
 * Whether each run's maps can be drawn on their own, as soon as its matrices
 * are computed: not when one colour scale spans every run (it needs all their
 * values first).
 */
export function drawsRunsAlone(options: Fc2MapOptions): boolean {
  return options.scale !== "shared";
}

/** "digit 3" for MNIST, "class 3 (Dress)" for other data sets. */
export function classNamer(dataset: Pick<Dataset, "name" | "classNames">): (d: number) => string {
  return dataset.name === "mnist" ? (d) => `digit ${d}` : (d) => `class ${d} (${dataset.classNames[d]})`;
}

/** Loads each run and computes its fc2 matrices (the test set is read once per data directory). */
export function computeRunsFc2(runDirs: readonly string[], options: Fc2MapOptions): RunFc2[] {
  const datasets = new Map<string, Omit<Dataset, "train">>();
  return runDirs.map((runDir) => {
    const run = loadRun(runDir);
    const { dataset: name, dataDir } = run.summary.config;
    const key = `${name}:${dataDir ?? ""}`;
    let dataset = datasets.get(key);
    if (!dataset) {
      dataset = loadTestSet({ name, dataDir: dataDir ?? undefined });
      datasets.set(key, dataset);
    }
    const selection = selectFc2Images(dataset.test, options.pick, options.seed, options.perDigit ?? DEFAULT_PER_DIGIT);
    return { runDir: run.runDir, runName: run.summary.run ?? basename(run.runDir), matrices: computeFc2Matrices(wasmNetworkOf(run), dataset.test, selection), dataset };
  });
}

/**
 * Writes RUN_DIR/fc2 for every run. With scale "shared", one colour domain
 * spans every digit of every run given.
 */
export async function writeRunsFc2(runs: readonly RunFc2[], options: Fc2MapOptions): Promise<string[]> {
  const sharedDomain = options.scale === "shared" ? sharedRange(runs.flatMap((r) => r.matrices.byDigit)) : null;
  // Every run's figures at once, so that figure threads draw them in parallel (src/figures/render-pool.ts).
  const written = await Promise.all(runs.map((run) => writeFc2Directory(run.runDir, run.matrices, {
    runName: run.runName, colormap: options.colormap, sharedDomain, className: classNamer(run.dataset),
    about: { dataset: run.dataset.name, dataDirectory: run.dataset.directory },
  })));
  return written.flat();
}

/**
 * The cross-run figures of a logdir from the runs' fc2 CSVs (so they can be
 * remade without the networks), or from the matrices of a run just computed,
 * each run normalised to its own range. Runs whose selections differ in size are
 * refused: side-by-side maps must show the same number of images.
 */
export async function writeLogdirCrossRun(logdir: string, runs: readonly { runDir: string; runName: string; matrices?: Fc2Matrices }[],
  options: { colormap: ColormapName; className: (d: number) => string }): Promise<string[]> {
  const matrices = runs.map((run) => ({ runName: run.runName, byDigit: (run.matrices ?? readFc2Directory(run.runDir)).byDigit }));
  const sizes = new Set(matrices.map((m) => m.byDigit[0].length));
  if (sizes.size > 1) {
    throw new Error("the runs' fc2 maps have different numbers of images per digit; remake them with the same " +
      "--per-digit (lenet-lab features RUN_DIR) before comparing");
  }
  // Each run on its own scale: on one shared scale a run with small fc2 values (sigmoid's 0…1 beside ReLU's 0…40) is a uniform dark block.
  return writeCrossRunFigures(logdir, matrices, { colormap: options.colormap, sharedDomain: null, className: options.className, crossRunScale: "per-run" });
}

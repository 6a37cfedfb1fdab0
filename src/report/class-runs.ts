// What each finished run gets wrong, as files next to its weights:
// RUN_DIR/confusion.png (the test set's confusion matrix, labelled) and
// RUN_DIR/misclassified.png (the test images it was most sure of and got
// wrong). Loads the run, runs the whole test set through the wasm engine on
// one thread (fast, and the very predictions training counted) and renders
// the figures. Used by `lenet-lab features`, `compare` and `report`.
// Not here: the figures' specifications (src/figures/class-figures.ts).

import { existsSync } from "node:fs";
import { join } from "node:path";
import { Dataset, loadTestSet } from "../data/datasets.js";
import { INPUT_VALUES_PER_IMAGE, LENET } from "../engine/architecture.js";
import { argmaxRow } from "../engine/layers/softmax-cross-entropy.js";
import { Misclassified, confusionFigure, misclassifiedFigure } from "../figures/class-figures.js";
import { renderVegaLite } from "../figures/render.js";
import { writeFileAtomicAsync } from "../io/atomic-write.js";
import { addToConfusion, emptyConfusion, confusionRows } from "../train/confusion.js";
import { EVAL_BATCH_SIZE } from "../train/evaluate.js";
import { forwardImageSet } from "../train/image-staging.js";
import { LoadedRun, loadRun, wasmNetworkOf } from "../train/load-run.js";

export const CONFUSION_PNG = "confusion.png";
export const MISCLASSIFIED_PNG = "misclassified.png";
/** Images in misclassified.png. */
export const MISCLASSIFIED_SHOWN = 24;
/** Figures are rendered at this zoom, for sharp text. */
const ZOOM = 2;

export function hasClassFigures(runDir: string): boolean {
  return existsSync(join(runDir, CONFUSION_PNG)) && existsSync(join(runDir, MISCLASSIFIED_PNG));
}

/** How the network does on each test image: the confusion matrix and its most confident mistakes. */
async function classifyTestSet(run: LoadedRun, data: Omit<Dataset, "train">) {
  const network = wasmNetworkOf(run);
  const classes = LENET.classes;
  const confusion = emptyConfusion(classes);
  const mistakes: { index: number; actual: number; predicted: number; probability: number }[] = [];
  const input = new Float32Array(EVAL_BATCH_SIZE * INPUT_VALUES_PER_IMAGE);
  const labels = new Int32Array(EVAL_BATCH_SIZE);
  const indices = new Int32Array(EVAL_BATCH_SIZE);
  try {
    for (let start = 0; start < data.test.count; start += EVAL_BATCH_SIZE) {
      const count = Math.min(EVAL_BATCH_SIZE, data.test.count - start);
      for (let k = 0; k < count; k++) indices[k] = start + k;
      const logits = forwardImageSet(network, data.test, indices, count, input, labels);
      addToConfusion(confusion, logits, labels, count, classes);
      for (let n = 0; n < count; n++) {
        const predicted = argmaxRow(logits, n * classes, classes);
        if (predicted === labels[n]) continue;
        let sum = 0;
        for (let k = 0; k < classes; k++) sum += Math.exp(logits[n * classes + k]! - logits[n * classes + predicted]!);
        mistakes.push({ index: start + n, actual: labels[n]!, predicted, probability: 1 / sum });
      }
    }
  } finally {
    await network.dispose();
  }
  mistakes.sort((a, b) => b.probability - a.probability || a.index - b.index);
  return { confusion: confusionRows(confusion, classes), mistakes };
}

/**
 * Writes RUN_DIR/confusion.png and RUN_DIR/misclassified.png for each run
 * (the test set read once per directory; the test sets classified one run
 * after the other, the figures drawn all at once in the figure threads);
 * returns the files. A run that cannot be done throws, unless `onError`
 * takes the error, and then the other runs go on.
 */
export async function writeRunsClassFigures(runDirs: readonly string[], onError?: (runDir: string, error: Error) => void): Promise<string[]> {
  const datasets = new Map<string, Omit<Dataset, "train">>();
  const pending: Promise<string[]>[] = [];
  for (const runDir of runDirs) {
    try {
      const run = loadRun(runDir);
      const { config } = run.summary;
      const key = `${config.dataset}:${config.dataDir ?? ""}`;
      let data = datasets.get(key);
      if (!data) datasets.set(key, (data = loadTestSet({ name: config.dataset, dataDir: config.dataDir ?? undefined })));
      const { confusion, mistakes } = await classifyTestSet(run, data);
      const names = data.name === "mnist" ? data.classNames.map(String) : data.classNames.map((name, c) => `${c} ${name}`);
      const { rows, cols, images } = data.test;
      const shown: Misclassified[] = mistakes.slice(0, MISCLASSIFIED_SHOWN).map((m) => ({
        pixels: images.subarray(m.index * rows * cols, (m.index + 1) * rows * cols), width: cols, height: rows,
        actual: names[m.actual]!, predicted: names[m.predicted]!, probability: m.probability,
      }));
      const figures = Promise.all([
        renderVegaLite(confusionFigure(confusion, names, {
          text: `${run.summary.run}: which classes it takes for which`,
          subtitle: `test set (${data.test.count.toLocaleString("en-US")} images): ${mistakes.length} wrong · colour: share of the true class's images`,
        }), ZOOM),
        renderVegaLite(misclassifiedFigure(shown, {
          text: `${run.summary.run}: the test images it was surest of and got wrong`,
          subtitle: "true → predicted · the probability it gave its prediction",
        }), ZOOM),
      ]).then(async ([confusionPng, misclassifiedPng]) => {
        await writeFileAtomicAsync(join(runDir, CONFUSION_PNG), confusionPng.png);
        await writeFileAtomicAsync(join(runDir, MISCLASSIFIED_PNG), misclassifiedPng.png);
        return [join(runDir, CONFUSION_PNG), join(runDir, MISCLASSIFIED_PNG)];
      });
      pending.push(onError ? figures.catch((error: Error) => { onError(runDir, error); return []; }) : figures);
    } catch (error) {
      if (!onError) throw error;
      onError(runDir, error as Error);
    }
  }
  return (await Promise.all(pending)).flat();
}

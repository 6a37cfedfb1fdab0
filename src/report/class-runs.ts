// What each finished run gets wrong, as files next to its weights:
// RUN_DIR/confusion.png (the test set's confusion matrix, labelled) and
// RUN_DIR/misclassified.png (the test images it was most sure of and got
// wrong). A run's last evaluation wrote both into run.json (`classes`); when
// that evaluation was of the saved model, the figures are drawn from it.
// Otherwise (a run from before run.json held its surest mistakes, or one
// that stopped between evaluations) the run is loaded and the whole test set
// runs through the wasm engine on one thread: the predictions training
// counts, computed again. Used by `lenet-lab features`, `compare` and `report`.
// Not here: the figures' specifications (src/figures/class-figures.ts).

import { existsSync } from "node:fs";
import { join } from "node:path";
import { Dataset, loadTestSet } from "../data/datasets.js";
import { INPUT_VALUES_PER_IMAGE, LENET } from "../engine/architecture.js";
import { Misclassified, confusionFigure, misclassifiedFigure } from "../figures/class-figures.js";
import { renderVegaLite } from "../figures/render.js";
import { writeFileAtomicAsync } from "../io/atomic-write.js";
import { Mistake, SUREST_MISTAKES, addSurestMistakes, addToConfusion, confusionRows, emptyConfusion } from "../train/confusion.js";
import { EVAL_BATCH_SIZE } from "../train/evaluate.js";
import { forwardImageSet } from "../train/image-staging.js";
import { LoadedRun, loadRun, readRunSummary, wasmNetworkOf } from "../train/load-run.js";
import { RunSummary } from "../train/run-directory.js";

export const CONFUSION_PNG = "confusion.png";
export const MISCLASSIFIED_PNG = "misclassified.png";
/** Images in misclassified.png: every mistake an evaluation keeps. */
export const MISCLASSIFIED_SHOWN = SUREST_MISTAKES;
/** Figures are rendered at this zoom, for sharp text. */
const ZOOM = 2;

export function hasClassFigures(runDir: string): boolean {
  return existsSync(join(runDir, CONFUSION_PNG)) && existsSync(join(runDir, MISCLASSIFIED_PNG));
}

/** What the class figures show: the confusion matrix [true][predicted], how many images it got wrong, and the surest of those. */
interface Classification {
  confusion: number[][];
  wrong: number;
  surest: Mistake[];
}

/** How the network does on each test image, from a forward pass over the whole test set. */
function classifyTestSet(run: LoadedRun, data: Omit<Dataset, "train">): Classification {
  const network = wasmNetworkOf(run);
  const classes = LENET.classes;
  const confusion = emptyConfusion(classes);
  const surest: Mistake[] = [];
  const input = new Float32Array(EVAL_BATCH_SIZE * INPUT_VALUES_PER_IMAGE);
  const labels = new Int32Array(EVAL_BATCH_SIZE);
  const indices = new Int32Array(EVAL_BATCH_SIZE);
  for (let start = 0; start < data.test.count; start += EVAL_BATCH_SIZE) {
    const count = Math.min(EVAL_BATCH_SIZE, data.test.count - start);
    for (let k = 0; k < count; k++) indices[k] = start + k;
    const logits = forwardImageSet(network, data.test, indices, count, input, labels);
    addToConfusion(confusion, logits, labels, count, classes);
    addSurestMistakes(surest, logits, labels, count, classes, start, MISCLASSIFIED_SHOWN);
  }
  void network.dispose(); // one thread: nothing to wait for
  const rows = confusionRows(confusion, classes);
  return { confusion: rows, wrong: wrongCount(rows), surest };
}

function wrongCount(confusion: readonly (readonly number[])[]): number {
  return confusion.reduce((sum, row, actual) => sum + row.reduce((s, n, predicted) => s + (predicted === actual ? 0 : n), 0), 0);
}

/**
 * The classification run.json holds, when its last evaluation was of the
 * saved model (the run's last iteration) on this test set, and looks whole;
 * else null.
 */
export function recordedClassification(summary: RunSummary, testCount: number): Classification | null {
  const classes = summary.classes;
  const n = LENET.classes;
  if (!classes?.surest || classes.iteration !== summary.iterations) return null;
  const counts = (row: unknown) => Array.isArray(row) && row.length === n && row.every((c) => Number.isInteger(c) && c >= 0);
  if (!Array.isArray(classes.confusion) || classes.confusion.length !== n || !classes.confusion.every(counts)) return null;
  if (classes.confusion.flat().reduce((a, b) => a + b, 0) !== testCount) return null;
  const valid = (m: Mistake) => Number.isInteger(m.index) && m.index >= 0 && m.index < testCount
    && Number.isInteger(m.actual) && Number.isInteger(m.predicted) && m.actual !== m.predicted
    && m.actual >= 0 && m.actual < n && m.predicted >= 0 && m.predicted < n && m.probability > 0 && m.probability <= 1;
  if (!Array.isArray(classes.surest) || classes.surest.length > MISCLASSIFIED_SHOWN || !classes.surest.every(valid)) return null;
  const wrong = wrongCount(classes.confusion);
  if (classes.surest.length !== Math.min(wrong, MISCLASSIFIED_SHOWN)) return null;
  return { confusion: classes.confusion, wrong, surest: classes.surest };
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
      const summary = readRunSummary(runDir);
      const { config } = summary;
      const key = `${config.dataset}:${config.dataDir ?? ""}`;
      let data = datasets.get(key);
      if (!data) datasets.set(key, (data = loadTestSet({ name: config.dataset, dataDir: config.dataDir ?? undefined })));
      const { confusion, wrong, surest } = recordedClassification(summary, data.test.count) ?? classifyTestSet(loadRun(runDir), data);
      const names = data.name === "mnist" ? data.classNames.map(String) : data.classNames.map((name, c) => `${c} ${name}`);
      const { rows, cols, images } = data.test;
      const shown: Misclassified[] = surest.map((m) => ({
        pixels: images.subarray(m.index * rows * cols, (m.index + 1) * rows * cols), width: cols, height: rows,
        actual: names[m.actual]!, predicted: names[m.predicted]!, probability: m.probability,
      }));
      const figures = Promise.all([
        renderVegaLite(confusionFigure(confusion, names, {
          text: `${summary.run}: which classes it takes for which`,
          subtitle: `test set (${data.test.count.toLocaleString("en-US")} images): ${wrong} wrong · colour: share of the true class's images`,
        }), ZOOM),
        renderVegaLite(misclassifiedFigure(shown, {
          text: `${summary.run}: the test images it was surest of and got wrong`,
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

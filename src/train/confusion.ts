// Which classes a network mixes up: the confusion matrix of a set of images
// (row = the true class, column = the predicted one, counts), the accuracy of
// each class (diagonal ÷ row sum), and the pairs it confuses most. Predictions
// are the argmax of the logits, the same rule the loss counts as correct
// (argmaxRow), so the matrix's trace ÷ total is the accuracy exactly. Also
// the mistakes the network was surest of: the images it got wrong with the
// highest probability on its (wrong) prediction. Pure.

import { argmaxRow } from "../engine/layers/softmax-cross-entropy.js";
import { portableExp } from "../util/portable-math.js";

/** classes × classes counts, row-major: [true class][predicted class]. */
export type ConfusionMatrix = Int32Array;

export function emptyConfusion(classes: number): ConfusionMatrix {
  return new Int32Array(classes * classes);
}

/** Adds `count` rows of logits [count, classes] with their labels to the matrix. */
export function addToConfusion(confusion: ConfusionMatrix, logits: ArrayLike<number>, labels: ArrayLike<number>, count: number, classes: number): void {
  for (let n = 0; n < count; n++) confusion[labels[n] * classes + argmaxRow(logits, n * classes, classes)]++;
}

/** Each class's accuracy: its diagonal count over its row sum (NaN for a class with no images). */
export function perClassAccuracy(confusion: ConfusionMatrix, classes: number): number[] {
  return Array.from({ length: classes }, (_, c) => {
    let row = 0;
    for (let k = 0; k < classes; k++) row += confusion[c * classes + k];
    return row === 0 ? NaN : confusion[c * classes + c] / row;
  });
}

export interface ConfusedPair {
  /** The true class. */
  actual: number;
  /** What it was taken for. */
  predicted: number;
  count: number;
}

/** The off-diagonal cells with the most images, largest first (ties: lower true class, then lower predicted). */
export function mostConfusedPairs(confusion: ArrayLike<number>, classes: number, top = 3): ConfusedPair[] {
  const pairs: ConfusedPair[] = [];
  for (let actual = 0; actual < classes; actual++) {
    for (let predicted = 0; predicted < classes; predicted++) {
      const count = confusion[actual * classes + predicted];
      if (actual !== predicted && count > 0) pairs.push({ actual, predicted, count });
    }
  }
  return pairs.sort((a, b) => b.count - a.count || a.actual - b.actual || a.predicted - b.predicted).slice(0, top);
}

/** A test image the network got wrong, with the probability it gave its prediction. */
export interface Mistake {
  /** The image's index in its set. */
  index: number;
  actual: number;
  predicted: number;
  /** softmax(logits)[predicted]. */
  probability: number;
}

/** How many of its surest mistakes an evaluation keeps: the misclassified figure shows them all. */
export const SUREST_MISTAKES = 24;

/**
 * Adds the mistakes among `count` rows of logits, the images firstIndex,
 * firstIndex + 1, …, to `surest`, which keeps the `keep` surest in order:
 * probability high to low, then index low to high. Rows must come in index
 * order (as an evaluation goes through its set), so that a tie keeps the
 * image that came first.
 */
export function addSurestMistakes(surest: Mistake[], logits: ArrayLike<number>, labels: ArrayLike<number>, count: number,
  classes: number, firstIndex: number, keep = SUREST_MISTAKES): void {
  for (let n = 0; n < count; n++) {
    const base = n * classes;
    const predicted = argmaxRow(logits, base, classes);
    if (predicted === labels[n]) continue;
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += portableExp(logits[base + k] - logits[base + predicted]);
    const probability = 1 / sum;
    if (surest.length === keep && probability <= surest[keep - 1].probability) continue;
    let at = surest.length;
    while (at > 0 && surest[at - 1].probability < probability) at--;
    surest.splice(at, 0, { index: firstIndex + n, actual: labels[n], predicted, probability });
    if (surest.length > keep) surest.pop();
  }
}

/** The matrix as rows of plain numbers (for run.json). */
export function confusionRows(confusion: ConfusionMatrix, classes: number): number[][] {
  return Array.from({ length: classes }, (_, r) => Array.from(confusion.subarray(r * classes, (r + 1) * classes)));
}

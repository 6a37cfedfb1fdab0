// Softmax cross-entropy over C classes, averaged over the batch: the loss
// LeNet-5 trains on. Numerically stable: the row maximum is subtracted before
// exponentiating, and log-probabilities come from log-sum-exp, never log(p).
// e^x and ln x are util/portable-math's, so that a page in a browser computes
// the loss and the probabilities Node computes, bit for bit.
//
//   p[b,k] = e^{z[b,k] - m_b} / Σ_j e^{z[b,j] - m_b},   m_b = max_j z[b,j]
//   loss   = (1/B) Σ_b -log p[b, y_b] = (1/B) Σ_b (log Σ_j e^{z[b,j] - m_b} - (z[b,y_b] - m_b))
//   dloss/dz[b,k] = (p[b,k] - [k = y_b]) / B

import { portableExp, portableLog } from "../../util/portable-math.js";
import { FloatArray } from "../float-array.js";

export interface LossResult {
  /** Mean cross-entropy over the batch. */
  loss: number;
  /** Rows whose argmax (first maximum on ties) equals the label. */
  correct: number;
}

/**
 * Writes probabilities [B, C] (softmax of logits) and returns the mean loss and
 * the number of correct predictions. Labels must be in [0, C).
 */
/** The predicted class of one row of logits: the first of the largest (ties go to the lower class). */
export function argmaxRow(logits: ArrayLike<number>, base: number, C: number): number {
  let max = logits[base];
  let argmax = 0;
  for (let k = 1; k < C; k++) {
    if (logits[base + k] > max) { max = logits[base + k]; argmax = k; }
  }
  return argmax;
}

export function softmaxCrossEntropyForward(
  probabilities: FloatArray,
  logits: FloatArray,
  labels: ArrayLike<number>,
  B: number, C: number,
): LossResult {
  let totalLoss = 0;
  let correct = 0;
  for (let b = 0; b < B; b++) {
    const base = b * C;
    const argmax = argmaxRow(logits, base, C);
    const max = logits[base + argmax];
    let sumExp = 0;
    for (let k = 0; k < C; k++) {
      const e = portableExp(logits[base + k] - max);
      probabilities[base + k] = e;
      sumExp += e;
    }
    for (let k = 0; k < C; k++) probabilities[base + k] /= sumExp;
    const label = labels[b];
    totalLoss += portableLog(sumExp) - (logits[base + label] - max);
    if (argmax === label) correct++;
  }
  return { loss: totalLoss / B, correct };
}

/** Accumulates (+=) the gradient of the mean loss into dlogits [B, C]. */
export function softmaxCrossEntropyBackward(
  dlogits: FloatArray,
  probabilities: FloatArray,
  labels: ArrayLike<number>,
  B: number, C: number,
): void {
  const scale = 1 / B;
  for (let b = 0; b < B; b++) {
    const base = b * C;
    for (let k = 0; k < C; k++) dlogits[base + k] += probabilities[base + k] * scale;
    dlogits[base + labels[b]] -= scale;
  }
}

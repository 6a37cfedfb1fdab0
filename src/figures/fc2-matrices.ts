// The fc2 feature matrices of a trained network: for each digit d, `perDigit`
// distinct test images labelled d, run forward; their 84 fc2 values (after
// the activation) stacked as rows → one perDigit × 84 matrix per digit. Also
// the class means (10 × 84) and their pairwise cosine similarities (10 × 10),
// which say how distinguishable the digits are in fc2 space.
// Pure computation: no files, no pictures.

import { fillBatch } from "../data/batches.js";
import { ImageSet } from "../data/datasets.js";
import { indicesPerClass } from "../data/select.js";
import { INPUT_VALUES_PER_IMAGE, LENET, LENET_INPUT_PADDING } from "../engine/architecture.js";
import { Network } from "../engine/network.js";

export const FC2_UNITS = LENET.fc2;
export const DIGITS = LENET.classes;
export const DEFAULT_PER_DIGIT = 100;

export const PICKS = ["first", "random"] as const;
export type PickRule = (typeof PICKS)[number];

export interface Fc2Selection {
  pick: PickRule;
  /** Seed of the random choice (pick "random" only). */
  seed: number | null;
  perDigit: number;
  /** indices[d][k]: the test-set index of row k of digit d's matrix. */
  indices: number[][];
}

export interface Fc2Matrices {
  selection: Fc2Selection;
  /** byDigit[d]: perDigit × 84 values, row-major, row k = image indices[d][k]. */
  byDigit: Float32Array[];
}

/**
 * Chooses perDigit distinct test images of each digit: the first ones in
 * test-set order, or a seeded random choice (listed in test-set order).
 */
export function selectFc2Images(test: ImageSet, pick: PickRule, seed: number | null, perDigit = DEFAULT_PER_DIGIT): Fc2Selection {
  if (pick === "random" && seed === null) throw new Error("pick \"random\" needs a seed (--seed S)");
  const indices = indicesPerClass(test.labels, DIGITS, perDigit, pick === "random" ? seed ?? 0 : undefined);
  return { pick, seed: pick === "random" ? seed : null, perDigit, indices };
}

/** Runs the selected images through the network and stacks their fc2 vectors per digit. */
export function computeFc2Matrices(network: Network, test: ImageSet, selection: Fc2Selection): Fc2Matrices {
  const byDigit = selection.indices.map((indices) => {
    const input = new Float32Array(indices.length * INPUT_VALUES_PER_IMAGE);
    const labels = new Int32Array(indices.length);
    fillBatch(input, labels, test, indices, LENET_INPUT_PADDING);
    network.forward(input, indices.length);
    return Float32Array.from(network.fc2Features().subarray(0, indices.length * FC2_UNITS));
  });
  return { selection, byDigit };
}

/** means[d·84 + u]: the mean of unit u over digit d's rows. */
export function classMeans(byDigit: readonly Float32Array[]): Float64Array {
  const means = new Float64Array(byDigit.length * FC2_UNITS);
  byDigit.forEach((matrix, d) => {
    const rows = matrix.length / FC2_UNITS;
    for (let r = 0; r < rows; r++) {
      for (let u = 0; u < FC2_UNITS; u++) means[d * FC2_UNITS + u] += matrix[r * FC2_UNITS + u] / rows;
    }
  });
  return means;
}

/**
 * similarity[i·n + j] = cos(m_i, m_j) = m_i·m_j / (‖m_i‖ ‖m_j‖) for the n class
 * means (rows of `means`, `width` wide); 0 when a mean is the zero vector.
 */
export function cosineSimilarity(means: ArrayLike<number>, width: number = FC2_UNITS): Float64Array {
  const n = means.length / width;
  const norms = Array.from({ length: n }, (_, i) => {
    let sum = 0;
    for (let u = 0; u < width; u++) sum += means[i * width + u] ** 2;
    return Math.sqrt(sum);
  });
  const similarity = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let u = 0; u < width; u++) dot += means[i * width + u] * means[j * width + u];
      similarity[i * n + j] = norms[i] > 0 && norms[j] > 0 ? dot / (norms[i] * norms[j]) : 0;
    }
  }
  return similarity;
}

/** Mean of the off-diagonal entries of an n × n matrix: how alike different classes look (1 = identical). */
export function meanOffDiagonal(matrix: ArrayLike<number>): number {
  const n = Math.round(Math.sqrt(matrix.length));
  let sum = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) sum += matrix[i * n + j];
  return n > 1 ? sum / (n * (n - 1)) : 0;
}

// Picking test images by label: the first N of each class in set order, or a
// seeded random N of each class.

import { RandomStream } from "../util/random.js";

/**
 * For each class 0…classes−1, `perClass` distinct indices of images with that
 * label: the first ones in set order, or (with a seed) a seeded random choice
 * kept in set order. Throws if a class has fewer than perClass images.
 */
export function indicesPerClass(labels: Uint8Array, classes: number, perClass: number, seed?: number): number[][] {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  labels.forEach((label, index) => byClass[label]?.push(index));
  return byClass.map((indices, label) => {
    if (indices.length < perClass) {
      throw new Error(`class ${label} has only ${indices.length} images; ${perClass} were asked for`);
    }
    if (seed === undefined) return indices.slice(0, perClass);
    const order = Int32Array.from(indices);
    new RandomStream(seed, 7).shuffle(order);
    return Array.from(order.subarray(0, perClass)).sort((a, b) => a - b);
  });
}

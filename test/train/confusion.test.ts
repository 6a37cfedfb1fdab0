// The confusion matrix: hand-made predictions give the expected matrix, an
// evaluation's matrix agrees exactly with its accuracy, run.json and the
// picture hold the counts.

import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/datasets.js";
import { createNetwork, disposeNetwork } from "../../src/engine/backend.js";
import { CONFUSION_LAYOUT, DIGIT_GLYPHS, INK_DARK, INK_LIGHT, confusionImage } from "../../src/figures/confusion-image.js";
import { Mistake, SUREST_MISTAKES, addSurestMistakes, addToConfusion, emptyConfusion, mostConfusedPairs, perClassAccuracy } from "../../src/train/confusion.js";
import { ImageSet } from "../../src/data/datasets.js";
import { fillBatch } from "../../src/data/batches.js";
import { INPUT_VALUES_PER_IMAGE, LENET_INPUT_PADDING } from "../../src/engine/architecture.js";
import { evaluateImageSet } from "../../src/train/evaluate.js";
import { classesSummary } from "../../src/train/run-directory.js";
import type { TensorImage } from "../../src/figures/tensor-images.js";

/** Logits that predict `predicted` (a large value there, small elsewhere). */
function logitsFor(predictions: number[], classes: number): Float32Array {
  const logits = new Float32Array(predictions.length * classes).fill(-1);
  predictions.forEach((p, n) => { logits[n * classes + p] = 5; });
  return logits;
}

describe("confusion matrix", () => {
  it("counts [true][predicted] from logits, ties going to the lower class as the loss counts them", () => {
    const confusion = emptyConfusion(3);
    addToConfusion(confusion, logitsFor([0, 1, 1, 2, 0], 3), [0, 1, 2, 2, 1], 5, 3);
    // true 0 → 0; true 1 → 1; true 2 → 1; true 2 → 2; true 1 → 0
    expect([...confusion]).toEqual([1, 0, 0, 1, 1, 0, 0, 1, 1]);
    addToConfusion(confusion, Float32Array.of(2, 2, 1), [1], 1, 3); // a tie between 0 and 1: predicted 0
    expect(confusion[1 * 3 + 0]).toBe(2);
    expect(perClassAccuracy(confusion, 3)).toEqual([1, 1 / 3, 1 / 2]);
    expect(mostConfusedPairs(confusion, 3, 2)).toEqual([{ actual: 1, predicted: 0, count: 2 }, { actual: 2, predicted: 1, count: 1 }]);
  });

  it("of a whole test-set evaluation: sums to the set, its trace is the accuracy exactly, its rows the per-class accuracy", async () => {
    const { test } = loadDataset();
    const network = await createNetwork({ activation: "relu", seed: 4, threads: 1 });
    const result = evaluateImageSet(network, test);
    await disposeNetwork(network);
    const total = result.confusion.reduce((sum, v) => sum + v, 0);
    expect(total).toBe(10_000);
    let trace = 0;
    for (let c = 0; c < 10; c++) trace += result.confusion[c * 11];
    expect(trace / total).toBe(result.accuracy);
    const rowSums = Array.from({ length: 10 }, (_, r) => result.confusion.subarray(r * 10, r * 10 + 10).reduce((a, b) => a + b, 0));
    expect(rowSums).toEqual(Array.from({ length: 10 }, (_, d) => test.labels.filter((l) => l === d).length));
    const summary = classesSummary({ iteration: 7, confusion: result.confusion }, loadDataset().classNames);
    expect(summary.perClassAccuracy).toEqual(rowSums.map((row, c) => result.confusion[c * 11]! / row));
    expect(summary.confusion.flat()).toEqual([...result.confusion]);
  });
});

/** The digits written in cell (row, col) of the picture, read back from its ink. */
function cellText(image: TensorImage, row: number, col: number): string {
  const { cellWidth, cellHeight, margin, fontScale, glyphWidth, glyphHeight } = CONFUSION_LAYOUT;
  const x0 = margin + col * cellWidth;
  const y = margin + row * cellHeight + Math.floor((cellHeight - glyphHeight * fontScale) / 2) + 1;
  const ink = (x: number, yy: number) => [INK_DARK, INK_LIGHT].includes(image.pixels[yy * image.width + x]!);
  let text = "";
  for (let x = x0 + 1; x + glyphWidth * fontScale <= x0 + cellWidth; x++) {
    const glyph = Array.from({ length: glyphWidth * glyphHeight }, (_, i) =>
      (ink(x + (i % glyphWidth) * fontScale, y + Math.floor(i / glyphWidth) * fontScale) ? "1" : "0")).join("");
    const digit = DIGIT_GLYPHS.indexOf(glyph);
    if (digit >= 0) {
      text += String(digit);
      x += (glyphWidth + 1) * fontScale - 1;
    }
  }
  return text;
}

describe("the confusion picture", () => {
  it("writes every count in its cell, dark on light cells and light on dark ones", () => {
    const counts = Array.from({ length: 100 }, (_, i) => (i % 11 === 0 ? 980 + (i % 7) : (i * 37) % 23));
    const image = confusionImage(counts, 10);
    expect([image.width, image.height]).toEqual([16 + 10 * 40 + 1, 16 + 10 * 22 + 1]);
    for (let r = 0; r < 10; r++) for (let c = 0; c < 10; c++) expect(cellText(image, r, c), `cell ${r},${c}`).toBe(String(counts[r * 10 + c]));
    const inkIn = (r: number, c: number) => {
      const { cellWidth, cellHeight, margin } = CONFUSION_LAYOUT;
      const seen = new Set<number>();
      for (let y = margin + r * cellHeight + 1; y < margin + (r + 1) * cellHeight; y++) {
        for (let x = margin + c * cellWidth + 1; x < margin + (c + 1) * cellWidth; x++) seen.add(image.pixels[y * image.width + x]!);
      }
      return seen;
    };
    expect(inkIn(3, 3).has(INK_LIGHT)).toBe(true); // the diagonal holds nearly all of its row: dark cell, light text
    expect(inkIn(3, 4).has(INK_DARK)).toBe(true);
  });
});

describe("surest mistakes", () => {
  it("keeps the most confident wrong predictions in order, ties by the earlier image, as sorting every mistake would", async () => {
    // Hand-made: probability of the prediction 0.5 (two equal top logits) or near 1.
    const surest: Mistake[] = [];
    const logits = Float32Array.of(3, 3, 0, /**/ 9, 0, 0, /**/ 0, 0, 9, /**/ 3, 3, 0, /**/ 0, 9, 0);
    addSurestMistakes(surest, logits, [1, 1, 2, 1, 0], 5, 3, 100, 3);
    // image 100: predicted 0 (tie goes low), label 1 → wrong at 0.5; 101: predicted 0, wrong, sure; 102 right;
    // 103 like 100; 104 predicted 1, wrong, sure (but after 101 at the same probability).
    expect(surest.map((m) => [m.index, m.actual, m.predicted])).toEqual([[101, 1, 0], [104, 0, 1], [100, 1, 0]]);
    expect(surest[2]!.probability).toBeCloseTo(0.5 / (1 + Math.exp(-3) / 2), 12);

    const { test } = loadDataset();
    const network = await createNetwork({ activation: "sigmoid", seed: 9, threads: 1 });
    const result = evaluateImageSet(network, test);
    // Every mistake of the same network, sorted, as a reference.
    const all: Mistake[] = [];
    for (let start = 0; start < test.count; start += 1000) {
      const indices = Int32Array.from({ length: 1000 }, (_, i) => start + i);
      const logitsOfPart = network.forward(fillAll(test, indices), indices.length);
      addSurestMistakes(all, logitsOfPart, test.labels.subarray(start, start + 1000), 1000, 10, start, test.count);
    }
    await disposeNetwork(network);
    const wrong = 10_000 - Math.round(result.accuracy * 10_000);
    expect(all).toHaveLength(wrong);
    expect(all.every((m, i) => i === 0 || all[i - 1]!.probability > m.probability
      || (all[i - 1]!.probability === m.probability && all[i - 1]!.index < m.index))).toBe(true);
    expect(result.surest).toEqual(all.slice(0, SUREST_MISTAKES));
  });
});

/** Every image of the set as one batch of network input. */
function fillAll(set: ImageSet, indices: Int32Array): Float32Array {
  const input = new Float32Array(indices.length * INPUT_VALUES_PER_IMAGE);
  fillBatch(input, new Int32Array(indices.length), set, indices, LENET_INPUT_PADDING);
  return input;
}

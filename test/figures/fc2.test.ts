// fc2 maps from a run's checkpoint, on the real MNIST test set: 100 distinct
// test images of each digit, their fc2 values exactly as the engine computes
// them, the files of RUN_DIR/fc2 and LOGDIR/compare.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fillBatch } from "../../src/data/batches.js";
import { Dataset, loadDataset } from "../../src/data/datasets.js";
import { INPUT_VALUES_PER_IMAGE, LENET_INPUT_PADDING } from "../../src/engine/architecture.js";
import type { Network } from "../../src/engine/network.js";
import { loadRun, wasmNetworkOf } from "../../src/train/load-run.js";
import { crossRunAllDigitsFigure, normalisePerRun, parseScale, sharedRange } from "../../src/figures/fc2-figures.js";
import { colormapTable } from "../../src/figures/colormaps.js";
import { formatFloat32, readFc2Directory } from "../../src/figures/fc2-files.js";
import { classMeans, cosineSimilarity, meanOffDiagonal } from "../../src/figures/fc2-matrices.js";
import { computeRunsFc2, writeLogdirCrossRun, writeRunsFc2 } from "../../src/report/fc2-runs.js";
import { decodePng } from "../../src/io/png.js";
import { tempDir } from "../idx-files.js";
import { writeFakeRun } from "./fake-run.js";

let mnist: Dataset;
beforeAll(() => {
  mnist = loadDataset();
});

/** The fc2 vector of one test image, through a network of its own (batch of one). */
function fc2Of(network: Network, index: number): Float32Array {
  const input = new Float32Array(INPUT_VALUES_PER_IMAGE);
  fillBatch(input, new Int32Array(1), mnist.test, [index], LENET_INPUT_PADDING);
  network.forward(input, 1);
  return Float32Array.from(network.fc2Features());
}

describe("fc2 matrices", () => {
  it("stack, for each digit, the fc2 vectors of the first 100 test images of that digit, as the engine computes them", () => {
    const logdir = tempDir();
    const { runDir } = writeFakeRun(logdir, { activation: "relu" });
    const [run] = computeRunsFc2([runDir], { pick: "first", seed: null, scale: "minmax", colormap: "viridis" });
    // The engine the run was trained on: the wasm kernels, with the run's saved weights.
    const network = wasmNetworkOf(loadRun(runDir));
    const { byDigit, selection } = run.matrices;
    expect(byDigit).toHaveLength(10);
    for (let d = 0; d < 10; d++) {
      expect(byDigit[d]).toHaveLength(100 * 84);
      const rows = selection.indices[d];
      expect(new Set(rows).size).toBe(100);
      for (const index of rows) expect(mnist.test.labels[index]).toBe(d);
      const firstHundred: number[] = [];
      mnist.test.labels.forEach((label, index) => label === d && firstHundred.length < 100 && firstHundred.push(index));
      expect(rows).toEqual(firstHundred);
    }
    // Every value equals the engine's fc2 output for that image, computed one image at a time.
    for (const [d, k] of [[0, 0], [3, 17], [7, 99], [9, 50]]) {
      const expected = fc2Of(network, selection.indices[d][k]);
      expect(Array.from(byDigit[d].subarray(k * 84, (k + 1) * 84))).toEqual(Array.from(expected));
    }
    expect(byDigit.every((m) => m.some((v) => v > 0))).toBe(true);
  });

  it("picks a seeded random 100 distinct images per digit: the same for the same seed, others for another", () => {
    const { runDir } = writeFakeRun(tempDir(), { activation: "sigmoid" });
    const pick = (seed: number) => computeRunsFc2([runDir], { pick: "random", seed, scale: "minmax", colormap: "viridis" })[0].matrices.selection.indices;
    const a = pick(1);
    expect(pick(1)).toEqual(a);
    expect(pick(2)).not.toEqual(a);
    a.forEach((rows, d) => {
      expect(new Set(rows).size).toBe(100);
      for (const index of rows) expect(mnist.test.labels[index]).toBe(d);
    });
    expect(a[0][99]).toBeGreaterThan(1197); // not the first hundred zeros: the 100th zero is test image 1197
  });

  it("computes class means and the cosine similarity of known vectors", () => {
    const means = classMeans([Float32Array.from({ length: 168 }, (_, i) => (i < 84 ? 1 : 3)), new Float32Array(84).fill(2)]);
    expect(Array.from(means.subarray(0, 84))).toEqual(new Array(84).fill(2));
    const similarity = cosineSimilarity([1, 0, 0, 1, 1, 1], 2);
    expect(similarity[0]).toBeCloseTo(1, 12);
    expect(similarity[1]).toBeCloseTo(0, 12);
    expect(similarity[2]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(meanOffDiagonal([1, 0.5, 0.25, 1])).toBeCloseTo(0.375, 12);
  });
});

describe("fc2 files", () => {
  it("writes every map, the raw CSVs, indices.json, the class figures, and the cross-run panels", async () => {
    const logdir = tempDir();
    const runDirs = [writeFakeRun(logdir, { activation: "relu" }).runDir, writeFakeRun(logdir, { activation: "sigmoid" }).runDir];
    const options = { pick: "first" as const, seed: null, scale: parseScale("min-max"), colormap: "viridis" as const };
    const runs = computeRunsFc2(runDirs, options);
    await writeRunsFc2(runs, options);

    for (const run of runs) {
      const dir = join(run.runDir, "fc2");
      for (let d = 0; d < 10; d++) {
        const png = decodePng(readFileSync(join(dir, `digit-${d}.png`)));
        // 84 columns of 6 px and 100 rows of 5 px, plus axes, title and colorbar around them.
        expect(png.width).toBeGreaterThan(504 + 100);
        expect(png.width).toBeLessThan(504 + 400);
        expect(png.height).toBeGreaterThan(500 + 60);
        expect(png.height).toBeLessThan(500 + 300);
        const lines = readFileSync(join(dir, `digit-${d}.csv`), "utf8").trim().split("\n");
        expect(lines).toHaveLength(100);
        expect(lines.every((line) => line.split(",").length === 84)).toBe(true);
      }
      const back = readFc2Directory(run.runDir);
      expect(back.byDigit.map((m) => Array.from(m))).toEqual(run.matrices.byDigit.map((m) => Array.from(m)));
      expect(back.selection.indices).toEqual(run.matrices.selection.indices);
      const indices = JSON.parse(readFileSync(join(dir, "indices.json"), "utf8"));
      expect(indices).toMatchObject({ pick: "first", perDigit: 100, dataset: "mnist", scale: { rule: "minmax" } });
      for (const name of ["all-digits.png", "class-means.png", "class-similarity.png"]) {
        expect(decodePng(readFileSync(join(dir, name))).width).toBeGreaterThan(300);
      }
    }

    const written = await writeLogdirCrossRun(logdir, runs, { colormap: "viridis", className: (d) => `digit ${d}` });
    expect(written).toHaveLength(11);
    for (let d = 0; d < 10; d++) {
      const png = decodePng(readFileSync(join(logdir, "compare", `fc2-${d}.png`)));
      expect(png.width).toBeGreaterThan(2 * 84 * 4);
    }
    expect(existsSync(join(logdir, "compare", "fc2-all-digits.png"))).toBe(true);
  });

  it("writes float32 values as the shortest decimals that read back exactly", () => {
    for (const v of [0, 1, 0.1, 1 / 3, 123.456, 1e-7, -2.5e-12, 3.4e38]) {
      const f = Math.fround(v);
      expect(Math.fround(Number(formatFloat32(f)))).toBe(f);
    }
    expect(formatFloat32(Math.fround(0.1))).toBe("0.1");
    expect(formatFloat32(0)).toBe("0");
  });
});

describe("the cross-run fc2 figure, each run on its own scale", () => {
  /** A run's ten 100 × 84 maps with values in [lo, hi]. */
  const runOf = (runName: string, lo: number, hi: number) => ({
    runName, byDigit: Array.from({ length: 10 }, (_, d) => Float32Array.from({ length: 100 * 84 }, (_, i) => lo + (hi - lo) * (((i * 7 + d * 13) % 97) / 96))),
  });

  it("lets every run's row use more than half of its colour scale, however small its values (ReLU-like 0…40 beside sigmoid-like 0.2…0.8)", async () => {
    const runs = [runOf("relu", 0, 40), runOf("sigmoid", 0.2, 0.8)];
    for (const run of normalisePerRun(runs)) {
      const [min, max] = sharedRange(run.byDigit);
      expect([min, max], run.runName).toEqual([0, 1]);
    }
    const figure = await crossRunAllDigitsFigure(runs, { colormap: "viridis", sharedDomain: null, className: (d) => `digit ${d}`, crossRunScale: "per-run" });
    // Read the drawn blocks back to colormap positions: each run's ten panels (one row) must span more than half of the scale.
    const image = decodePng(figure.png);
    const table = colormapTable("viridis");
    const position = (x: number, y: number) => {
      const p = (y * image.width + x) * image.channels;
      let best = 0;
      let bestDistance = Infinity;
      for (let k = 0; k < table.length / 3; k++) {
        const distance = Math.abs(table[3 * k]! - image.data[p]!) + Math.abs(table[3 * k + 1]! - image.data[p + 1]!) + Math.abs(table[3 * k + 2]! - image.data[p + 2]!);
        if (distance < bestDistance) { bestDistance = distance; best = k; }
      }
      return best / (table.length / 3 - 1);
    };
    for (const [r, run] of runs.entries()) {
      const seen: number[] = [];
      for (const panel of figure.panels.slice(r * 10, r * 10 + 10)) {
        for (let y = Math.ceil(panel.y) + 1; y < panel.y + panel.height - 1; y += 7) {
          for (let x = Math.ceil(panel.x) + 1; x < panel.x + panel.width - 1; x += 7) seen.push(position(x, y));
        }
      }
      expect(Math.max(...seen) - Math.min(...seen), run.runName).toBeGreaterThan(0.5);
    }
    expect(figure.svg).toContain("each run on its own scale");
  });
});

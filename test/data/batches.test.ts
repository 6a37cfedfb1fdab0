import { describe, expect, it } from "vitest";
import { BatchSampler, fillBatch } from "../../src/data/batches.js";
import { loadDataset } from "../../src/data/datasets.js";
import { writeTinyDataset } from "../idx-files.js";

describe("fillBatch", () => {
  it("scales pixels to [0,1] and pads each 28×28 image by 2 zeros to 32×32", () => {
    const { train } = loadDataset({ dataDir: writeTinyDataset() });
    const out = new Float32Array(2 * 1024).fill(7);
    const labels = new Int32Array(2);
    fillBatch(out, labels, train, [3, 11], 2);
    expect(Array.from(labels)).toEqual([3, 1]);
    for (let k = 0; k < 2; k++) {
      const n = [3, 11][k];
      for (let r = 0; r < 32; r++) {
        for (let c = 0; c < 32; c++) {
          const inside = r >= 2 && r < 30 && c >= 2 && c < 30;
          const expected = inside ? ((n * 7 + (r - 2) * 28 + (c - 2)) % 256) / 255 : 0;
          expect(out[k * 1024 + r * 32 + c]).toBeCloseTo(expected, 6);
        }
      }
    }
  });
});

describe("BatchSampler", () => {
  it("visits every image exactly once per epoch, batches running across epoch boundaries", () => {
    const sampler = new BatchSampler(10, 1, 2);
    const batch = new Int32Array(4);
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) { sampler.next(batch); seen.push(...batch); }
    expect(seen.slice(0, 10).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen.slice(10, 20).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen.slice(0, 10)).not.toEqual(seen.slice(10, 20)); // a fresh shuffle each epoch
    expect(sampler.epoch).toBe(1);
  });

  it("gives the same order for the same seed, another for another seed, and resumes from its state", () => {
    const take = (sampler: BatchSampler, n: number) => { const b = new Int32Array(n); sampler.next(b); return Array.from(b); };
    expect(take(new BatchSampler(100, 5, 2), 30)).toEqual(take(new BatchSampler(100, 5, 2), 30));
    expect(take(new BatchSampler(100, 5, 2), 30)).not.toEqual(take(new BatchSampler(100, 6, 2), 30));
    const a = new BatchSampler(100, 5, 2);
    take(a, 130);
    const b = new BatchSampler(100, 0, 2);
    b.setState(a.getState());
    expect(take(b, 150)).toEqual(take(a, 150));
  });
});

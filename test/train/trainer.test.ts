// Training on the real MNIST (the embedded files): a short run must learn,
// and the same config and seed must give the same numbers.

import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/datasets.js";
import { RunConfig, resolveRunConfig } from "../../src/train/config.js";
import { train } from "../../src/train/train.js";
import { writeTinyDataset } from "../idx-files.js";

const mnist = loadDataset();

function config(overrides: Record<string, string>): RunConfig {
  return resolveRunConfig({ logdir: "unused", ...overrides });
}

describe("training on real MNIST", () => {
  it("relu + adam: 300 iterations take test accuracy from chance (10%) to over 90%", async () => {
    const evaluations: number[] = [];
    const result = await train(config({ iterations: "300", evalEvery: "100" }), mnist, {
      callbacks: { onEval: (r) => evaluations.push(r.testAccuracy) },
    });
    expect(result.history.map((r) => r.iteration)).toEqual([100, 200, 300]);
    expect(result.final.testAccuracy).toBeGreaterThan(0.9);
    expect(result.final.testLoss).toBeLessThan(0.4);
    expect(evaluations).toEqual(result.history.map((r) => r.testAccuracy));
    expect(result.history[0].trainLoss).toBeGreaterThan(result.final.trainLoss);
  });

  it("is deterministic: the same config and seed give identical weights and losses; another seed does not", async () => {
    const run = (seed: string) => train(config({ iterations: "20", evalEvery: "20", seed, batchSize: "16" }), mnist);
    const [a, b, c] = await Promise.all([run("4"), run("4"), run("5")]);
    expect(Array.from(a.model.params.values)).toEqual(Array.from(b.model.params.values));
    expect(a.final.testLoss).toBe(b.final.testLoss);
    expect(a.final.testLoss).not.toBe(c.final.testLoss);
  });

  it("evaluates after the last iteration even when it is not a multiple of --eval-every", async () => {
    const tiny = loadDataset({ dataDir: writeTinyDataset() });
    const result = await train(config({ iterations: "7", evalEvery: "5", batchSize: "8" }), tiny);
    expect(result.history.map((r) => r.iteration)).toEqual([5, 7]);
  });
});

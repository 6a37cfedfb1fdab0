import { describe, expect, it } from "vitest";
import { ConfigError, defaultRunName, iterationsForEpochs, parseSeeds, resolveRunConfig, seededRunName } from "../../src/train/config.js";

describe("run config", () => {
  it("defaults to the classic experiment", () => {
    const c = resolveRunConfig({});
    expect(c).toMatchObject({
      activation: "relu", optimizer: "adam", lr: 0.01, batchSize: 64, iterations: 2000, evalEvery: 50,
      initMean: 0, initStd: 0.1, seed: 0, dataset: "mnist", dataDir: null, logdir: "runs", runName: "relu-adam-lr0.01",
    });
  });

  it("derives the run name from what differs from the defaults", () => {
    expect(resolveRunConfig({ activation: "sigmoid", optimizer: "gd", lr: "0.1" }).runName).toBe("sigmoid-sgd-lr0.1");
    expect(defaultRunName({ ...resolveRunConfig({}), batchSize: 128, seed: 3 })).toBe("relu-adam-lr0.01-b128-seed3");
  });

  it("names a run's length when it is not the classic 2000 iterations, so a short try never takes the full run's name", () => {
    expect(resolveRunConfig({ iterations: "300" }).runName).toBe("relu-adam-lr0.01-it300");
    expect(resolveRunConfig({ iterations: "2000" }).runName).toBe("relu-adam-lr0.01");
    expect(resolveRunConfig({ epochs: "1.5" }).runName).toBe("relu-adam-lr0.01-ep1.5");
    expect(resolveRunConfig({ iterations: "300", batchSize: "32", seed: "2", activation: "tanh" }).runName).toBe("tanh-adam-lr0.01-b32-it300-seed2");
    expect(seededRunName(resolveRunConfig({ iterations: "300", seed: "1" }))).toBe("relu-adam-lr0.01-it300-seed1");
  });

  it.each([
    [{ lr: "abc" }, /--lr must be a number > 0, got "abc"/],
    [{ lr: "0" }, /--lr must be a number > 0/],
    [{ lr: "" }, /--lr must be a number/],
    [{ activation: "foo" }, /unknown activation "foo"; valid activations: relu, sigmoid, tanh, leaky-relu, elu, gelu/],
    [{ optimizer: "lbfgs" }, /unknown optimizer "lbfgs"; valid optimizers: sgd, momentum, adam, adamw, rmsprop/],
    [{ batchSize: "0" }, /--batch-size must be an integer ≥ 1 and ≤ 60000, got "0"/],
    [{ batchSize: "2.5" }, /--batch-size must be an integer/],
    [{ iterations: "12abc" }, /--iterations must be an integer ≥ 1, got "12abc"/],
    [{ iterations: "10", epochs: "1" }, /either --iterations or --epochs/],
    [{ seed: "-1" }, /--seed must be an integer ≥ 0/],
    [{ initStd: "0" }, /--init-std must be a number > 0/],
    [{ dataset: "cifar" }, /unknown dataset "cifar"; valid datasets: mnist, fashion-mnist/],
    [{ dataset: "fashion-mnist" }, /not embedded; give --data-dir DIR/],
    [{ runName: "../escape" }, /run name "..\/escape" must be one path segment/],
  ])("rejects %j with a message naming the valid values", (options, message) => {
    expect(() => resolveRunConfig(options)).toThrow(ConfigError);
    expect(() => resolveRunConfig(options)).toThrow(message);
  });

  it("turns epochs into iterations, rounding up", () => {
    expect(iterationsForEpochs(1, 60000, 64)).toBe(938);
    expect(iterationsForEpochs(0.5, 60000, 100)).toBe(300);
  });
});

describe("seeds of a grid", () => {
  it("reads a count as seeds 0…N−1, a lone 0 or 1 as seed 0 alone, and a list as given", () => {
    expect(parseSeeds("5")).toEqual([0, 1, 2, 3, 4]);
    expect(parseSeeds("0")).toEqual([0]);
    expect(parseSeeds("1")).toEqual([0]);
    expect(parseSeeds(" 7, 11,3 ")).toEqual([7, 11, 3]);
    expect(parseSeeds("1000")).toHaveLength(1000);
  });

  it.each(["", "-2", "2.5", "1e3", "0,,2", "3,3", "1001", "4294967296,1"])("refuses %j, naming what is valid", (value) => {
    expect(() => parseSeeds(value)).toThrow(ConfigError);
    expect(() => parseSeeds(value)).toThrow(/give a count \(--seeds 5 runs seeds 0…4\) or a comma list of distinct integers/);
  });

  it("names every seed of a grid, seed 0 too", () => {
    expect(seededRunName(resolveRunConfig({ seed: "0" }))).toBe("relu-adam-lr0.01-seed0");
    expect(seededRunName(resolveRunConfig({ seed: "3", batchSize: "16", activation: "sigmoid" }))).toBe("sigmoid-adam-lr0.01-b16-seed3");
  });
});

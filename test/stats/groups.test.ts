// Which runs form a group, which groups compare, curves merged into a band,
// and which seed falls far behind its group.

import { describe, expect, it } from "vitest";
import { aggregateCurves, bandEdges } from "../../src/stats/band.js";
import { farBelow } from "../../src/stats/outliers.js";
import { comparablePairs, groupRuns, seedList, settingsDiffering } from "../../src/stats/run-groups.js";
import { resolveRunConfig } from "../../src/train/config.js";

const config = (options: Record<string, string>) => resolveRunConfig({ threads: "1", ...options });

describe("groupRuns", () => {
  const runs = [
    config({ activation: "relu", seed: "1" }), config({ activation: "sigmoid", seed: "0" }), config({ activation: "relu", seed: "0" }),
    config({ activation: "relu", seed: "2", threads: "2", summaries: "minimal", logdir: "elsewhere" }),
    config({ activation: "sigmoid", seed: "1", lr: "0.1" }), config({ activation: "relu", seed: "1", runName: "again" }),
  ];
  const groups = groupRuns(runs, (c) => ({ name: c.runName, config: c }));

  it("puts runs that differ only in seed and bookkeeping in one group, sorted by seed, named without the seed", () => {
    expect(groups.map((g) => g.name)).toEqual(["relu-adam-lr0.01", "sigmoid-adam-lr0.01", "sigmoid-adam-lr0.1"]);
    expect(groups[0].members.map((m) => m.seed)).toEqual([0, 1, 2]);
    expect(groups[0].members.map((m) => m.name)).toEqual(["relu-adam-lr0.01", "relu-adam-lr0.01-seed1", "relu-adam-lr0.01-seed2"]);
    expect(groups[0].repeats.map((m) => m.name)).toEqual(["again"]);
  });

  it("compares groups that differ in exactly one setting", () => {
    const pairs = comparablePairs(groups).map((p) => `${p.a.name} ~ ${p.b.name}: ${p.setting}`);
    expect(pairs).toEqual(["relu-adam-lr0.01 ~ sigmoid-adam-lr0.01: activation", "sigmoid-adam-lr0.01 ~ sigmoid-adam-lr0.1: lr"]);
    expect(settingsDiffering(groups[0].config, groups[2].config)).toEqual(["activation", "lr"]);
  });

  it("keeps groups apart that differ in a setting the name leaves out, and names the length of a run", () => {
    const split = groupRuns([config({ evalEvery: "100" }), config({ evalEvery: "200" })], (c) => ({ name: c.runName, config: c }));
    expect(split.map((g) => g.name)).toEqual(["relu-adam-lr0.01", "relu-adam-lr0.01-2"]);
    const lengths = groupRuns([config({ iterations: "100" }), config({ iterations: "200" })], (c) => ({ name: c.runName, config: c }));
    expect(lengths.map((g) => g.name)).toEqual(["relu-adam-lr0.01-it100", "relu-adam-lr0.01-it200"]);
  });

  it("writes seed lists briefly", () => {
    expect(seedList([3])).toBe("seed 3");
    expect(seedList([0, 1, 2])).toBe("seeds 0, 1, 2");
    expect(seedList([0, 1, 2, 3, 4, 5, 6, 7])).toBe("seeds 0–7");
    expect(seedList([0, 2, 5, 9])).toBe("seeds 0, 2, 5, 9");
  });
});

describe("aggregateCurves", () => {
  it("gives each step's n, mean, std, standard error and range, leaving out non-finite values", () => {
    const band = aggregateCurves([
      [{ step: 10, value: 1 }, { step: 20, value: 2 }],
      [{ step: 10, value: 3 }, { step: 20, value: 4 }, { step: 30, value: 5 }],
      [{ step: 10, value: 5 }, { step: 20, value: NaN }],
    ]);
    expect(band.map((p) => [p.step, p.n, p.mean, p.min, p.max])).toEqual([[10, 3, 3, 1, 5], [20, 2, 3, 2, 4], [30, 1, 5, 5, 5]]);
    expect(band[0].std).toBeCloseTo(2, 12);
    expect(band[0].stdErr).toBeCloseTo(2 / Math.sqrt(3), 12);
    expect(band[2].std).toBe(0);
    expect(bandEdges(band[0], "minmax")).toEqual([1, 5]);
    expect(bandEdges(band[0], "std")).toEqual([1, 5]);
    expect(bandEdges(band[1], "stderr")[1]).toBeCloseTo(4, 12);
  });
});

describe("farBelow", () => {
  const items = (values: number[]) => values.map((value, i) => ({ item: `seed${i}`, value }));

  it("names a stalled seed among ones that learned, and nothing in a tight group", () => {
    expect(farBelow(items([0.975, 0.752, 0.979]), 0.05).map((f) => f.item)).toEqual(["seed1"]);
    expect(farBelow(items([0.975, 0.971, 0.979, 0.969]), 0.05)).toEqual([]);
    expect(farBelow(items([0.97, 0.75]), 0.05).map((f) => f.item)).toEqual(["seed1"]);
    expect(farBelow(items([0.97]), 0.05)).toEqual([]);
  });

  it("does not let a wide group hide a value far below it, nor flag the spread's own edge", () => {
    const flagged = farBelow(items([0.9, 0.95, 0.92, 0.4, 0.93]), 0.05);
    expect(flagged.map((f) => f.item)).toEqual(["seed3"]);
    expect(flagged[0].reference).toBeCloseTo(0.925, 12);
  });
});

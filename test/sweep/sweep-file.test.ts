// Sweeps as data: a sweep file's grid and random draws become the same runs
// every time, named with the values they train with, and every mistake in a
// file is refused naming the key and what to give instead.

import { describe, expect, it } from "vitest";
import { parseSweepFile, sweepFileRuns } from "../../src/sweep/sweep-file.js";

const FLAGS = ["--iterations", "--batch-size", "--eval-every", "--summaries", "--logdir"];
const read = (data: unknown, path = "sweep.json") => parseSweepFile(typeof data === "string" ? data : JSON.stringify(data), path, FLAGS);
const runNames = (data: unknown) => sweepFileRuns(read(data), {}, []).map((run) => run.config.runName);

describe("sweep files", () => {
  const example = {
    grid: { activation: ["relu", "sigmoid"], optimizer: ["adam"] },
    random: { lr: { logUniform: [1e-4, 1e-1] } },
    samples: 5, seed: 0, seeds: 2, iterations: 2000,
  };

  it("draws every grid combination `samples` times, seeds innermost, the same runs from the same file", () => {
    const file = read(example);
    expect(file.configs).toHaveLength(10);
    expect(file.seeds).toEqual(["0", "1"]);
    expect(file.options).toEqual({ iterations: "2000" });
    expect(file.configs.map((c) => c.activation)).toEqual(["relu", "sigmoid", "relu", "sigmoid", "relu", "sigmoid", "relu", "sigmoid", "relu", "sigmoid"]);
    const rates = file.configs.map((c) => Number(c.lr));
    for (const lr of rates) {
      expect(lr).toBeGreaterThanOrEqual(1e-4);
      expect(lr).toBeLessThanOrEqual(1e-1);
      expect(Number(lr.toPrecision(3))).toBe(lr); // three significant digits, as the name shows it
    }
    expect(new Set(rates).size).toBe(10);
    expect(read(example)).toEqual(file);
    expect(read({ ...example, seed: 1 }).configs).not.toEqual(file.configs);

    const runs = sweepFileRuns(file, { iterations: "20" }, ["--iterations", "20"]);
    expect(runs).toHaveLength(20);
    expect(runs[0]!.config.runName).toBe(`relu-adam-lr${file.configs[0]!.lr}-it20-seed0`);
    expect(runs[1]!.config.runName).toBe(`relu-adam-lr${file.configs[0]!.lr}-it20-seed1`);
    expect(runs[1]!.args).toEqual(["train", "--activation", "relu", "--optimizer", "adam", "--lr", file.configs[0]!.lr, "--seed", "1",
      "--run-name", runs[1]!.config.runName, "--iterations", "20", "--json"]);
  });

  it("reads YAML as JSON, and takes the compare defaults for the axes it does not name", () => {
    const yaml = "grid:\n  lr: [0.01, 0.1]\nrandom:\n  optimizer: { choice: [adam, sgd] }\nsamples: 2\nseeds: [3]\n";
    const file = read(yaml, "sweep.yaml");
    // activation: relu, sigmoid, as compare's --activation; each of the 4 combinations drawn twice, distinct each time.
    expect(file.configs.map((c) => `${c.activation} ${c.lr}`)).toEqual(
      [0, 1].flatMap(() => ["relu 0.01", "relu 0.1", "sigmoid 0.01", "sigmoid 0.1"]));
    expect(new Set(file.configs.map((c) => `${c.activation} ${c.lr} ${c.optimizer}`)).size).toBe(8);
    expect(file.seeds).toEqual(["3"]);
    expect(runNames({ grid: { activation: ["tanh"], lr: [0.01] }, seeds: 1 })).toEqual(["tanh-adam-lr0.01-seed0"]);
  });

  it.each([
    [{ grid: {}, lrs: [0.1] }, /sweep file sweep\.json: unknown key "lrs"; valid keys: grid, random, samples, seed, seeds and the train options .*iterations, batch-size.*remove it or correct its spelling/],
    [{ lr: [0.1] }, /"lr" at the top level: give it as a list under "grid"/],
    [{ iterations: [20] }, /"iterations" must be a number or a string, as --iterations takes it, not a list/],
    [{ grid: { lr: ["fast"] } }, /grid\.lr must list numbers, e.g\. \[0\.01, 0\.1\]; "fast" is not one/],
    [{ grid: { seed: [1] } }, /grid: unknown axis "seed"; .*the top-level key "seeds"/],
    [{ random: { lr: { logUniform: [0, 0.1] } }, samples: 3 }, /random\.lr\.logUniform has min 0; a learning rate is > 0 \(and a log scale never reaches 0\): give a min such as 1e-4/],
    [{ random: { lr: { logUniform: [0.1, 0.01] } }, samples: 3 }, /random\.lr\.logUniform is \[0\.1, 0\.01\]: the min must be below the max/],
    [{ random: { lr: { normal: [0, 1] } }, samples: 3 }, /random\.lr: "normal" is not a distribution of lr; give \{"logUniform"/],
    [{ random: { lr: { uniform: [0.001, 0.01] } }, samples: 2.5 }, /"samples" must be a positive integer \(how many draws\), got 2\.5/],
    [{ random: { lr: { uniform: [0.001, 0.01] } }, samples: 0 }, /"samples" must be a positive integer/],
    [{ random: { lr: { uniform: [0.001, 0.01] } } }, /random draws need "samples"/],
    [{ grid: { lr: [0.01] }, samples: 3 }, /"samples" counts random draws, and "random" is empty/],
    [{ grid: { lr: [0.01] }, random: { lr: { uniform: [0.001, 0.01] } }, samples: 1 }, /"lr" is both in grid and in random; keep it in one of them/],
    [{ random: { activation: { choice: ["relu"] } }, grid: { lr: [0.01] }, samples: 2, seeds: 1 }, /2 samples cannot all be distinct configs/],
    [{ seeds: "0,0" }, /"seeds": .*repeats seed 0/],
    [[1, 2], /it must hold one object of keys .*, not a list/],
    ["{ grid: ", /it is not valid JSON/],
  ])("refuses %j, naming the key and the way out", (data, message) => {
    expect(() => read(data)).toThrow(message);
  });

  it("refuses a value that is not a valid run setting, and two configs that are the same run, naming the file", () => {
    expect(() => runNames({ grid: { activation: ["relu", "swish"] } })).toThrow(/sweep file sweep\.json: unknown activation "swish"; valid activations/);
    expect(() => runNames({ grid: { lr: [0.01, 0.010] } })).toThrow(/two grid points are the same run \(relu-adam-lr0\.01-seed0\); remove the repeated value from the lists of sweep\.json/);
    expect(() => read("{}", "sweep.toml")).toThrow(/"\.toml" is neither \.json nor \.yaml\/\.yml/);
  });
});

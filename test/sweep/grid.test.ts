// A sweep's grid as data, without running anything: the points, their names
// and train arguments, the seeds, and what a resumed grid keeps or continues.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandGrid, gridSeeds } from "../../src/sweep/grid.js";
import { existingRunDirectories, planResume } from "../../src/sweep/resume.js";
import { tempDir } from "../idx-files.js";

describe("expandGrid", () => {
  it("gives every combination, seeds innermost, each named with its seed and with the arguments that reproduce it", () => {
    const runs = expandGrid({ activation: ["relu", "sigmoid"], optimizer: ["adam"], lr: ["0.01", "0.1"], seed: ["0", "1"] },
      { iterations: "20" }, ["--iterations", "20"]);
    expect(runs.map((r) => r.config.runName)).toEqual([
      "relu-adam-lr0.01-it20-seed0", "relu-adam-lr0.01-it20-seed1", "relu-adam-lr0.1-it20-seed0", "relu-adam-lr0.1-it20-seed1",
      "sigmoid-adam-lr0.01-it20-seed0", "sigmoid-adam-lr0.01-it20-seed1", "sigmoid-adam-lr0.1-it20-seed0", "sigmoid-adam-lr0.1-it20-seed1",
    ]);
    expect(runs[3].config).toMatchObject({ activation: "relu", lr: 0.1, seed: 1, iterations: 20 });
    expect(runs[3].args).toEqual(["train", "--activation", "relu", "--optimizer", "adam", "--lr", "0.1", "--seed", "1",
      "--run-name", "relu-adam-lr0.1-it20-seed1", "--iterations", "20", "--json"]);
  });

  it("refuses a bad value and two points that are the same run, before anything runs", () => {
    expect(() => expandGrid({ activation: ["relu"], optimizer: ["lbfgs"], lr: ["0.01"], seed: ["0"] }, {}, [])).toThrow(/unknown optimizer "lbfgs"/);
    expect(() => expandGrid({ activation: ["relu"], optimizer: ["adam"], lr: ["0.01", "0.010"], seed: ["0"] }, {}, []))
      .toThrow(/two grid points are the same run \(relu-adam-lr0\.01-seed0\)/);
  });

  it("takes seeds as a count or a list (default 0, 1, 2), or the older --seed list, not both", () => {
    expect(gridSeeds({})).toEqual(["0", "1", "2"]);
    expect(gridSeeds({ seeds: "4" })).toEqual(["0", "1", "2", "3"]);
    expect(gridSeeds({ seedList: "7,9" })).toEqual(["7", "9"]);
    expect(() => gridSeeds({ seeds: "2", seedList: "3" })).toThrow(/either --seeds .* or --seed/);
  });
});

describe("resuming a grid", () => {
  it("keeps finished runs, continues those with a checkpoint, starts the others again", () => {
    const logdir = tempDir();
    const runs = expandGrid({ activation: ["relu"], optimizer: ["adam"], lr: ["0.01"], seed: ["0", "1", "2", "3"] }, {}, []);
    const dir = (i: number) => join(logdir, runs[i].config.runName);
    mkdirSync(dir(0));
    writeFileSync(join(dir(0), "run.json"), JSON.stringify({ status: "finished", seconds: 12, final: { testAccuracy: 0.97, testLoss: 0.1 } }));
    mkdirSync(dir(1));
    writeFileSync(join(dir(1), "checkpoint.safetensors"), "x");
    mkdirSync(dir(2));
    writeFileSync(join(dir(2), "events.out.tfevents.1.host.1.1"), "");
    expect(existingRunDirectories(runs, logdir)).toEqual([dir(0), dir(1), dir(2)]);
    const kept = planResume(runs, logdir);
    expect([...kept.keys()]).toEqual([0]);
    expect(kept.get(0)).toMatchObject({ ok: true, result: { testAccuracy: 0.97, seconds: 12, runDir: dir(0) } });
    expect(runs[1].args).toEqual(["train", "--resume", dir(1), "--json"]);
    expect(runs[2].args.at(-1)).toBe("--overwrite");
    expect(runs[3].args).not.toContain("--overwrite");
  });
});

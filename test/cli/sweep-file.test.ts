// `lenet-lab compare --sweep-file` as a user runs it: a YAML sweep with a
// random learning rate trains the runs the file draws, named with the value
// each trains with; a bad file, or a flag that the file already sets, is
// refused with exit code 2 before anything is written.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSweepFile } from "../../src/sweep/sweep-file.js";
import { tempDir } from "../idx-files.js";
import { lenetLab } from "../cli-process.js";

const SWEEP_YAML = `# relu, lr drawn twice on a log scale
grid:
  activation: [relu]
random:
  lr: { logUniform: [1.0e-3, 1.0e-1] }
samples: 2
seed: 7
seeds: 1
iterations: 4
eval-every: 2
summaries: minimal
`;

describe("lenet-lab compare --sweep-file", () => {
  it("trains the runs a YAML sweep file draws, named with their learning rates", () => {
    const dir = tempDir();
    const path = join(dir, "sweep.yaml");
    writeFileSync(path, SWEEP_YAML);
    const logdir = join(dir, "runs");
    const { code, stdout, stderr } = lenetLab("compare", "--sweep-file", path, "--logdir", logdir, "--jobs", "2");
    expect(code, stderr).toBe(0);
    const rates = parseSweepFile(SWEEP_YAML, path, ["--iterations", "--eval-every", "--summaries"]).configs.map((c) => c.lr);
    const runs = rates.map((lr) => `relu-adam-lr${lr}-it4-seed0`);
    expect(stderr).toContain(`2 runs (${runs.join(", ")}), 2 at a time`);
    for (const [i, run] of runs.entries()) {
      expect(stdout).toMatch(new RegExp(`${run} +\\d+\\.\\d\\d%`));
      const runJson = JSON.parse(readFileSync(join(logdir, run, "run.json"), "utf8"));
      expect(runJson).toMatchObject({ status: "finished", iterations: 4, config: { lr: Number(rates[i]), evalEvery: 2, summaries: "minimal" } });
    }
    expect(existsSync(join(logdir, "report", "index.html"))).toBe(true);
  });

  it("keeps the threads the file sets, where a one-run grid would otherwise take every core", () => {
    const dir = tempDir();
    const path = join(dir, "sweep.json");
    writeFileSync(path, JSON.stringify({ grid: { activation: ["relu"], lr: [0.01] }, seeds: 1, iterations: 4, "eval-every": 2, summaries: "minimal", threads: 1 }));
    const logdir = join(dir, "runs");
    const { code, stderr } = lenetLab("compare", "--sweep-file", path, "--logdir", logdir, "--jobs", "2");
    expect(code, stderr).toBe(0);
    expect(stderr).toContain("1 run (relu-adam-lr0.01-it4-seed0), 1 at a time →");
    expect(JSON.parse(readFileSync(join(logdir, "relu-adam-lr0.01-it4-seed0", "run.json"), "utf8")).config.threads).toBe(1);
  });

  it.each([
    [{ grid: { lr: [0.01] }, iterashuns: 4 }, [], /sweep file .*sweep\.json: unknown key "iterashuns"; valid keys: grid, random, samples, seed, seeds and the train options/],
    [{ random: { lr: { logUniform: [0, 0.1] } }, samples: 2 }, [], /random\.lr\.logUniform has min 0; a learning rate is > 0/],
    [{ random: { lr: { uniform: [0.001, 0.1] } }, samples: -1 }, [], /"samples" must be a positive integer \(how many draws\), got -1/],
    [{ iterations: "many" }, [], /sweep file .*: --iterations must be an integer ≥ 1, got "many"/],
    [{ iterations: 4 }, ["--iterations", "8"], /--iterations is given both on the command line and in .*sweep\.json; keep one/],
    [{ iterations: 4 }, ["--activation", "tanh"], /--sweep-file .*sweep\.json holds the grid; remove --activation/],
  ])("refuses %j (with %j) with exit code 2, before anything is written", (sweep, flags, message) => {
    const dir = tempDir();
    const path = join(dir, "sweep.json");
    writeFileSync(path, JSON.stringify(sweep));
    const logdir = join(dir, "runs");
    const { code, stderr } = lenetLab("compare", "--sweep-file", path, "--logdir", logdir, ...(flags as string[]));
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(message);
    expect(existsSync(logdir)).toBe(false);
  });

  it("refuses a sweep file that is missing, with exit code 2", () => {
    const { code, stderr } = lenetLab("compare", "--sweep-file", join(tempDir(), "none.json"));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--sweep-file .*none\.json: cannot read it \(ENOENT\)/);
  });
});

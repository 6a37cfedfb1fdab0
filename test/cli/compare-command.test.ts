// `lenet-lab compare` as a user runs it: the built CLI in a child process,
// training tiny runs on the real MNIST in parallel child processes, then the
// fc2 maps, the cross-run figures and the report.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodePng } from "../../src/io/png.js";
import { tempDir } from "../idx-files.js";
import { CLI, lenetLab } from "../cli-process.js";

const TINY = ["--iterations", "4", "--eval-every", "2", "--jobs", "2"];
const ONE_SEED = [...TINY, "--seeds", "0"];

describe("lenet-lab compare", () => {
  it("trains relu and sigmoid in parallel and writes every run file, fc2 map, cross-run figure and the report", () => {
    const logdir = join(tempDir(), "runs");
    const { code, stdout, stderr } = lenetLab("compare", ...ONE_SEED, "--logdir", logdir);
    expect(code, stderr).toBe(0);
    const runs = ["relu-adam-lr0.01-it4-seed0", "sigmoid-adam-lr0.01-it4-seed0"];
    expect(stderr).toContain(`2 runs (${runs.join(", ")}), 2 at a time, each single-threaded`);
    for (const run of runs) {
      expect(stderr).toMatch(new RegExp(`\\] ${run}: started`));
      expect(stderr).toMatch(new RegExp(`${run}  iter 4/4 .*test acc`));
      expect(stderr).toMatch(new RegExp(`\\] ${run}: finished — test accuracy`));
      expect(stdout).toMatch(new RegExp(`${run} +\\d+\\.\\d\\d% +\\d\\.\\d{4}`));
      const dir = join(logdir, run);
      const runJson = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
      expect(runJson).toMatchObject({ status: "finished", iterations: 4, config: { activation: run.split("-")[0], optimizer: "adam", lr: 0.01, threads: 1 } });
      expect(readdirSync(dir).some((name) => name.includes("tfevents"))).toBe(true);
      expect(existsSync(join(dir, "model.safetensors"))).toBe(true);
      for (let d = 0; d < 10; d++) {
        expect(decodePng(readFileSync(join(dir, "fc2", `digit-${d}.png`))).width).toBeGreaterThan(504);
        expect(readFileSync(join(dir, "fc2", `digit-${d}.csv`), "utf8").trim().split("\n")).toHaveLength(100);
      }
      for (const file of ["indices.json", "all-digits.png", "class-means.png", "class-similarity.png"]) {
        expect(existsSync(join(dir, "fc2", file)), `${run}/fc2/${file}`).toBe(true);
      }
    }
    for (let d = 0; d < 10; d++) expect(existsSync(join(logdir, "compare", `fc2-${d}.png`))).toBe(true);
    expect(existsSync(join(logdir, "compare", "fc2-all-digits.png"))).toBe(true);
    const markdown = readFileSync(join(logdir, "report", "report.md"), "utf8");
    const html = readFileSync(join(logdir, "report", "index.html"), "utf8");
    for (const run of runs) {
      expect(markdown).toContain(run);
      expect(html).toContain(run);
    }
    expect(stdout).toContain(`report → ${join(logdir, "report", "index.html")}`);
    // The run that finished first had its figures drawn while the other trained: they are the very figures
    // `lenet-lab features` draws for a run, as are those of the run drawn with the report.
    for (const run of runs) {
      const dir = join(logdir, run);
      const figures = [...readdirSync(join(dir, "fc2")).filter((f) => f.endsWith(".png")).map((f) => join("fc2", f)), "confusion.png", "misclassified.png"];
      expect(figures).toHaveLength(15);
      const drawn = new Map(figures.map((file) => [file, readFileSync(join(dir, file))]));
      const again = lenetLab("features", dir);
      expect(again.code, again.stderr).toBe(0);
      for (const file of figures) expect(readFileSync(join(dir, file)).equals(drawn.get(file)!), `${run}/${file}`).toBe(true);
    }
    // The cross-run figures were drawn from the last run's matrices in memory: the report draws the same from the CSVs.
    const crossRun = readdirSync(join(logdir, "compare")).filter((f) => f.endsWith(".png"));
    expect(crossRun).toHaveLength(11);
    const fromMemory = new Map(crossRun.map((file) => [file, readFileSync(join(logdir, "compare", file))]));
    const report = lenetLab("report", logdir);
    expect(report.code, report.stderr).toBe(0);
    for (const file of crossRun) expect(readFileSync(join(logdir, "compare", file)).equals(fromMemory.get(file)!), file).toBe(true);
  });

  it("a grid smaller than --jobs shares the cores out: one run trains on both, with the numbers it has on one", () => {
    const logdir = tempDir();
    const run = "relu-adam-lr0.01-it4-seed0";
    const grid = lenetLab("compare", ...ONE_SEED, "--activation", "relu", "--summaries", "minimal", "--logdir", join(logdir, "grid"));
    expect(grid.code, grid.stderr).toBe(0);
    expect(grid.stderr).toContain(`1 run (${run}), 1 at a time, each on 2 threads`);
    const shared = JSON.parse(readFileSync(join(logdir, "grid", run, "run.json"), "utf8"));
    expect(shared.config.threads).toBe(2);
    const alone = lenetLab("compare", ...ONE_SEED, "--activation", "relu", "--summaries", "minimal", "--threads", "1", "--logdir", join(logdir, "one"));
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stderr).toContain(`1 run (${run}), 1 at a time →`);
    const single = JSON.parse(readFileSync(join(logdir, "one", run, "run.json"), "utf8"));
    expect(single.config.threads).toBe(1);
    expect(shared.history).toEqual(single.history.map((r: { seconds: number }, k: number) => ({ ...r, seconds: shared.history[k].seconds })));
  });

  it("--seeds 2 trains every config twice, groups the seeds, and reports each group's spread and the comparison", () => {
    const logdir = tempDir();
    const { code, stdout, stderr } = lenetLab("compare", ...TINY, "--seeds", "2", "--summaries", "minimal", "--logdir", logdir);
    expect(code, stderr).toBe(0);
    const runs = ["relu-adam-lr0.01-it4-seed0", "relu-adam-lr0.01-it4-seed1", "sigmoid-adam-lr0.01-it4-seed0", "sigmoid-adam-lr0.01-it4-seed1"];
    expect(stderr).toContain(`4 runs (${runs.join(", ")}), 2 at a time`);
    for (const run of runs) {
      const runJson = JSON.parse(readFileSync(join(logdir, run, "run.json"), "utf8"));
      expect(runJson).toMatchObject({ status: "finished", config: { seed: Number(run.slice(-1)) }, finalWindow: { toIteration: 4 } });
    }
    expect(stdout).toMatch(/relu-adam-lr0\.01-it4 +2 +\d+\.\d\d% ± \d+\.\d\d +\d+\.\d\d% … \d+\.\d\d%/);
    expect(stdout).toMatch(/sigmoid-adam-lr0\.01-it4 +2 +\d+\.\d\d% ± /);
    const markdown = readFileSync(join(logdir, "report", "report.md"), "utf8");
    expect(markdown).toContain("# LeNet-5 on MNIST: 2 configurations, 4 runs over seeds");
    expect(markdown).toMatch(/\| relu-adam-lr0\.01-it4 \| 0, 1 \| \*\*\d+\.\d\d ± \d+\.\d\d\*\* \| -?\d+\.\d\d … \d+\.\d\d \|/);
    expect(markdown).toMatch(/relu vs sigmoid \(adam, lr 0\.01\), test accuracy: [+−]\d+\.\d\d pp \(95% CI [+−]\d+\.\d\d … [+−]\d+\.\d\d, n = 2 each\): (no difference shown|relu ahead|sigmoid ahead)\./);
    for (const statistic of ["mean", "min", "max"]) {
      expect(readdirSync(join(logdir, "_groups", "relu-adam-lr0.01-it4", statistic)).some((f) => f.includes("tfevents"))).toBe(true);
    }
  });

  it("reports a run that fails (diverges), still finishes the other, and exits 1 naming the failure", () => {
    const logdir = tempDir();
    const { code, stdout, stderr } = lenetLab("compare", ...ONE_SEED, "--activation", "relu", "--optimizer", "sgd", "--lr", "0.01,1e30",
      "--logdir", logdir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/relu-sgd-lr1e\+30-it4-seed0: FAILED — training diverged at iteration \d/);
    expect(stderr).toMatch(/1 of 2 runs failed: relu-sgd-lr1e\+30-it4-seed0 \(training diverged/);
    expect(stdout).toMatch(/relu-sgd-lr1e\+30-it4-seed0 +FAILED: training diverged/);
    const finished = JSON.parse(readFileSync(join(logdir, "relu-sgd-lr0.01-it4-seed0", "run.json"), "utf8"));
    expect(finished.status).toBe("finished");
    expect(existsSync(join(logdir, "relu-sgd-lr0.01-it4-seed0", "fc2", "all-digits.png"))).toBe(true);
    const markdown = readFileSync(join(logdir, "report", "report.md"), "utf8");
    expect(markdown).toMatch(/relu-sgd-lr1e\+30-it4-seed0: diverged after/);
  });

  it.each([
    [["--activation", "relu,foo"], /valid activations: relu, sigmoid/],
    [["--lr", "0.01,,0.1"], /--lr "0\.01,,0\.1" has an empty item/],
    [["--lr", "0.01,0.010"], /two grid points are the same run \(relu-adam-lr0\.01-seed0\)/],
    [["--seeds", ""], /--seeds is empty; give a count \(--seeds 5 runs seeds 0…4\) or a comma list/],
    [["--seeds", "-1"], /--seeds "-1" is not a whole number ≥ 0/],
    [["--seeds", "1.5"], /--seeds "1\.5" is not a whole number ≥ 0/],
    [["--seeds", "0,x"], /--seeds "0,x" has "x", which is not a whole number ≥ 0/],
    [["--seeds", "0,,1"], /--seeds "0,,1" has an empty item/],
    [["--seeds", "0,1,0"], /--seeds "0,1,0" repeats seed 0/],
    [["--seeds", "5000"], /--seeds 5000 asks for 5000 runs per config; .*at most 1000 seeds/],
    [["--seeds", "2", "--seed", "3"], /give either --seeds \(a count or a list\) or --seed \(a list\), not both/],
    [["--jobs", "0"], /--jobs must be an integer ≥ 1/],
    [["--batch-size", "0"], /--batch-size must be an integer ≥ 1/],
  ])("rejects %j with exit code 2 before anything is written", (args, message) => {
    const logdir = join(tempDir(), "runs");
    const { code, stderr } = lenetLab("compare", "--logdir", logdir, ...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(existsSync(logdir)).toBe(false);
  });

  it("refuses existing run directories unless --overwrite is given", () => {
    const logdir = tempDir();
    mkdirSync(join(logdir, "sigmoid-adam-lr0.01-it2-seed1"));
    writeFileSync(join(logdir, "sigmoid-adam-lr0.01-it2-seed1", "run.json"), "{}");
    const { code, stderr } = lenetLab("compare", "--logdir", logdir, "--iterations", "2");
    expect(code).toBe(2);
    expect(stderr).toMatch(/run directories already exist: .*sigmoid-adam-lr0\.01-it2-seed1; pass --resume to continue the grid, --overwrite to train them again/);
    expect(readFileSync(join(logdir, "sigmoid-adam-lr0.01-it2-seed1", "run.json"), "utf8")).toBe("{}");
  });

  it("--resume keeps finished runs, continues interrupted ones from their checkpoints, and writes the report", async () => {
    const logdir = tempDir();
    const grid = ["--iterations", "40", "--eval-every", "10", "--checkpoint-every", "10", "--batch-size", "16", "--summaries", "minimal"];
    // relu finished; sigmoid stopped by Ctrl-C after its first checkpoint, as a stopped grid leaves them.
    expect(lenetLab("train", ...grid, "--logdir", logdir, "--run-name", "relu-adam-lr0.01-b16-it40-seed0").code).toBe(0);
    const sigmoidDir = join(logdir, "sigmoid-adam-lr0.01-b16-it40-seed0");
    const child = spawn(process.execPath, [CLI, "train", ...grid, "--activation", "sigmoid", "--logdir", logdir, "--run-name", "sigmoid-adam-lr0.01-b16-it40-seed0"]);
    const ended = new Promise<number | null>((resolveEnd) => child.on("exit", (code) => resolveEnd(code)));
    while (!existsSync(join(sigmoidDir, "checkpoint.safetensors"))) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGINT");
    expect(await ended).toBe(130);
    const reluEvents = readdirSync(join(logdir, "relu-adam-lr0.01-b16-it40-seed0")).filter((f) => f.includes("tfevents"));

    const { code, stdout, stderr } = lenetLab("compare", ...grid, "--seeds", "0", "--jobs", "2", "--logdir", logdir, "--resume");
    expect(code, stderr).toBe(0);
    // The finished run was not trained again (no new event file); the stopped one resumed and finished.
    expect(readdirSync(join(logdir, "relu-adam-lr0.01-b16-it40-seed0")).filter((f) => f.includes("tfevents"))).toEqual(reluEvents);
    const sigmoid = JSON.parse(readFileSync(join(sigmoidDir, "run.json"), "utf8"));
    expect(sigmoid).toMatchObject({ status: "finished", iterations: 40 });
    expect(sigmoid.resumedAt).toHaveLength(1);
    expect(stdout).toMatch(/relu-adam-lr0\.01-b16-it40-seed0 +\d+\.\d\d%/);
    expect(existsSync(join(logdir, "report", "index.html"))).toBe(true);
  });

  it("lists the grid options and every train option in --help", () => {
    const { code, stdout } = lenetLab("compare", "--help");
    expect(code).toBe(0);
    for (const option of ["--activation <list>", "--optimizer <list>", "--lr <list>", "--jobs", "--batch-size", "--iterations",
      "--eval-every", "--logdir", "--pick", "--scale", "--colormap", "--overwrite", "--resume"]) {
      expect(stdout).toContain(option);
    }
    expect(stdout).toContain('(default: "relu,sigmoid")');
    expect(stdout).toContain("--seeds <count|list>");
    expect(stdout).toContain('(default: "0,1,2")');
  });
});

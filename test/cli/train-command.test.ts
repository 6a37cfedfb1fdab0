// The `lenet-lab train` command as a user runs it: the built CLI in a child
// process, on the real embedded MNIST.

import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeSafetensors } from "../../src/io/safetensors.js";
import { tempDir } from "../idx-files.js";
import { lenetLab } from "../cli-process.js";

describe("lenet-lab train", () => {
  it("trains, prints a JSON summary as the last stdout line, and writes run.json and a PyTorch-layout model.safetensors", () => {
    const logdir = tempDir();
    const { code, stdout, stderr } = lenetLab("train", "--iterations", "30", "--eval-every", "15", "--logdir", logdir, "--json");
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout.trim().split("\n").pop()!);
    // Not the classic 2000 iterations: the name says so, and the full run's name stays free.
    expect(summary).toMatchObject({ run: "relu-adam-lr0.01-it30", runDir: join(logdir, "relu-adam-lr0.01-it30"), iterations: 30 });
    for (const key of ["testAccuracy", "testLoss", "trainImagesPerSecond", "seconds"]) expect(typeof summary[key]).toBe("number");
    expect(summary.testAccuracy).toBeGreaterThan(0.3);
    expect(stderr).toMatch(/iter 15\/30 .* test acc/);

    const runJson = JSON.parse(readFileSync(join(summary.runDir, "run.json"), "utf8"));
    expect(runJson.config).toMatchObject({ activation: "relu", optimizer: "adam", lr: 0.01, iterations: 30 });
    expect(runJson.final.testAccuracy).toBe(summary.testAccuracy);
    expect(runJson.history.map((r: { iteration: number }) => r.iteration)).toEqual([15, 30]);

    const model = decodeSafetensors(readFileSync(join(summary.runDir, "model.safetensors")));
    expect(model.tensors.map((t) => [t.name, t.shape])).toEqual([
      ["conv1.weight", [6, 1, 5, 5]], ["conv1.bias", [6]], ["conv2.weight", [16, 6, 5, 5]], ["conv2.bias", [16]],
      ["fc1.weight", [120, 400]], ["fc1.bias", [120]], ["fc2.weight", [84, 120]], ["fc2.bias", [84]],
      ["fc3.weight", [10, 84]], ["fc3.bias", [10]],
    ]);
    const files = readdirSync(summary.runDir).sort();
    expect(files.filter((f) => !f.startsWith("events.out.tfevents."))).toEqual(
      ["checkpoint.safetensors", "embeddings", "model.safetensors", "projector_config.pbtxt", "run.json"]);
    expect(files.filter((f) => f.startsWith("events.out.tfevents."))).toHaveLength(1); // and no temporary files left behind
  });

  it("ends with the result and the commands to run next, its progress lines naming what they count", () => {
    const logdir = tempDir();
    const { code, stdout, stderr } = lenetLab("train", "--iterations", "20", "--eval-every", "10", "--batch-size", "32", "--logdir", logdir);
    expect(code, stderr).toBe(0);
    const runDir = join(logdir, "relu-adam-lr0.01-b32-it20");
    const result = new RegExp(`^relu-adam-lr0\\.01-b32-it20: test accuracy \\d+\\.\\d\\d%, test loss \\d\\.\\d{4} after 20 iterations \\([\\d.]+ s, (\\d+) train img/s\\) → ${runDir}$`, "m");
    expect(stdout).toMatch(result);
    // The last progress line counts images per second as the result line does (time in training steps alone).
    const lines = stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^relu-adam-lr0\.01-b32-it20 {2}iter 20\/20 {2}train loss \d\.\d{4} {2}test loss \d\.\d{4} {2}test acc \d+\.\d\d% {2}(\d+) train img\/s/);
    expect(/(\d+) train img\/s/.exec(lines[1]!)![1]).toBe(result.exec(stdout)![1]);
    expect(stdout).toContain("Next:");
    expect(stdout).toMatch(new RegExp(`npx lenet-lab board ${logdir} +the dashboard`));
    expect(stdout).toMatch(new RegExp(`npx lenet-lab features ${runDir} +this run's fc2 feature maps`));
    expect(stdout).toMatch(new RegExp(`npx lenet-lab report ${logdir} +the written report of every run \\(${logdir}/report/index\\.html\\)`));
  });

  it.each([
    [["--lr", "abc"], /--lr must be a number > 0, got "abc"/],
    [["--activation", "foo"], /valid activations: relu, sigmoid/],
    [["--batch-size", "0"], /--batch-size must be an integer ≥ 1/],
    [["--no-such-option"], /unknown option '--no-such-option'/],
  ])("rejects %j with exit code 2, a clear message, and nothing written", (args, message) => {
    const logdir = join(tempDir(), "runs");
    const { code, stderr } = lenetLab("train", "--logdir", logdir, ...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(existsSync(logdir)).toBe(false);
  });

  it("refuses a logdir that is a file, leaving the file untouched", () => {
    const file = join(tempDir(), "not-a-dir");
    writeFileSync(file, "precious");
    const { code, stderr } = lenetLab("train", "--logdir", file, "--iterations", "1");
    expect(code).toBe(2);
    expect(stderr).toMatch(/logdir .*not-a-dir is a file, not a directory/);
    expect(readFileSync(file, "utf8")).toBe("precious");
  });

  it("refuses to reuse an existing run directory unless --overwrite is given", () => {
    const logdir = tempDir();
    mkdirSync(join(logdir, "mine"));
    writeFileSync(join(logdir, "mine", "run.json"), "{}");
    const refused = lenetLab("train", "--logdir", logdir, "--run-name", "mine", "--iterations", "2", "--eval-every", "2");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already exists; continue it with --resume .*mine, choose another --run-name, or pass --overwrite/);
    expect(readFileSync(join(logdir, "mine", "run.json"), "utf8")).toBe("{}");
    const replaced = lenetLab("train", "--logdir", logdir, "--run-name", "mine", "--iterations", "2", "--eval-every", "2", "--overwrite");
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(logdir, "mine", "run.json"), "utf8")).iterations).toBe(2);
  });

  it("names a --data-dir that lacks a file, with exit code 1", () => {
    const dir = tempDir();
    const { code, stderr } = lenetLab("train", "--data-dir", dir, "--logdir", join(dir, "runs"));
    expect(code).toBe(1);
    expect(stderr).toMatch(/train-images-idx3-ubyte: not found \(nor train-images-idx3-ubyte\.gz\)/);
  });

  it("prints help with every option and exits 0", () => {
    const { code, stdout } = lenetLab("train", "--help");
    expect(code).toBe(0);
    for (const option of ["--activation", "--optimizer", "--lr", "--batch-size", "--iterations", "--epochs", "--eval-every",
      "--init-mean", "--init-std", "--seed", "--dataset", "--data-dir", "--logdir", "--run-name", "--json"]) {
      expect(stdout).toContain(option);
    }
  });
});

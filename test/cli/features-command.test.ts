// `lenet-lab features RUN_DIR` as a user runs it: the built CLI in a child process,
// on run directories with real checkpoints (seeded random weights, no
// training) and the real MNIST.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodePng } from "../../src/io/png.js";
import { tempDir } from "../idx-files.js";
import { writeFakeRun } from "../figures/fake-run.js";
import { lenetLab } from "../cli-process.js";

describe("lenet-lab features", () => {
  it("writes the fc2 maps of a run, with a seeded random pick on a shared scale in gray", () => {
    const { runDir } = writeFakeRun(tempDir(), { activation: "relu" });
    const { code, stdout, stderr } = lenetLab("features", runDir, "--pick", "random", "--seed", "3", "--scale", "shared", "--colormap", "gray");
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`fc2 maps of 100 test images per digit → ${runDir}/fc2`);
    const indices = JSON.parse(readFileSync(join(runDir, "fc2", "indices.json"), "utf8"));
    expect(indices).toMatchObject({ pick: "random", seed: 3, perDigit: 100, colormap: "gray", scale: { rule: "shared" } });
    expect(indices.indices).toHaveLength(10);
    for (let d = 0; d < 10; d++) expect(existsSync(join(runDir, "fc2", `digit-${d}.png`))).toBe(true);
    // What the run gets wrong: the labelled confusion matrix and its surest mistakes, as real PNGs.
    expect(stdout).toContain(`confusion matrix and surest mistakes → ${runDir}/confusion.png, misclassified.png`);
    const confusion = decodePng(readFileSync(join(runDir, "confusion.png")));
    const misclassified = decodePng(readFileSync(join(runDir, "misclassified.png")));
    expect(confusion.width).toBeGreaterThan(2 * 400);
    expect(misclassified.width).toBeGreaterThan(2 * 8 * 56);
  });

  it.each([
    [["--pick", "best"], /option '--pick <rule>' argument 'best' is invalid/],
    [["--seed", "4"], /--seed only applies with --pick random/],
    [["--per-digit", "0"], /--per-digit must be an integer ≥ 1/],
    [["--colormap", "jet"], /option '--colormap <name>' argument 'jet' is invalid/],
  ])("rejects %j with exit code 2", (args, message) => {
    const { runDir } = writeFakeRun(tempDir());
    const { code, stderr } = lenetLab("features", runDir, ...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(existsSync(join(runDir, "fc2"))).toBe(false);
  });

  it("names a directory that is not a finished run, and a damaged model, with exit code 1", () => {
    const dir = tempDir();
    const notRun = lenetLab("features", dir);
    expect(notRun.code).toBe(1);
    expect(notRun.stderr).toMatch(/run\.json not found: .* is not a finished run directory/);
    const { runDir } = writeFakeRun(dir);
    writeFileSync(join(runDir, "model.safetensors"), "short");
    const damaged = lenetLab("features", runDir);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/model\.safetensors: shorter than the 8-byte header length; the file is truncated/);
    expect(damaged.stderr).not.toMatch(/at .*\.js:\d+/); // a message, not a stack trace
  });
});

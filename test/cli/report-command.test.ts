// `lenet-lab report LOGDIR` as a user runs it: the built CLI in a child process,
// on run directories with real checkpoints (seeded random weights, no
// training) and the real MNIST.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../idx-files.js";
import { writeFakeRun } from "../figures/fake-run.js";
import { lenetLab } from "../cli-process.js";

describe("lenet-lab report", () => {
  it("writes the report of a logdir, making the fc2 maps it needs", () => {
    const logdir = tempDir();
    writeFakeRun(logdir, { activation: "relu" });
    writeFakeRun(logdir, { activation: "sigmoid" });
    const { code, stdout, stderr } = lenetLab("report", logdir);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`2 runs (relu-adam-lr0.01-seed5, sigmoid-adam-lr0.01-seed5) → ${join(logdir, "report", "index.html")}`);
    expect(existsSync(join(logdir, "relu-adam-lr0.01-seed5", "fc2", "digit-0.png"))).toBe(true);
    expect(existsSync(join(logdir, "compare", "fc2-all-digits.png"))).toBe(true);
    expect(readFileSync(join(logdir, "report", "report.md"), "utf8")).toContain("## Findings");
  });

  it("refuses a logdir that does not exist, with exit code 2", () => {
    const { code, stderr } = lenetLab("report", join(tempDir(), "nope"));
    expect(code).toBe(2);
    expect(stderr).toMatch(/logdir .*nope is not a directory/);
  });
});

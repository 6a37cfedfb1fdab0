// The `lenet-lab` program itself as a user runs it (the built CLI in a child
// process): its version, and what it says when a list is given with spaces
// instead of commas, which the argument parser alone reports only as "too
// many arguments".

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../idx-files.js";
import { lenetLab } from "../cli-process.js";

describe("lenet-lab", () => {
  it("prints its version from package.json with --version (and -V), exit code 0", () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const { code, stdout } = lenetLab(flag);
      expect(code).toBe(0);
      expect(stdout.trim()).toBe(version);
    }
    expect(lenetLab("--help").stdout).toContain("--version");
  });

  it.each([
    [["compare", "--activation", "relu", "sigmoid"], "--activation takes a list with commas and no spaces: --activation relu,sigmoid"],
    [["compare", "--lr", "0.1", "0.01", "0.001", "--seeds", "0"], "--lr takes a list with commas and no spaces: --lr 0.1,0.01,0.001"],
    [["compare", "--optimizer", "adam,", "sgd"], "--optimizer takes a list with commas and no spaces: --optimizer adam,sgd"],
    [["train", "--activation", "relu", "sigmoid"],
      '--activation takes one value; "sigmoid" is left over. To train one run for each, use: npx lenet-lab compare --activation relu,sigmoid'],
  ])("shows the comma form of a list given with spaces: %j", (args, hint) => {
    const logdir = join(tempDir(), "runs");
    const { code, stderr } = lenetLab(...args, "--logdir", logdir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/too many arguments/);
    expect(stderr).toContain(`lenet-lab: ${hint}\n`);
    expect(existsSync(logdir)).toBe(false);
  });
});

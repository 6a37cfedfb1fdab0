// The `lenet-lab` program itself as a user runs it (the built CLI in a child
// process): its version, and what it says when a list is given with spaces
// instead of commas, which the argument parser alone reports only as "too
// many arguments". And that a command loads only its own modules.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../idx-files.js";
import { CLI, lenetLab } from "../cli-process.js";

/** Which of the CommonJS packages `watched` a `lenet-lab ...args` process has loaded when it exits (seen in its module cache). */
function packagesLoaded(args: string[], watched: string[]): string[] {
  const hook = join(tempDir(), "report-loaded.cjs");
  writeFileSync(hook, `process.on("exit", () => {
  const files = Object.keys(require.cache);
  const loaded = ${JSON.stringify(watched)}.filter((name) => files.some((file) => file.includes("/node_modules/" + name + "/")));
  process.stderr.write("\\nloaded: " + JSON.stringify(loaded) + "\\n");
});
`);
  const result = spawnSync(process.execPath, ["--require", hook, CLI, ...args], { encoding: "utf8", timeout: 60_000 });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(/loaded: (.*)/.exec(result.stderr)?.[1] ?? "null") as string[];
}

describe("lenet-lab", () => {
  it("loads only the command it runs: train does not load the Redis client or the rasteriser, which the full help does", () => {
    const watched = ["ioredis", "@resvg/resvg-js"];
    expect(packagesLoaded(["train", "--help"], watched)).toEqual([]);
    expect(packagesLoaded(["--help"], watched).sort()).toEqual([...watched].sort());
  });

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

// `lenet-lab train --backend … --threads …` as a user runs it: the built CLI
// in a child process, on the real embedded MNIST. Both backends train and
// write the same kind of run; bad values exit with 2 before anything is written.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "../idx-files.js";
import { kernelBuild } from "../../src/engine/wasm/kernel-files.js";

const CLI = fileURLToPath(new URL("../../dist/src/cli/main.js", import.meta.url));

function lenetLab(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("lenet-lab train --backend / --threads", () => {
  for (const args of [["--backend", "wasm", "--threads", "2"], ["--backend", "js"]]) {
    it(`trains with ${args.join(" ")} and records the engine in run.json`, () => {
      const logdir = tempDir();
      const { code, stdout, stderr } = lenetLab("train", ...args, "--iterations", "40", "--eval-every", "40",
        "--summaries", "minimal", "--logdir", logdir, "--json");
      expect(code, stderr).toBe(0);
      const summary = JSON.parse(stdout.trim().split("\n").pop()!);
      expect(summary.testAccuracy).toBeGreaterThan(0.5);
      const run = JSON.parse(readFileSync(join(summary.runDir, "run.json"), "utf8"));
      expect(run.config.backend).toBe(args[1]);
      expect(run.config.threads).toBe(args[1] === "js" ? 1 : 2);
      // The build the backend chooses here (relaxed SIMD, or what LENET_LAB_WASM_BUILD asks for) is the one the child used.
      expect(run.engine).toEqual({ kernels: args[1] === "js" ? "js" : kernelBuild(), node: process.version });
    });
  }

  it("refuses --threads with the js backend, and an unknown backend, before writing anything", () => {
    const logdir = join(tempDir(), "runs");
    const js = lenetLab("train", "--backend", "js", "--threads", "2", "--logdir", logdir);
    expect(js.code).toBe(2);
    expect(js.stderr).toMatch(/--backend js runs on one thread; --threads 2 needs --backend wasm/);
    const gpu = lenetLab("train", "--backend", "gpu", "--logdir", logdir);
    expect(gpu.code).toBe(2);
    expect(gpu.stderr).toMatch(/unknown backend "gpu"; valid backends: wasm, js/);
    expect(existsSync(logdir)).toBe(false);
  });
});

// The WebAssembly kernels are built from source by `npm run build` (which
// `npm ci` runs through `prepare`): the build script compiles wasm/assembly
// with the npm package assemblyscript, twice (plain SIMD, and relaxed SIMD
// with fused multiply-adds), and the modules the backend loads are exactly
// what those sources compile to.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KERNEL_BUILD_ENV, kernelBuild, kernelModule, runsRelaxedSimd, wasmFilePath } from "../../src/engine/wasm/kernel-files.js";
import { nativeKernelsHere } from "./wasm-helpers.js";

const root = join(import.meta.dirname, "../..");
const asc = join(root, "node_modules/.bin/asc");

/** Which build a fresh Node process chooses with the environment variable set to `value`. */
function chosenBuild(value: string): { status: number; output: string } {
  const script = "import('./dist/src/engine/wasm/kernel-files.js').then((k) => console.log(k.kernelBuild()))" +
    ".catch((e) => { console.log(e.message); process.exitCode = 1; })";
  try {
    const output = execFileSync(process.execPath, ["-e", script], {
      cwd: root, encoding: "utf8", env: { ...process.env, [KERNEL_BUILD_ENV]: value },
    });
    return { status: 0, output: output.trim() };
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    return { status: failed.status, output: failed.stdout.trim() };
  }
}

describe("the wasm build", () => {
  it("is part of npm run build, both targets", () => {
    const scripts = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts as Record<string, string>;
    expect(scripts.build).toContain("asc --config wasm/asconfig.json --target release");
    expect(scripts.build).toContain("asc --config wasm/asconfig.json --target relaxed");
    expect(scripts.prepare).toContain("npm run build");
  });

  it.each([
    ["release", "simd"],
    ["relaxed", "relaxed-simd"],
  ] as const)("target %s is what wasm/assembly compiles to", (target, build) => {
    const out = join(mkdtempSync(join(tmpdir(), "lenet-wasm-")), "kernels.wasm");
    execFileSync(asc, ["--config", "wasm/asconfig.json", "--target", target, "--outFile", out], { cwd: root, stdio: "pipe" });
    expect(readFileSync(wasmFilePath(build)).equals(readFileSync(out))).toBe(true);
  }, 120_000);

  it("the two builds differ, and the plain one is valid without relaxed SIMD", () => {
    const plain = readFileSync(wasmFilePath("simd")), relaxed = readFileSync(wasmFilePath("relaxed-simd"));
    expect(plain.equals(relaxed)).toBe(false);
    expect(WebAssembly.validate(plain)).toBe(true);
  });

  it("the backend uses the native kernels where they built, else the relaxed build where the runtime runs it (Node 20: behind a flag it switches on), unless told otherwise", () => {
    expect(runsRelaxedSimd()).toBe(true);
    // `LENET_LAB_WASM_BUILD=simd npm test` runs every test on the plain build.
    const wanted = process.env[KERNEL_BUILD_ENV];
    const chosen = wanted === "simd" || wanted === "relaxed-simd" ? wanted : nativeKernelsHere() ? "native-avx512" : "relaxed-simd";
    expect(kernelBuild()).toBe(chosen);
    const module = kernelModule();
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: "env", name: "memory", kind: "memory" }]);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain("conv2dBackward");
  });

  it(`${KERNEL_BUILD_ENV} chooses a build, and a wrong value is refused with the choices`, () => {
    expect(chosenBuild("simd")).toEqual({ status: 0, output: "simd" });
    expect(chosenBuild("relaxed-simd")).toEqual({ status: 0, output: "relaxed-simd" });
    const here = nativeKernelsHere();
    expect(chosenBuild("")).toEqual({ status: 0, output: here ? "native-avx512" : "relaxed-simd" });
    expect(chosenBuild("native")).toEqual(here ? { status: 0, output: "native-avx512" } : { status: 1, output: expect.stringContaining("native kernels are not built") });
    const wrong = chosenBuild("avx");
    expect(wrong.status).toBe(1);
    expect(wrong.output).toContain(`${KERNEL_BUILD_ENV}=avx is not a kernel build; use native or one of simd, relaxed-simd`);
  });
});

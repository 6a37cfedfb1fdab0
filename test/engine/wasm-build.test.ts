// The WebAssembly kernels are built from source by `npm run build` (which
// `npm ci` runs through `prepare`): the build script compiles wasm/assembly
// with the npm package assemblyscript, and the module the backend loads is
// exactly what those sources compile to.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kernelModule, wasmFilePath } from "../../src/engine/wasm/kernels.js";

const root = join(import.meta.dirname, "../..");

describe("the wasm build", () => {
  it("is part of npm run build", () => {
    const scripts = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts as Record<string, string>;
    expect(scripts.build).toContain("asc --config wasm/asconfig.json");
    expect(scripts.prepare).toContain("npm run build");
  });

  it("the loaded module is what wasm/assembly compiles to, with SIMD, a shared memory and no other import", () => {
    const out = join(mkdtempSync(join(tmpdir(), "lenet-wasm-")), "kernels.wasm");
    const asc = join(root, "node_modules/.bin/asc");
    execFileSync(asc, ["--config", "wasm/asconfig.json", "--target", "release", "--outFile", out], { cwd: root, stdio: "pipe" });
    expect(readFileSync(wasmFilePath()).equals(readFileSync(out))).toBe(true);

    const module = kernelModule();
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: "env", name: "memory", kind: "memory" }]);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain("conv2dBackward");
  }, 120_000);
});

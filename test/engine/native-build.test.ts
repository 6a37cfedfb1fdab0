// The optional native kernels are built at install (`npm ci` runs the
// package's install script, scripts/build-native.mjs) from native/ with npm's
// node-gyp, and the file the backend loads is exactly what those sources
// compile to here. Where they cannot be built, the install goes on and says
// why. What they compute is tested with the wasm kernels' tests
// (wasm-kernels.test.ts runs every kernel on them too).

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nativeKernelsHere } from "./wasm-helpers.js";

const root = join(import.meta.dirname, "../..");
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of what the build needs (binding.gyp, native/, the script), so that building it cannot disturb the checkout's build/. */
function buildTree(): string {
  const dir = mkdtempSync(join(tmpdir(), "lenet-native-"));
  made.push(dir);
  mkdirSync(join(dir, "scripts"));
  cpSync(join(root, "binding.gyp"), join(dir, "binding.gyp"));
  cpSync(join(root, "native"), join(dir, "native"), { recursive: true });
  cpSync(join(root, "scripts/build-native.mjs"), join(dir, "scripts/build-native.mjs"));
  return dir;
}

function runBuild(dir: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, ["scripts/build-native.mjs"], { cwd: dir, encoding: "utf8", env: { ...process.env, ...env }, timeout: 300_000 });
}

describe("the native kernels' build", () => {
  it("is the package's install script, and ships with the package", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(pkg.scripts.install).toBe("node scripts/build-native.mjs");
    expect(pkg.files).toEqual(expect.arrayContaining(["binding.gyp", "native", "scripts/build-native.mjs"]));
  });

  it.runIf(nativeKernelsHere())("gives, rebuilt from source, byte for byte the file the backend loads", () => {
    const dir = buildTree();
    const built = runBuild(dir);
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toContain("native AVX-512 kernels built");
    const loaded = readFileSync(join(root, "build/Release/lenet_kernels.node"));
    expect(readFileSync(join(dir, "build/Release/lenet_kernels.node")).equals(loaded)).toBe(true);
  }, 300_000);

  it("is skipped, with the reason and a clean exit, when LENET_LAB_NATIVE=0", () => {
    const dir = buildTree();
    const skipped = runBuild(dir, { LENET_LAB_NATIVE: "0" });
    expect(skipped.status).toBe(0);
    expect(skipped.stdout).toContain("native kernels not built (LENET_LAB_NATIVE=0); the WebAssembly kernels do all the work");
    expect(existsSync(join(dir, "build"))).toBe(false);
  });

  it("fails softly when the sources do not compile: the install goes on, wasm does the work", () => {
    const dir = buildTree();
    cpSync(join(dir, "native/lenet-kernels.cc"), join(dir, "native/broken.cc"));
    rmSync(join(dir, "native/lenet-kernels.cc"));
    const failed = runBuild(dir);
    expect(failed.status).toBe(0);
    expect(failed.stdout).toMatch(/native kernels not built \((node-gyp failed, output above|this CPU lacks [^)]*)\); the WebAssembly kernels do all the work/);
    expect(existsSync(join(dir, "build"))).toBe(false);
  }, 120_000);
});

// The kernels as a Node process finds them: the built files in dist/wasm/,
// which build this runtime runs (relaxed SIMD behind a V8 flag in Node 20, or
// the plain one; LENET_LAB_WASM_BUILD chooses), compiled once per process. A
// browser page finds its builds its own way (the dashboard's Train page); the
// kernels and what they compute are the same.

import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { KERNEL_BUILD_FILES, KernelBuild } from "./kernels.js";

/** Set to "simd" to use the plain build even where relaxed SIMD runs (to compare the two). */
export const KERNEL_BUILD_ENV = "LENET_LAB_WASM_BUILD";

/**
 * Where a build is: dist/wasm/ next to dist/src/ when this file runs
 * compiled, or the repository's dist/wasm/ when it runs from source (tests).
 */
export function wasmFilePath(build: KernelBuild = "simd"): string {
  const file = KERNEL_BUILD_FILES[build];
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, "../../../wasm", file), resolve(here, "../../../dist/wasm", file)];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`${file} not found (looked in ${candidates.join(" and ")}); ` +
      "build it with `npm run build` (it compiles wasm/assembly with AssemblyScript), or use --backend js");
  }
  return found;
}

/** runsRelaxedSimd()'s answer, a property of the process: asked once. */
let relaxedSimdRuns: boolean | undefined;

/**
 * Whether this runtime runs relaxed SIMD. Node 20's V8 has it behind a flag,
 * which is switched on here (V8 reads it when it compiles a module; flags are
 * per process, so worker threads share it); later Node versions have it on.
 * The answer is the runtime's own: it validates the relaxed build.
 */
export function runsRelaxedSimd(): boolean {
  if (relaxedSimdRuns === undefined) {
    const bytes = readFileSync(wasmFilePath("relaxed-simd"));
    relaxedSimdRuns = WebAssembly.validate(bytes);
    if (!relaxedSimdRuns) {
      setFlagsFromString("--experimental-wasm-relaxed-simd");
      relaxedSimdRuns = WebAssembly.validate(bytes);
    }
  }
  return relaxedSimdRuns;
}

/** Compiles one build (the relaxed one only where runsRelaxedSimd()). */
export function compileKernelBuild(build: KernelBuild): WebAssembly.Module {
  if (build === "relaxed-simd" && !runsRelaxedSimd()) {
    throw new Error(`this runtime (Node ${process.version}) cannot run relaxed SIMD; use the plain build ("simd")`);
  }
  return new WebAssembly.Module(readFileSync(wasmFilePath(build)));
}

/** The build to use: relaxed SIMD where it runs, unless LENET_LAB_WASM_BUILD says otherwise. */
function chooseBuild(): KernelBuild {
  const wanted = process.env[KERNEL_BUILD_ENV];
  if (wanted === "simd" || wanted === "relaxed-simd") return wanted;
  if (wanted !== undefined && wanted !== "") {
    throw new Error(`${KERNEL_BUILD_ENV}=${wanted} is not a kernel build; use one of ${Object.keys(KERNEL_BUILD_FILES).join(", ")}, or unset it`);
  }
  return runsRelaxedSimd() ? "relaxed-simd" : "simd";
}

let cachedKernels: { module: WebAssembly.Module; build: KernelBuild } | null = null;

function loadKernels(): { module: WebAssembly.Module; build: KernelBuild } {
  if (!cachedKernels) {
    const build = chooseBuild();
    cachedKernels = { module: compileKernelBuild(build), build };
  }
  return cachedKernels;
}

/** The compiled module of the chosen build (compiled once per thread; a Module can also be handed to workers). */
export function kernelModule(): WebAssembly.Module {
  return loadKernels().module;
}

/** Which build kernelModule() is. */
export function kernelBuild(): KernelBuild {
  return loadKernels().build;
}

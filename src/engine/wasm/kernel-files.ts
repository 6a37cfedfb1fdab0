// The kernels as a Node process finds them: the built files in dist/wasm/,
// which build this runtime runs (relaxed SIMD behind a V8 flag in Node 20, or
// the plain one), compiled once per process, and whether the optional native
// kernels (src/engine/native) take over the convolutions, dense layers and pooling.
// LENET_LAB_WASM_BUILD chooses; by default the native kernels where they were
// built and run, over the relaxed build where it runs. A browser page finds
// its builds its own way (the dashboard's Train page).

import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { nativeAvailability, nativeBuildName } from "../native/native-kernels.js";
import { KERNEL_BUILD_FILES, KernelBuild, KernelName } from "./kernels.js";

/**
 * Set to "simd" or "relaxed-simd" to use that wasm build alone (no native
 * kernels; "simd" also where relaxed SIMD runs, to compare the two), or to
 * "native" to require the native kernels.
 */
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

/** The kernels a process uses: a wasm build, and whether the native kernels take over (and their name). */
interface KernelChoice {
  build: KernelBuild;
  native: KernelName | null;
}

/** The choice: LENET_LAB_WASM_BUILD's, or native where available over relaxed SIMD where it runs. */
function chooseKernels(): KernelChoice {
  const wanted = process.env[KERNEL_BUILD_ENV];
  if (wanted === "simd" || wanted === "relaxed-simd") return { build: wanted, native: null };
  const build: KernelBuild = runsRelaxedSimd() ? "relaxed-simd" : "simd";
  const { addon, reason } = nativeAvailability();
  if (wanted === "native") {
    if (!addon) throw new Error(`${KERNEL_BUILD_ENV}=native, but the native kernels are ${reason}`);
    return { build, native: nativeBuildName(addon) };
  }
  if (wanted !== undefined && wanted !== "") {
    throw new Error(`${KERNEL_BUILD_ENV}=${wanted} is not a kernel build; use native or one of ` +
      `${Object.keys(KERNEL_BUILD_FILES).join(", ")}, or unset it`);
  }
  return { build, native: addon ? nativeBuildName(addon) : null };
}

let cachedKernels: (KernelChoice & { module: WebAssembly.Module }) | null = null;

function loadKernels(): KernelChoice & { module: WebAssembly.Module } {
  if (!cachedKernels) {
    const choice = chooseKernels();
    cachedKernels = { ...choice, module: compileKernelBuild(choice.build) };
  }
  return cachedKernels;
}

/** The compiled module of the chosen wasm build (compiled once per thread; a Module can also be handed to workers). */
export function kernelModule(): WebAssembly.Module {
  return loadKernels().module;
}

/** The wasm build kernelModule() is (the one a page would run to compute the same as this process without native kernels). */
export function wasmKernelBuild(): KernelBuild {
  return loadKernels().build;
}

/** Whether the native kernels take over kernelModule()'s convolutions, dense layers and pooling. */
export function usesNativeKernels(): boolean {
  return loadKernels().native !== null;
}

/**
 * The kernels this process computes with, as run.json records them: the
 * native build's name ("native-avx512", over the wasm build for the rest) or
 * the wasm build's.
 */
export function kernelBuild(): KernelName {
  const { build, native } = loadKernels();
  return native ?? build;
}

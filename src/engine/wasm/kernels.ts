// Loading lenet-kernels.wasm (built from wasm/assembly by `npm run build`)
// and the TypeScript face of its exports. The module imports one shared
// memory and allocates nothing: every pointer is a byte offset that the
// caller laid out (memory-layout.ts). This file knows where the built file
// lives and what each export takes; it does not know LeNet.

import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";

/** Largest memory the module accepts, in 64 KiB pages (4 GiB: the whole wasm32 address space). */
export const MAXIMUM_PAGES = 65536;
export const PAGE_BYTES = 65536;

/** Pointers (byte offsets) are numbers; 0 means "none" where a kernel allows it. */
type Ptr = number;

/** The exports of lenet-kernels.wasm; the math of each is in its AssemblyScript file. */
export interface WasmKernels {
  /** C[m,n] = (acc ? C : 0) + Σ_k A(m,k)·B[k,n], A(m,k) at a + 4(m·aRow + k·aCol). */
  gemmNN(c: Ptr, ldc: number, a: Ptr, aRow: number, aCol: number, b: Ptr, ldb: number, M: number, N: number, K: number, accumulate: number): void;
  /** C[m,n] = (acc ? C : 0) + (bias ? bias[n] : 0) + Σ_k A[m,k]·B[n,k]. */
  gemmNT(c: Ptr, ldc: number, a: Ptr, lda: number, b: Ptr, ldb: number, M: number, N: number, K: number, accumulate: number, bias: Ptr): void;
  conv2dForward(out: Ptr, inp: Ptr, weight: Ptr, bias: Ptr, col: Ptr, B: number, C: number, H: number, W: number, OC: number, K: number): void;
  conv2dBackward(dinp: Ptr, dweight: Ptr, dbias: Ptr, dout: Ptr, inp: Ptr, weight: Ptr, col: Ptr, B: number, C: number, H: number, W: number, OC: number, K: number): void;
  denseForward(out: Ptr, inp: Ptr, weight: Ptr, bias: Ptr, B: number, IN: number, OUT: number): void;
  denseBackward(dinp: Ptr, dweight: Ptr, dbias: Ptr, dout: Ptr, inp: Ptr, weight: Ptr, B: number, IN: number, OUT: number, accumulateInput: number): void;
  maxPoolForward(out: Ptr, inp: Ptr, B: number, C: number, H: number, W: number): void;
  maxPoolBackward(dinp: Ptr, dout: Ptr, inp: Ptr, out: Ptr, B: number, C: number, H: number, W: number, accumulate: number): void;
  activationForward(kind: number, out: Ptr, inp: Ptr, n: number): void;
  activationBackward(kind: number, dinp: Ptr, dout: Ptr, inp: Ptr, out: Ptr, n: number, accumulate: number): void;
  sgdStep(p: Ptr, g: Ptr, n: number, lr: number): void;
  adamStep(p: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, stepSize: number, beta1: number, beta2: number,
    sqrtCorrection2: number, epsilon: number, decay: number): void;
  addInto(dst: Ptr, src: Ptr, n: number): void;
  zeroBytes(p: Ptr, bytes: number): void;
  /** out[b] = src[b] (28×28 uint8) / 255, zero-padded to 32×32 f32, for b in [0, count). */
  padImages(out: Ptr, src: Ptr, count: number): void;
}

/** Bytes the kernels may read past the end of a buffer (the last partial vector); every layout leaves this much slack. */
export const READ_SLACK_BYTES = 16;

/**
 * The two builds of the same kernels (wasm/asconfig.json): "relaxed-simd" adds
 * up products with fused multiply-adds, "simd" with a multiply and an add.
 */
export const KERNEL_BUILDS = ["relaxed-simd", "simd"] as const;
export type KernelBuild = (typeof KERNEL_BUILDS)[number];

const BUILD_FILES: Record<KernelBuild, string> = {
  "simd": "lenet-kernels.wasm",
  "relaxed-simd": "lenet-kernels-relaxed.wasm",
};

/** Set to "simd" to use the plain build even where relaxed SIMD runs (to compare the two). */
export const KERNEL_BUILD_ENV = "LENET_LAB_WASM_BUILD";

/**
 * Where a build is: dist/wasm/ next to dist/src/ when this file runs
 * compiled, or the repository's dist/wasm/ when it runs from source (tests).
 */
export function wasmFilePath(build: KernelBuild = "simd"): string {
  const file = BUILD_FILES[build];
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
    throw new Error(`${KERNEL_BUILD_ENV}=${wanted} is not a kernel build; use one of ${Object.keys(BUILD_FILES).join(", ")}, or unset it`);
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

/** A shared memory of `pages` pages that may grow to MAXIMUM_PAGES (growing never detaches its views). */
export function createSharedMemory(pages: number): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: pages, maximum: MAXIMUM_PAGES, shared: true });
}

/** Instantiates the kernels on `memory` (synchronously: the module is small). */
export function instantiateKernels(memory: WebAssembly.Memory, module: WebAssembly.Module = kernelModule()): WasmKernels {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as WasmKernels;
}

/** Grows memory (if needed) so that it holds at least `bytes` bytes. */
export function ensureMemoryBytes(memory: WebAssembly.Memory, bytes: number): void {
  const pages = Math.ceil(bytes / PAGE_BYTES);
  const current = memory.buffer.byteLength / PAGE_BYTES;
  if (pages > MAXIMUM_PAGES) {
    throw new RangeError(`the WebAssembly backend would need ${(bytes / 2 ** 30).toFixed(1)} GiB, more than wasm32's 4 GiB; ` +
      "use a smaller batch, or --backend js");
  }
  if (pages > current) memory.grow(pages - current);
}

// The TypeScript face of lenet-kernels.wasm's exports (built from
// wasm/assembly by `npm run build`), and instantiating it. The module imports
// one shared memory and allocates nothing: every pointer is a byte offset that
// the caller laid out (memory-layout.ts). This file knows what each export
// takes and runs in Node and in a browser alike; where a Node process finds the
// built files is kernel-files.ts. It does not know LeNet.

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
  /** The index of the first NaN or infinite value of p[0, n), or −1. */
  firstNonFinite(p: Ptr, n: number): number;
  /** out[b] = src[b] (28×28 uint8) / 255, zero-padded to 32×32 f32, for b in [0, count). */
  padImages(out: Ptr, src: Ptr, count: number): void;
}

/**
 * Replaces some of an instance's kernels with others that compute the same
 * on the same memory (Node's optional native kernels, src/engine/native).
 */
export type KernelAccelerator = (kernels: WasmKernels, memory: WebAssembly.Memory) => WasmKernels;

/** Bytes the kernels may read past the end of a buffer (the last partial vector); every layout leaves this much slack. */
export const READ_SLACK_BYTES = 16;

/**
 * The two builds of the same kernels (wasm/asconfig.json): "relaxed-simd" adds
 * up products with fused multiply-adds, "simd" with a multiply and an add.
 */
export const KERNEL_BUILDS = ["relaxed-simd", "simd"] as const;
export type KernelBuild = (typeof KERNEL_BUILDS)[number];

/** The kernels a Node process may compute with: a wasm build, or native kernels over one (src/engine/native). */
export type KernelName = KernelBuild | `native-${string}`;

/** The file of each build, in dist/wasm/ (and beside the dashboard's page). */
export const KERNEL_BUILD_FILES: Record<KernelBuild, string> = {
  "simd": "lenet-kernels.wasm",
  "relaxed-simd": "lenet-kernels-relaxed.wasm",
};

/** A shared memory of `pages` pages that may grow to MAXIMUM_PAGES (growing never detaches its views). */
export function createSharedMemory(pages: number): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: pages, maximum: MAXIMUM_PAGES, shared: true });
}

/** Instantiates the kernels on `memory` (synchronously: the module is small). */
export function instantiateKernels(memory: WebAssembly.Memory, module: WebAssembly.Module): WasmKernels {
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

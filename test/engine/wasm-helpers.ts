// Helpers for the WebAssembly backend's tests: a memory with a bump allocator
// to put arrays in and read them back, and the relative difference the kernel
// tests bound. Nothing here is under test itself.

import {
  KERNEL_BUILDS, KernelBuild, READ_SLACK_BYTES, WasmKernels, createSharedMemory, ensureMemoryBytes, instantiateKernels,
} from "../../src/engine/wasm/kernels.js";
import { compileKernelBuild, kernelModule } from "../../src/engine/wasm/kernel-files.js";
import { accelerateNatively, nativeAvailability } from "../../src/engine/native/native-kernels.js";

/** The native kernels over the relaxed build, as the kernel tests name them. */
export const NATIVE = "native" as const;
export type TestedKernels = KernelBuild | typeof NATIVE;

/**
 * Set (CI sets it where the CPU has AVX-512) to fail, not skip, when the
 * native kernels did not build: they must then be tested.
 */
const REQUIRE_NATIVE = process.env.LENET_LAB_REQUIRE_NATIVE === "1";

/** Whether the native kernels are here to test (an error if they must be and are not). */
export function nativeKernelsHere(): boolean {
  const { addon, reason } = nativeAvailability();
  if (!addon && REQUIRE_NATIVE) throw new Error(`LENET_LAB_REQUIRE_NATIVE=1, but the native kernels are ${reason}`);
  return addon !== null;
}

/** Every set of kernels this machine can test: both wasm builds, and the native kernels where they built. */
export const TESTED_KERNELS: readonly TestedKernels[] = [...KERNEL_BUILDS, ...(nativeKernelsHere() ? [NATIVE] : [])];


const modules = new Map<KernelBuild, WebAssembly.Module>();

/** One build's module, compiled once per test file. */
function moduleOf(build: KernelBuild): WebAssembly.Module {
  let module = modules.get(build);
  if (!module) modules.set(build, module = compileKernelBuild(build));
  return module;
}

/** A memory with the kernels of one build (by default the wasm build the backend chooses), or the native ones over the relaxed build. */
export class TestMemory {
  readonly memory = createSharedMemory(16);
  readonly kernels: WasmKernels;

  constructor(build?: TestedKernels) {
    if (build === NATIVE) {
      this.kernels = accelerateNatively(instantiateKernels(this.memory, moduleOf("relaxed-simd")), this.memory);
    } else {
      this.kernels = instantiateKernels(this.memory, build ? moduleOf(build) : kernelModule());
    }
  }
  private next = 1024;

  /** Copies values (rounded to float32) into fresh memory; returns its byte offset. */
  put(values: ArrayLike<number>): number {
    const ptr = this.alloc(values.length);
    new Float32Array(this.memory.buffer, ptr, values.length).set(values);
    return ptr;
  }

  alloc(floats: number): number {
    const ptr = this.next;
    this.next += Math.ceil((floats * 4 + READ_SLACK_BYTES) / 16) * 16;
    ensureMemoryBytes(this.memory, this.next);
    return ptr;
  }

  read(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n).slice();
  }
}

/**
 * Largest |actual − expected| relative to max(|expected|, floorFraction · max |expected|):
 * plainly relative, except that values far below the array's scale (where
 * sums of many terms cancel) are measured against a fraction of that scale.
 * The fraction is 1 %: a float32 sum of fc1's 400 products that cancels to a
 * thousandth of the scale carries an error of ~1e-6 of the scale, and with a
 * 0.1 % floor 40 random fc1 draws measured up to 1.2e-4 (plain build) and
 * 1.4e-4 (fused multiply-add build) against the float64 reference.
 */
export function relativeDifference(actual: ArrayLike<number>, expected: ArrayLike<number>, floorFraction = 1e-2): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  const floor = Math.max(scale * floorFraction, 1e-30);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor));
  }
  return worst;
}

/** n values in [low, high) rounded to float32 and returned as float64 (so both backends see the same inputs). */
export function float32Values(values: Float64Array): Float64Array {
  return Float64Array.from(Float32Array.from(values));
}

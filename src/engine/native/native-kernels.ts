// The optional native kernels (native/lenet-kernels.cc): the convolutions,
// the dense layers, max pooling, and relu and sigmoid with AVX-512, built at
// install where a compiler and such a CPU exist (scripts/build-native.mjs).
// They take over those kernels of a WebAssembly instance and work on the same
// shared memory, so the network, its threads and its layout do not change;
// the wasm instance keeps the rest (the other activations, which the native
// ones hand back, the optimizers, input scaling). Node only: a page has no
// native code.

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { KernelAccelerator, KernelName, WasmKernels } from "../wasm/kernels.js";

/**
 * The kernels the addon computes; the others stay the wasm instance's. Its
 * activations compute the kinds it has (relu, sigmoid) and answer false for
 * the others, which the wasm kernels then compute.
 */
type NativeKernels = Pick<WasmKernels,
  "conv2dForward" | "conv2dBackward" | "denseForward" | "denseBackward" | "maxPoolForward" | "maxPoolBackward"> & {
  activationForward(...args: Parameters<WasmKernels["activationForward"]>): boolean;
  activationBackward(...args: Parameters<WasmKernels["activationBackward"]>): boolean;
};

interface NativeAddon {
  /** The vector extension it was built for. */
  isa: string;
  /** Whether this CPU runs the build (it may have been built elsewhere). */
  supported: boolean;
  /** The kernels on a memory, given as a byte view from its first byte. */
  bind(view: Uint8Array): NativeKernels;
}

/** What loading the addon found: the addon, or why there is none. */
export type NativeAvailability = { addon: NativeAddon; reason?: undefined } | { addon: null; reason: string };

let availability: NativeAvailability | undefined;

/** The built addon: build/Release/ at the package's root, from dist/src/engine/native or src/engine/native. */
function addonPath(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, "../../../../build/Release/lenet_kernels.node"), resolve(here, "../../../build/Release/lenet_kernels.node")];
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** Loads the addon once per thread; never throws (a missing or unusable build is a reason). */
export function nativeAvailability(): NativeAvailability {
  if (!availability) availability = loadAddon();
  return availability;
}

function loadAddon(): NativeAvailability {
  const path = addonPath();
  if (!path) return { addon: null, reason: "not built (npm run build:native builds them where the CPU has AVX-512 and g++ is installed)" };
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    if (!addon.supported) return { addon: null, reason: `built for ${addon.isa}, which this CPU does not run` };
    return { addon };
  } catch (error) {
    return { addon: null, reason: `${path} did not load: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The kernel build name of the native kernels, as run.json records it. */
export function nativeBuildName(addon: NativeAddon): KernelName {
  return `native-${addon.isa}`;
}

/** Replaces an instance's convolution, dense, pooling and (relu, sigmoid) activation kernels with the native ones on the same memory. */
export const accelerateNatively: KernelAccelerator = (kernels, memory) => {
  const { addon, reason } = nativeAvailability();
  if (!addon) throw new Error(`the native kernels are not available here: ${reason}`);
  const native = addon.bind(new Uint8Array(memory.buffer));
  const { activationForward, activationBackward } = native;
  return {
    ...kernels, ...native,
    activationForward: (...args) => void (activationForward(...args) || kernels.activationForward(...args)),
    activationBackward: (...args) => void (activationBackward(...args) || kernels.activationBackward(...args)),
  };
};

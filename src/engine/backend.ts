// Which engine computes a network: the WebAssembly SIMD kernels ("wasm", the
// default; optionally on several threads) or the plain TypeScript reference
// kernels ("js", one thread). Training, evaluation and the benchmarks create
// networks here and see only the Network interface.

import { availableParallelism } from "node:os";
import { fillBatch } from "../data/batches.js";
import { ImageSet } from "../data/datasets.js";
import { ActivationName } from "./layers/activations.js";
import { LeNet5 } from "./lenet.js";
import { Network } from "./network.js";
import { Optimizer, OptimizerName, createOptimizer } from "../optim/optimizers.js";
import { WasmLeNet5 } from "./wasm/wasm-lenet.js";
import { MAX_THREADS, PIXELS_PER_IMAGE } from "./wasm/memory-layout.js";
import { WASM_OPTIMIZERS, createWasmOptimizer } from "./wasm/wasm-optimizer.js";

export const BACKENDS = ["wasm", "js"] as const;
export type BackendName = (typeof BACKENDS)[number];
export const DEFAULT_BACKEND: BackendName = "wasm";

export function isBackendName(name: string): name is BackendName {
  return (BACKENDS as readonly string[]).includes(name);
}

/** The default thread count: every core of this machine (at most MAX_THREADS). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_THREADS));
}

export interface NetworkOptions {
  backend?: BackendName;
  /** Threads for the wasm backend (default: defaultThreads()); the js backend always uses one. */
  threads?: number;
  activation: ActivationName;
  initMean?: number;
  initStd?: number;
  seed?: number;
}

/**
 * A LeNet-5 on the chosen backend. Both start from the same weights for the
 * same seed. Call disposeNetwork when done with a multi-threaded one (its
 * worker threads do not keep the process alive, but they hold memory).
 */
export async function createNetwork(options: NetworkOptions): Promise<Network> {
  const backend = options.backend ?? DEFAULT_BACKEND;
  const lenet = { activation: options.activation, initMean: options.initMean, initStd: options.initStd, seed: options.seed };
  if (backend === "js") return new LeNet5(lenet);
  return WasmLeNet5.create({ ...lenet, threads: options.threads ?? defaultThreads() });
}

/** Stops a network's worker threads, if it has any. */
export async function disposeNetwork(network: Network): Promise<void> {
  if (network instanceof WasmLeNet5) await network.dispose();
}

/**
 * The optimizer for network: run by the WebAssembly kernels when the network
 * is a wasm one and the rule has a kernel (sgd, adam, adamw), else the
 * TypeScript one. Same rules, same state either way.
 */
export function createNetworkOptimizer(name: OptimizerName, network: Network): Optimizer {
  if (network instanceof WasmLeNet5 && WASM_OPTIMIZERS.includes(name)) return createWasmOptimizer(name, network);
  return createOptimizer(name, network.params);
}

/**
 * Runs network forward on images indices[0, count) of set and writes their
 * labels; returns the logits. The same as fillBatch into `input` followed by
 * network.forward(input, count), which is what it does for the js backend;
 * the wasm backend instead takes the images' uint8 pixels and lets every
 * thread scale and pad its own share (the same values), which keeps the main
 * thread from converting the whole batch alone.
 */
export function forwardImageSet(
  network: Network, set: ImageSet, indices: ArrayLike<number>, count: number, input: Float32Array, labels: Int32Array,
): Float32Array {
  if (!(network instanceof WasmLeNet5) || set.rows * set.cols !== PIXELS_PER_IMAGE) {
    fillBatch(input, labels, set, indices, count);
    return network.forward(input, count);
  }
  const pixels = network.pixelBuffer(count);
  let contiguous = true;
  for (let k = 0; k < count; k++) {
    labels[k] = set.labels[indices[k]];
    if (indices[k] !== indices[0] + k) contiguous = false;
  }
  if (contiguous) {
    pixels.set(set.images.subarray(indices[0] * PIXELS_PER_IMAGE, (indices[0] + count) * PIXELS_PER_IMAGE));
  } else {
    for (let k = 0; k < count; k++) {
      const start = indices[k] * PIXELS_PER_IMAGE;
      pixels.set(set.images.subarray(start, start + PIXELS_PER_IMAGE), k * PIXELS_PER_IMAGE);
    }
  }
  return network.forwardPixels(count);
}

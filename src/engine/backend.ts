// Which engine computes a network: the WebAssembly SIMD kernels ("wasm", the
// default; optionally on several threads) or the plain TypeScript reference
// kernels ("js", one thread). Training, evaluation and the benchmarks create
// networks here and see only the Network interface. Not here: which
// optimizer runs a network's update (src/optim/network-optimizer.ts), how a
// batch of images reaches it (src/train/image-staging.ts).

import { availableParallelism } from "node:os";
import { ActivationName } from "./layers/activations.js";
import { LeNet5, LeNetOptions } from "./lenet.js";
import { Network } from "./network.js";
import { KernelHost, WasmLeNet5 } from "./wasm/wasm-lenet.js";
import { MAX_THREADS } from "./wasm/memory-layout.js";
import { kernelModule, usesNativeKernels } from "./wasm/kernel-files.js";
import { accelerateNatively } from "./native/native-kernels.js";
import { startNodeThreadPool } from "./parallel/node-threads.js";

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
  return WasmLeNet5.create({ ...lenet, threads: options.threads ?? defaultThreads() }, nodeKernelHost());
}

/** The kernels of this process's chosen build (kernel-files.ts), native ones included, on Node's worker threads. */
export function nodeKernelHost(): KernelHost {
  const native = usesNativeKernels();
  return {
    module: kernelModule(),
    accelerate: native ? accelerateNatively : undefined,
    startThreads: (threads, memory, module) => startNodeThreadPool(threads, memory, module, native),
  };
}

/** A one-thread wasm network on this process's chosen kernels (native ones included), made at once (no threads to start). */
export function oneThreadNetwork(options: LeNetOptions): WasmLeNet5 {
  const host = nodeKernelHost();
  return new WasmLeNet5(options, host.module, undefined, null, host.accelerate);
}

/** Stops a network's worker threads, if it has any. */
export async function disposeNetwork(network: Network): Promise<void> {
  if (network instanceof WasmLeNet5) await network.dispose();
}

// Which implementation updates a network's parameters: the WebAssembly
// kernels when the network is a wasm one and the rule has a kernel, else the
// TypeScript rule over the flat parameter list. Same rules, same state.

import { Network } from "../engine/network.js";
import { WasmLeNet5 } from "../engine/wasm/wasm-lenet.js";
import { WASM_OPTIMIZERS, createWasmOptimizer } from "./wasm-optimizer.js";
import { Optimizer, OptimizerName, createOptimizer } from "./optimizers.js";

/**
 * The optimizer for network: run by the WebAssembly kernels when the network
 * is a wasm one and the rule has a kernel (sgd, adam, adamw), else the
 * TypeScript one. Same rules, same state either way.
 */
export function createNetworkOptimizer(name: OptimizerName, network: Network): Optimizer {
  if (network instanceof WasmLeNet5 && WASM_OPTIMIZERS.includes(name)) return createWasmOptimizer(name, network);
  return createOptimizer(name, network.params);
}

// sgd, adam and adamw updates run by the WebAssembly kernels (optim.ts in
// wasm/assembly) on the parameters of a WasmLeNet5, in place in its memory:
// the same rules, hyperparameters and state (step count, "firstMoment" and
// "secondMoment" buffers) as src/optim/optimizers.ts, so checkpoints move
// between backends. The other optimizers stay in TypeScript (createOptimizer).

import { DEFAULT_HYPERPARAMETERS, Optimizer, OptimizerName, optimizerFromUpdate } from "./optimizers.js";
import { WasmLeNet5 } from "../engine/wasm/wasm-lenet.js";
import { UPDATE_ADAM, UPDATE_SGD } from "../engine/wasm/parameter-update.js";

export const WASM_OPTIMIZERS: readonly OptimizerName[] = ["sgd", "adam", "adamw"];

export function createWasmOptimizer(name: OptimizerName, network: WasmLeNet5): Optimizer {
  if (!WASM_OPTIMIZERS.includes(name)) throw new Error(`no WebAssembly optimizer "${name}" (have: ${WASM_OPTIMIZERS.join(", ")})`);
  const { layout } = network;
  const h = DEFAULT_HYPERPARAMETERS;
  const n = layout.paramCount;
  const firstMoment = layout.optimizerState;
  const secondMoment = layout.optimizerState + n * 4;
  const buffers: Record<string, Float32Array> = name === "sgd" ? {} : {
    firstMoment: new Float32Array(network.memory.buffer, firstMoment, n),
    secondMoment: new Float32Array(network.memory.buffer, secondMoment, n),
  };
  for (const buffer of Object.values(buffers)) buffer.fill(0);
  // Every thread of the network updates its share of the parameters (parameter-update.ts).
  return optimizerFromUpdate(name, buffers, (lr, t) => {
    if (name === "sgd") {
      network.updateParameters({ rule: UPDATE_SGD, rate: lr, beta1: 0, beta2: 0, sqrtCorrection2: 0, epsilon: 0, decay: 0 });
      return;
    }
    network.updateParameters({
      rule: UPDATE_ADAM,
      rate: lr / (1 - Math.pow(h.beta1, t)),
      beta1: h.beta1,
      beta2: h.beta2,
      sqrtCorrection2: Math.sqrt(1 - Math.pow(h.beta2, t)),
      epsilon: h.epsilon,
      decay: name === "adamw" ? lr * h.weightDecay : 0,
    });
  });
}

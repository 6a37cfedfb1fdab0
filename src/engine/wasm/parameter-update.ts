// An optimizer's update of the parameters (sgd, or adam/adamw: the kernels of
// wasm/assembly/optim.ts) shared by the threads of a network: each applies it
// to its own range of the flat parameter list while the others do theirs. The
// update works value by value, so how the list is cut changes no bit. The
// update's scalars go to the workers in the memory's head (float32, as the
// kernels take them).

import { WasmKernels } from "./kernels.js";
import { LeNetLayout, evenShare } from "./memory-layout.js";

export const UPDATE_SGD = 1;
export const UPDATE_ADAM = 2;

/** sgd: p ← p − rate·g; adam: the kernel's rule with stepSize = rate (see optim.ts). */
export interface ParameterUpdate {
  rule: typeof UPDATE_SGD | typeof UPDATE_ADAM;
  rate: number;
  beta1: number;
  beta2: number;
  sqrtCorrection2: number;
  epsilon: number;
  decay: number;
}

/** Float32 words 8–15 of the memory's head (bytes 32–63, unused otherwise) hold the update for the workers. */
const UPDATE_WORD = 8;
const FIELDS = ["rule", "rate", "beta1", "beta2", "sqrtCorrection2", "epsilon", "decay"] as const;

export function writeUpdate(head: Float32Array, update: ParameterUpdate): void {
  FIELDS.forEach((field, i) => (head[UPDATE_WORD + i] = update[field]));
}

export function readUpdate(head: Float32Array): ParameterUpdate {
  return Object.fromEntries(FIELDS.map((field, i) => [field, head[UPDATE_WORD + i]])) as unknown as ParameterUpdate;
}

/** Applies `update` to parameters [from, to). */
export function applyUpdate(k: WasmKernels, layout: LeNetLayout, update: ParameterUpdate, from: number, to: number): void {
  const n = to - from;
  if (n <= 0) return;
  const offset = from * 4;
  if (update.rule === UPDATE_SGD) {
    k.sgdStep(layout.params + offset, layout.grads + offset, n, update.rate);
    return;
  }
  const secondMoment = layout.optimizerState + layout.paramCount * 4;
  k.adamStep(layout.params + offset, layout.grads + offset, layout.optimizerState + offset, secondMoment + offset, n,
    update.rate, update.beta1, update.beta2, update.sqrtCorrection2, update.epsilon, update.decay);
}

/** The parameter ranges of `threads` threads: even shares in whole vectors of four values. */
export function updateRanges(paramCount: number, threads: number): [number, number][] {
  const vectors = Math.ceil(paramCount / 4);
  return Array.from({ length: threads }, (_, t) => {
    const [v0, v1] = evenShare(vectors, threads, t);
    return [Math.min(paramCount, v0 * 4), Math.min(paramCount, v1 * 4)] as [number, number];
  });
}

// Optimizers: update rules over the flat parameter buffer (ParameterSet.values
// and .grads), picked by name. They see only values, gradients and their own
// state; no layer is special. Formulas and defaults follow PyTorch's torch.optim:
//
//   sgd       p ← p − lr·g
//   momentum  v ← μ·v + g;                      p ← p − lr·v                 (μ = 0.9)
//   adam      m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
//             p ← p − lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + ε)          (β1 0.9, β2 0.999, ε 1e-8)
//   adamw     p ← p − lr·λ·p, then as adam                                  (λ = 0.01)
//   rmsprop   v ← α·v + (1−α)·g²;               p ← p − lr · g / (√v + ε)    (α 0.99, ε 1e-8)

import { ParameterSet } from "../engine/parameters.js";

export const OPTIMIZERS = ["sgd", "momentum", "adam", "adamw", "rmsprop"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export function isOptimizerName(name: string): name is OptimizerName {
  return (OPTIMIZERS as readonly string[]).includes(name);
}

export interface OptimizerHyperparameters {
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** RMSProp's smoothing constant α. */
  alpha: number;
  weightDecay: number;
}

export const DEFAULT_HYPERPARAMETERS: OptimizerHyperparameters = {
  momentum: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  alpha: 0.99,
  weightDecay: 0.01,
};

/** Everything needed to continue optimising exactly: the step count and per-parameter buffers. */
export interface OptimizerState {
  step: number;
  buffers: Record<string, Float32Array>;
}

export interface Optimizer {
  readonly name: OptimizerName;
  /** One update of params.values from params.grads with learning rate lr. */
  step(lr: number): void;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
}

export function createOptimizer(
  name: OptimizerName,
  params: ParameterSet,
  hyper: Partial<OptimizerHyperparameters> = {},
): Optimizer {
  const h = { ...DEFAULT_HYPERPARAMETERS, ...hyper };
  const p = params.values;
  const g = params.grads;
  const n = p.length;
  const buffers: Record<string, Float32Array> = {};
  const buffer = (key: string) => (buffers[key] = new Float32Array(n));

  function makeUpdate(): (lr: number, t: number) => void {
    switch (name) {
      case "sgd":
        return (lr) => {
          for (let i = 0; i < n; i++) p[i] -= lr * g[i];
        };
      case "momentum": {
        const v = buffer("velocity");
        return (lr) => {
          for (let i = 0; i < n; i++) {
            v[i] = h.momentum * v[i] + g[i];
            p[i] -= lr * v[i];
          }
        };
      }
      case "adam":
      case "adamw": {
        const weightDecay = name === "adamw" ? h.weightDecay : 0;
        const m = buffer("firstMoment");
        const v = buffer("secondMoment");
        return (lr, t) => {
          const stepSize = lr / (1 - Math.pow(h.beta1, t));
          const sqrtCorrection2 = Math.sqrt(1 - Math.pow(h.beta2, t));
          for (let i = 0; i < n; i++) {
            if (weightDecay !== 0) p[i] -= lr * weightDecay * p[i];
            m[i] = h.beta1 * m[i] + (1 - h.beta1) * g[i];
            v[i] = h.beta2 * v[i] + (1 - h.beta2) * g[i] * g[i];
            p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / sqrtCorrection2 + h.epsilon);
          }
        };
      }
      case "rmsprop": {
        const v = buffer("squareAverage");
        return (lr) => {
          for (let i = 0; i < n; i++) {
            v[i] = h.alpha * v[i] + (1 - h.alpha) * g[i] * g[i];
            p[i] -= (lr * g[i]) / (Math.sqrt(v[i]) + h.epsilon);
          }
        };
      }
    }
  }

  return optimizerFromUpdate(name, buffers, makeUpdate());
}

/**
 * The Optimizer around an update rule: counts the steps (t is 1 at the first
 * update, as Adam's bias corrections need) and saves and restores that count
 * with copies of the rule's buffers, checking that a saved state has each of
 * them at its length.
 */
export function optimizerFromUpdate(
  name: OptimizerName,
  buffers: Record<string, Float32Array>,
  update: (lr: number, t: number) => void,
): Optimizer {
  let t = 0;
  return {
    name,
    step(lr) {
      t++;
      update(lr, t);
    },
    getState: () => ({ step: t, buffers: Object.fromEntries(Object.entries(buffers).map(([k, b]) => [k, b.slice()])) }),
    setState(state) {
      for (const [key, b] of Object.entries(buffers)) {
        const saved = state.buffers[key];
        if (!saved || saved.length !== b.length) {
          throw new Error(`optimizer state for ${name} lacks buffer "${key}" of ${b.length} values`);
        }
        b.set(saved);
      }
      t = state.step;
    },
  };
}

// What the training loop, evaluation, summaries and figures need from a
// network, whichever backend computes it (the plain TypeScript LeNet5 here;
// faster backends implement the same interface).

import { ActivationName } from "./layers/activations.js";
import { LossResult } from "./layers/softmax-cross-entropy.js";
import { ParameterSet } from "./parameters.js";

/** Post-activation outputs of every stage for the last forward's batch (views, NCHW / [B, n]). */
export type FeatureMaps = Record<"conv1" | "pool1" | "conv2" | "pool2" | "fc1" | "fc2" | "logits" | "probabilities", Float32Array>;

export interface Network {
  readonly params: ParameterSet;
  readonly activation: ActivationName;
  /** Runs input [B, 1, 32, 32]; returns the logits [B, 10] (a view valid until the next forward). */
  forward(input: Float32Array, B: number): Float32Array;
  /** Mean softmax cross-entropy and correct count of the last forward against labels. */
  loss(labels: ArrayLike<number>): LossResult;
  /** Gradients of the last forward's mean loss into params.grads (overwriting them). */
  backward(labels: ArrayLike<number>): void;
  /** The fc2 features (after the activation) of the last forward: [B, 84]. */
  fc2Features(): Float32Array;
  featureMaps(): FeatureMaps;
}

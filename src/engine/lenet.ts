// LeNet-5 as the classic assignment builds it (../shared/MISSION.md), layer
// by layer as architecture.ts describes it (every size below is read from
// there: LENET, LENET_PARAMETERS, INPUT_VALUES_PER_IMAGE):
//
//   input  [B, 1, 32, 32]   28×28 digit scaled to [0,1], zero-padded by 2
//   conv1  [B, 6, 28, 28]   6 filters 5×5, VALID, then activation
//   pool1  [B, 6, 14, 14]   max 2×2 stride 2
//   conv2  [B, 16, 10, 10]  16 filters 5×5×6, VALID, then activation
//   pool2  [B, 16, 5, 5]    max 2×2 stride 2, read as [B, 400] (C,H,W order)
//   fc1    [B, 120]         then activation
//   fc2    [B, 84]          then activation: the 84 "fc2 features"
//   fc3    [B, 10]          logits → softmax cross-entropy
//
// Forward stores every intermediate that backward needs (pre- and
// post-activation values, pool argmaxes), so after forward() the feature maps
// and fc2 features of the batch can be read without recomputing. Buffers grow
// to the largest batch seen and are reused; nothing is allocated per step.

import { ActivationName, activationBackward, activationForward } from "./layers/activations.js";
import { conv2dBackward, conv2dForward } from "./layers/conv2d.js";
import { denseBackward, denseForward } from "./layers/dense.js";
import { maxPoolBackward, maxPoolForward } from "./layers/maxpool.js";
import { LossResult, softmaxCrossEntropyBackward, softmaxCrossEntropyForward } from "./layers/softmax-cross-entropy.js";
import { FeatureMaps, Network } from "./network.js";
import { INPUT_VALUES_PER_IMAGE, LENET, LENET_PARAMETERS } from "./architecture.js";
import { ParameterSet, initTruncatedNormal } from "./parameters.js";
import { RandomStream } from "../util/random.js";

const INPUT_SIZE = INPUT_VALUES_PER_IMAGE;
const CONV1_SIZE = LENET.conv1Channels * LENET.conv1Side * LENET.conv1Side;
const POOL1_SIZE = LENET.conv1Channels * LENET.pool1Side * LENET.pool1Side;
const CONV2_SIZE = LENET.conv2Channels * LENET.conv2Side * LENET.conv2Side;

export interface LeNetOptions {
  activation: ActivationName;
  /** Truncated-normal initialisation of the weights; biases start at 0. */
  initMean?: number;
  initStd?: number;
  /** Seeds the initial weights. */
  seed?: number;
  /** false: every parameter starts at 0, for a network whose weights are set next (a loaded run's); default true. */
  initialize?: boolean;
}

/** Random stream ids: one per purpose, so that each is independent of the others. */
export const INIT_STREAM = 1;

/** Forward activations for `capacity` images. */
class Activations {
  readonly conv1Pre: Float32Array;
  readonly conv1: Float32Array;
  readonly pool1: Float32Array;
  readonly pool1Argmax: Uint8Array;
  readonly conv2Pre: Float32Array;
  readonly conv2: Float32Array;
  readonly pool2: Float32Array;
  readonly pool2Argmax: Uint8Array;
  readonly fc1Pre: Float32Array;
  readonly fc1: Float32Array;
  readonly fc2Pre: Float32Array;
  readonly fc2: Float32Array;
  readonly logits: Float32Array;
  readonly probabilities: Float32Array;

  constructor(readonly capacity: number) {
    const n = capacity;
    this.conv1Pre = new Float32Array(n * CONV1_SIZE);
    this.conv1 = new Float32Array(n * CONV1_SIZE);
    this.pool1 = new Float32Array(n * POOL1_SIZE);
    this.pool1Argmax = new Uint8Array(n * POOL1_SIZE);
    this.conv2Pre = new Float32Array(n * CONV2_SIZE);
    this.conv2 = new Float32Array(n * CONV2_SIZE);
    this.pool2 = new Float32Array(n * LENET.flat);
    this.pool2Argmax = new Uint8Array(n * LENET.flat);
    this.fc1Pre = new Float32Array(n * LENET.fc1);
    this.fc1 = new Float32Array(n * LENET.fc1);
    this.fc2Pre = new Float32Array(n * LENET.fc2);
    this.fc2 = new Float32Array(n * LENET.fc2);
    this.logits = new Float32Array(n * LENET.classes);
    this.probabilities = new Float32Array(n * LENET.classes);
  }
}

/** Gradients of the loss with respect to each activation, for `capacity` images. */
class ActivationGrads {
  readonly all: Float32Array;
  readonly conv1Pre: Float32Array;
  readonly conv1: Float32Array;
  readonly pool1: Float32Array;
  readonly conv2Pre: Float32Array;
  readonly conv2: Float32Array;
  readonly pool2: Float32Array;
  readonly fc1Pre: Float32Array;
  readonly fc1: Float32Array;
  readonly fc2Pre: Float32Array;
  readonly fc2: Float32Array;
  readonly logits: Float32Array;

  constructor(readonly capacity: number) {
    const sizes = [CONV1_SIZE, CONV1_SIZE, POOL1_SIZE, CONV2_SIZE, CONV2_SIZE, LENET.flat,
      LENET.fc1, LENET.fc1, LENET.fc2, LENET.fc2, LENET.classes];
    this.all = new Float32Array(capacity * sizes.reduce((a, b) => a + b, 0));
    let offset = 0;
    const take = (size: number) => this.all.subarray(offset, (offset += capacity * size));
    this.conv1Pre = take(CONV1_SIZE);
    this.conv1 = take(CONV1_SIZE);
    this.pool1 = take(POOL1_SIZE);
    this.conv2Pre = take(CONV2_SIZE);
    this.conv2 = take(CONV2_SIZE);
    this.pool2 = take(LENET.flat);
    this.fc1Pre = take(LENET.fc1);
    this.fc1 = take(LENET.fc1);
    this.fc2Pre = take(LENET.fc2);
    this.fc2 = take(LENET.fc2);
    this.logits = take(LENET.classes);
  }
}

export class LeNet5 implements Network {
  readonly params: ParameterSet;
  readonly activation: ActivationName;
  private acts = new Activations(0);
  private grads = new ActivationGrads(0);
  private input: Float32Array = new Float32Array(0);
  private batchSize = 0;

  constructor(options: LeNetOptions) {
    this.activation = options.activation;
    this.params = new ParameterSet(LENET_PARAMETERS);
    if (options.initialize === false) return;
    initTruncatedNormal(this.params, options.initMean ?? 0, options.initStd ?? 0.1,
      new RandomStream(options.seed ?? 0, INIT_STREAM));
  }

  /**
   * Runs the network on `input` [B, 1, 32, 32] and returns the logits [B, 10]
   * (a view, valid until the next forward). Keeps a reference to input for backward.
   */
  forward(input: Float32Array, B: number): Float32Array {
    if (input.length < B * INPUT_SIZE) {
      throw new RangeError(`forward: input holds ${input.length} values, a batch of ${B} needs ${B * INPUT_SIZE}`);
    }
    if (B > this.acts.capacity) this.acts = new Activations(B);
    this.input = input;
    this.batchSize = B;
    const a = this.acts;
    const p = this.params;
    const f = this.activation;
    const K = LENET.kernel;

    conv2dForward(a.conv1Pre, input, p.get("conv1/weight").value, p.get("conv1/bias").value,
      B, LENET.inputChannels, LENET.inputSide, LENET.inputSide, LENET.conv1Channels, K);
    activationForward(f, a.conv1, a.conv1Pre, B * CONV1_SIZE);
    maxPoolForward(a.pool1, a.pool1Argmax, a.conv1, B, LENET.conv1Channels, LENET.conv1Side, LENET.conv1Side);

    conv2dForward(a.conv2Pre, a.pool1, p.get("conv2/weight").value, p.get("conv2/bias").value,
      B, LENET.conv1Channels, LENET.pool1Side, LENET.pool1Side, LENET.conv2Channels, K);
    activationForward(f, a.conv2, a.conv2Pre, B * CONV2_SIZE);
    maxPoolForward(a.pool2, a.pool2Argmax, a.conv2, B, LENET.conv2Channels, LENET.conv2Side, LENET.conv2Side);

    denseForward(a.fc1Pre, a.pool2, p.get("fc1/weight").value, p.get("fc1/bias").value, B, LENET.flat, LENET.fc1);
    activationForward(f, a.fc1, a.fc1Pre, B * LENET.fc1);
    denseForward(a.fc2Pre, a.fc1, p.get("fc2/weight").value, p.get("fc2/bias").value, B, LENET.fc1, LENET.fc2);
    activationForward(f, a.fc2, a.fc2Pre, B * LENET.fc2);
    denseForward(a.logits, a.fc2, p.get("fc3/weight").value, p.get("fc3/bias").value, B, LENET.fc2, LENET.classes);
    return a.logits.subarray(0, B * LENET.classes);
  }

  /** Softmax cross-entropy of the last forward's logits against labels; fills the probabilities. */
  loss(labels: ArrayLike<number>): LossResult {
    return softmaxCrossEntropyForward(this.acts.probabilities, this.acts.logits, labels, this.batchSize, LENET.classes);
  }

  /**
   * Gradients of the mean loss of the last forward (after loss()) with respect
   * to every parameter, written into params.grads (overwriting them).
   */
  backward(labels: ArrayLike<number>): void {
    const B = this.batchSize;
    if (B > this.grads.capacity) this.grads = new ActivationGrads(B);
    const a = this.acts;
    const d = this.grads;
    const p = this.params;
    const f = this.activation;
    const K = LENET.kernel;
    p.zeroGrads();
    d.all.fill(0);

    softmaxCrossEntropyBackward(d.logits, a.probabilities, labels, B, LENET.classes);
    denseBackward(d.fc2, p.get("fc3/weight").grad, p.get("fc3/bias").grad, d.logits, a.fc2,
      p.get("fc3/weight").value, B, LENET.fc2, LENET.classes);
    activationBackward(f, d.fc2Pre, d.fc2, a.fc2Pre, a.fc2, B * LENET.fc2);
    denseBackward(d.fc1, p.get("fc2/weight").grad, p.get("fc2/bias").grad, d.fc2Pre, a.fc1,
      p.get("fc2/weight").value, B, LENET.fc1, LENET.fc2);
    activationBackward(f, d.fc1Pre, d.fc1, a.fc1Pre, a.fc1, B * LENET.fc1);
    denseBackward(d.pool2, p.get("fc1/weight").grad, p.get("fc1/bias").grad, d.fc1Pre, a.pool2,
      p.get("fc1/weight").value, B, LENET.flat, LENET.fc1);

    maxPoolBackward(d.conv2, d.pool2, a.pool2Argmax, B, LENET.conv2Channels, LENET.conv2Side, LENET.conv2Side);
    activationBackward(f, d.conv2Pre, d.conv2, a.conv2Pre, a.conv2, B * CONV2_SIZE);
    conv2dBackward(d.pool1, p.get("conv2/weight").grad, p.get("conv2/bias").grad, d.conv2Pre, a.pool1,
      p.get("conv2/weight").value, B, LENET.conv1Channels, LENET.pool1Side, LENET.pool1Side, LENET.conv2Channels, K);

    maxPoolBackward(d.conv1, d.pool1, a.pool1Argmax, B, LENET.conv1Channels, LENET.conv1Side, LENET.conv1Side);
    activationBackward(f, d.conv1Pre, d.conv1, a.conv1Pre, a.conv1, B * CONV1_SIZE);
    conv2dBackward(null, p.get("conv1/weight").grad, p.get("conv1/bias").grad, d.conv1Pre, this.input,
      p.get("conv1/weight").value, B, LENET.inputChannels, LENET.inputSide, LENET.inputSide, LENET.conv1Channels, K);
  }

  /** The fc2 features (after the activation) of the last forward: [B, 84], a view. */
  fc2Features(): Float32Array {
    return this.acts.fc2.subarray(0, this.batchSize * LENET.fc2);
  }

  /** Named views of the last forward's stages (post-activation), for visualisation. */
  featureMaps(): FeatureMaps {
    const B = this.batchSize;
    const a = this.acts;
    return {
      conv1: a.conv1.subarray(0, B * CONV1_SIZE),
      pool1: a.pool1.subarray(0, B * POOL1_SIZE),
      conv2: a.conv2.subarray(0, B * CONV2_SIZE),
      pool2: a.pool2.subarray(0, B * LENET.flat),
      fc1: a.fc1.subarray(0, B * LENET.fc1),
      fc2: a.fc2.subarray(0, B * LENET.fc2),
      logits: a.logits.subarray(0, B * LENET.classes),
      probabilities: a.probabilities.subarray(0, B * LENET.classes),
    };
  }
}

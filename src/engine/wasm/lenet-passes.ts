// LeNet-5's forward and backward passes over a range of images [b0, b1) of
// the batch, as calls of the WebAssembly kernels on a memory laid out by
// memory-layout.ts. The main thread and every worker thread run these same
// functions on their own ranges; the range's images are computed exactly as
// they would be alone, so a forward pass gives the same bits whatever the
// split. The loss and its gradient (dlogits) are not here: the network
// computes them for the whole batch (wasm-lenet.ts).
//
// Pool first: for an activation f that never decreases (every kind but gelu),
// max-pooling commutes with it, maxpool(f(x)) = f(maxpool(x)), so forward
// pools the pre-activations and applies f to a quarter of the values. The
// full activated maps conv1 and conv2 are then not written by forward:
// backward (which needs them) and featureMaps() compute them first
// (materializeConvActivations). relu and leaky-relu are non-decreasing in
// float32 too, so their pool1 and pool2 are bit for bit those of pooling
// f(conv). The float32 sigmoid, tanh and elu are non-decreasing only up to
// one-ulp wiggles (an exhaustive check over every float32 finds them), so
// their pooled values may differ by an ulp from pooling f(conv); backward
// pools f(conv) again before it routes the gradient, so that every pooled
// value has its source among the four inputs.

import { ACTIVATIONS } from "../layers/activations.js";
import { LENET, PIXELS_PER_IMAGE } from "../architecture.js";
import { WasmKernels } from "./kernels.js";
import { BatchBuffer, IMAGE_SIZES, LeNetLayout, gradientShard, gradientShards, parameterOffset } from "./memory-layout.js";

const K = LENET.kernel;
const GELU = ACTIVATIONS.indexOf("gelu");
const EXACTLY_MONOTONE = [ACTIVATIONS.indexOf("relu"), ACTIVATIONS.indexOf("leaky-relu")];

/** Whether forward pools before activating (f non-decreasing), leaving conv1 and conv2 unwritten. */
export function poolsFirst(activation: number): boolean {
  return activation !== GELU;
}

/** Byte offset of image b in batch buffer `name`. */
export function imageOffset(layout: LeNetLayout, name: BatchBuffer, b: number): number {
  return layout[name] + b * IMAGE_SIZES[name] * 4;
}

/**
 * Images per forward chunk: a large range (an evaluation batch) goes through
 * all the layers FORWARD_CHUNK images at a time, so that a layer's output is
 * still in the cache when the next layer reads it (~100 KB per image).
 * Measured: 2–5 % faster than whole ranges of 250.
 */
const FORWARD_CHUNK = 32;

/**
 * Forward for images [b0, b1): everything from conv1Pre to the logits; first
 * the input from the staged uint8 pixels when fromPixels. Every image is
 * computed alone, so chunking does not change a bit.
 */
export function forwardRange(
  k: WasmKernels, layout: LeNetLayout, activation: number, thread: number, b0: number, b1: number, fromPixels = false,
): void {
  for (let start = b0; start < b1; start += FORWARD_CHUNK) {
    forwardChunk(k, layout, activation, thread, start, Math.min(b1, start + FORWARD_CHUNK), fromPixels);
  }
}

function forwardChunk(
  k: WasmKernels, layout: LeNetLayout, activation: number, thread: number, b0: number, b1: number, fromPixels: boolean,
): void {
  const n = b1 - b0;
  if (n <= 0) return;
  const at = (name: BatchBuffer) => imageOffset(layout, name, b0);
  const p = (name: string) => layout.params + parameterOffset(name);
  const col = layout.scratch + thread * layout.scratchStride;

  if (fromPixels) k.padImages(at("input"), layout.pixels + b0 * PIXELS_PER_IMAGE, n);

  const first = poolsFirst(activation);
  k.conv2dForward(at("conv1Pre"), at("input"), p("conv1/weight"), p("conv1/bias"), col,
    n, LENET.inputChannels, LENET.inputSide, LENET.inputSide, LENET.conv1Channels, K);
  activateAndPool(k, activation, first, at("pool1"), at("conv1"), at("conv1Pre"), n, LENET.conv1Channels, LENET.conv1Side);

  k.conv2dForward(at("conv2Pre"), at("pool1"), p("conv2/weight"), p("conv2/bias"), col,
    n, LENET.conv1Channels, LENET.pool1Side, LENET.pool1Side, LENET.conv2Channels, K);
  activateAndPool(k, activation, first, at("pool2"), at("conv2"), at("conv2Pre"), n, LENET.conv2Channels, LENET.conv2Side);

  k.denseForward(at("fc1Pre"), at("pool2"), p("fc1/weight"), p("fc1/bias"), n, LENET.flat, LENET.fc1);
  k.activationForward(activation, at("fc1"), at("fc1Pre"), n * LENET.fc1);
  k.denseForward(at("fc2Pre"), at("fc1"), p("fc2/weight"), p("fc2/bias"), n, LENET.fc1, LENET.fc2);
  k.activationForward(activation, at("fc2"), at("fc2Pre"), n * LENET.fc2);
  k.denseForward(at("logits"), at("fc2"), p("fc3/weight"), p("fc3/bias"), n, LENET.fc2, LENET.classes);
}

/** pool = maxpool(f(pre)), and act = f(pre) unless pooling first (then act is left alone). */
function activateAndPool(
  k: WasmKernels, activation: number, first: boolean, pool: number, act: number, pre: number, n: number, channels: number, side: number,
): void {
  if (first) {
    k.maxPoolForward(pool, pre, n, channels, side, side);
    k.activationForward(activation, pool, pool, n * channels * (side / 2) ** 2);
  } else {
    k.activationForward(activation, act, pre, n * channels * side * side);
    k.maxPoolForward(pool, act, n, channels, side, side);
  }
}

/**
 * Writes conv1 = f(conv1Pre) and conv2 = f(conv2Pre) for images [b0, b1),
 * which a pool-first forward left unwritten; with repool (before backward),
 * also pool1 and pool2 from them where f is not exactly monotone in float32.
 */
export function materializeConvActivations(
  k: WasmKernels, layout: LeNetLayout, activation: number, b0: number, b1: number, repool: boolean,
): void {
  const n = b1 - b0;
  if (n <= 0) return;
  const at = (name: BatchBuffer) => imageOffset(layout, name, b0);
  k.activationForward(activation, at("conv1"), at("conv1Pre"), n * IMAGE_SIZES.conv1);
  k.activationForward(activation, at("conv2"), at("conv2Pre"), n * IMAGE_SIZES.conv2);
  if (repool && !EXACTLY_MONOTONE.includes(activation)) {
    k.maxPoolForward(at("pool1"), at("conv1"), n, LENET.conv1Channels, LENET.conv1Side, LENET.conv1Side);
    k.maxPoolForward(at("pool2"), at("conv2"), n, LENET.conv2Channels, LENET.conv2Side, LENET.conv2Side);
  }
}

/**
 * Backward for gradient shards [s0, s1) of a batch of B images (memory-layout.ts'
 * gradientShard), each into its own gradient block, on thread `thread`'s scratch.
 */
export function backwardShards(
  k: WasmKernels, layout: LeNetLayout, activation: number, thread: number, s0: number, s1: number, B: number,
): void {
  for (let shard = s0; shard < s1; shard++) {
    const [b0, b1] = gradientShard(B, shard);
    backwardRange(k, layout, activation, thread, shard, b0, b1);
  }
  const shards = gradientShards(B);
  for (const [lo, mid, hi] of shardSumTree(shards)) {
    if (s0 <= lo && hi <= s1) addBlock(k, layout, lo, mid);
  }
}

/**
 * After every thread's backwardShards: the sums of the shard tree that span
 * more than one thread's range, so that block 0 (ParameterSet.grads) holds the
 * whole batch's gradients.
 */
export function sumShardsAcrossThreads(k: WasmKernels, layout: LeNetLayout, B: number, ranges: readonly (readonly [number, number])[]): void {
  for (const [lo, mid, hi] of shardSumTree(gradientShards(B))) {
    if (!ranges.some(([s0, s1]) => s0 <= lo && hi <= s1)) addBlock(k, layout, lo, mid);
  }
}

function addBlock(k: WasmKernels, layout: LeNetLayout, into: number, from: number): void {
  k.addInto(layout.grads + into * layout.paramStride, layout.grads + from * layout.paramStride, layout.paramCount);
}

const sumTrees = new Map<number, [number, number, number][]>();

/**
 * The fixed order in which shard gradients are summed: a tree of halves over
 * [0, shards), as [lo, mid, hi] nodes (block lo += block mid) children first.
 * Each thread sums the nodes inside its own range as soon as it has them, and
 * the main thread the rest; the order of every addition, and so every bit of
 * the result, is the same for any number of threads.
 */
export function shardSumTree(shards: number): readonly [number, number, number][] {
  let tree = sumTrees.get(shards);
  if (!tree) {
    const nodes: [number, number, number][] = [];
    const visit = (lo: number, hi: number): void => {
      if (hi - lo < 2) return;
      const mid = (lo + hi) >> 1;
      visit(lo, mid);
      visit(mid, hi);
      nodes.push([lo, mid, hi]);
    };
    visit(0, shards);
    tree = nodes;
    sumTrees.set(shards, tree);
  }
  return tree;
}

/**
 * Backward for images [b0, b1), from dlogits (already written for the whole
 * batch, scaled by 1/B) to the parameter gradients, which are written
 * (overwritten) into gradient block `block`; thread `thread`'s scratch is used.
 */
export function backwardRange(
  k: WasmKernels, layout: LeNetLayout, activation: number, thread: number, block: number, b0: number, b1: number,
): void {
  const grads = layout.grads + block * layout.paramStride;
  k.zeroBytes(grads, layout.paramCount * 4);
  const n = b1 - b0;
  if (n <= 0) return;
  const at = (name: BatchBuffer) => imageOffset(layout, name, b0);
  const p = (name: string) => layout.params + parameterOffset(name);
  const g = (name: string) => grads + parameterOffset(name);
  const col = layout.scratch + thread * layout.scratchStride;
  if (poolsFirst(activation)) materializeConvActivations(k, layout, activation, b0, b1, true);

  k.denseBackward(at("dfc2"), g("fc3/weight"), g("fc3/bias"), at("dlogits"), at("fc2"), p("fc3/weight"),
    n, LENET.fc2, LENET.classes, 0);
  k.activationBackward(activation, at("dfc2"), at("dfc2"), at("fc2Pre"), at("fc2"), n * LENET.fc2, 0);
  k.denseBackward(at("dfc1"), g("fc2/weight"), g("fc2/bias"), at("dfc2"), at("fc1"), p("fc2/weight"),
    n, LENET.fc1, LENET.fc2, 0);
  k.activationBackward(activation, at("dfc1"), at("dfc1"), at("fc1Pre"), at("fc1"), n * LENET.fc1, 0);
  k.denseBackward(at("dpool2"), g("fc1/weight"), g("fc1/bias"), at("dfc1"), at("pool2"), p("fc1/weight"),
    n, LENET.flat, LENET.fc1, 0);

  k.maxPoolBackward(at("dconv2"), at("dpool2"), at("conv2"), at("pool2"), n, LENET.conv2Channels, LENET.conv2Side, LENET.conv2Side, 0);
  k.activationBackward(activation, at("dconv2"), at("dconv2"), at("conv2Pre"), at("conv2"), n * IMAGE_SIZES.conv2, 0);
  k.zeroBytes(at("dpool1"), n * IMAGE_SIZES.dpool1 * 4);
  k.conv2dBackward(at("dpool1"), g("conv2/weight"), g("conv2/bias"), at("dconv2"), at("pool1"), p("conv2/weight"), col,
    n, LENET.conv1Channels, LENET.pool1Side, LENET.pool1Side, LENET.conv2Channels, K);

  k.maxPoolBackward(at("dconv1"), at("dpool1"), at("conv1"), at("pool1"), n, LENET.conv1Channels, LENET.conv1Side, LENET.conv1Side, 0);
  k.activationBackward(activation, at("dconv1"), at("dconv1"), at("conv1Pre"), at("conv1"), n * IMAGE_SIZES.conv1, 0);
  k.conv2dBackward(0, g("conv1/weight"), g("conv1/bias"), at("dconv1"), at("input"), p("conv1/weight"), col,
    n, LENET.inputChannels, LENET.inputSide, LENET.inputSide, LENET.conv1Channels, K);
}

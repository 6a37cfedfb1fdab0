// Where everything of the WebAssembly LeNet-5 lives in its one shared memory
// (byte offsets, 16-byte aligned). Pure arithmetic: no memory is touched here.
//
//   [0, 64)                 unused (0 is the kernels' "no pointer"), but for word 1
//                           (BATCH_SIZE_WORD): the batch size of the current backward
//   [64, 1024)              thread control words (parallel/thread-pool.ts)
//   [1024, 4096)            this layout, as int32 words, for worker threads to read
//   params                  values of every parameter            [P] f32  (ParameterSet.values; inside a
//                           block, the parameters lie in the architecture's order: parameterOffset)
//   grads + s·paramStride   gradients of shard s of the batch    [P] f32  (s = 0: ParameterSet.grads,
//                           (MAX_GRADIENT_SHARDS of them)                 where the others are summed)
//   optimizerState          two moment buffers                   [2, P] f32
//   scratch + t·scratchStride  thread t's conv scratch (im2col)    [Q·P_out + 4] f32
//   batch region            per image b, at base + b · (size·4):
//     pixels [28,28] uint8 (staged for forwardPixels, in 196 float slots) · input [1,32,32] · conv1Pre, conv1 [6,28,28] · pool1 [6,14,14] · conv2Pre, conv2 [16,10,10]
//     · pool2 [400] · fc1Pre, fc1 [120] · fc2Pre, fc2 [84] · logits, probabilities [10]
//     gradients: dconv1 [6,28,28] · dpool1 [6,14,14] · dconv2 [16,10,10] · dpool2 [400]
//     · dfc1 [120] · dfc2 [84] · dlogits [10]
//     (a gradient with respect to a pre-activation overwrites the one of its
//     activation in place: dconv1 holds ∂L/∂conv1 and then ∂L/∂conv1Pre)
//
// Every size comes from the architecture (../architecture.ts): the per-image
// sizes of the stages (LENET), the input (INPUT_VALUES_PER_IMAGE,
// PIXELS_PER_IMAGE) and the parameter list (LENET_PARAMETERS, by whose
// names parameterOffset finds a parameter in a block).
//
// The batch region holds `capacity` images and is laid out again (further up
// the memory if needed) when a larger batch comes; the fixed part never moves,
// so views of the parameters stay valid for the life of the memory.

import { INPUT_VALUES_PER_IMAGE, LENET, LENET_PARAMETERS, PIXELS_PER_IMAGE } from "../architecture.js";
import { product } from "../parameters.js";
import { READ_SLACK_BYTES } from "./kernels.js";

/** Int32 word (in the unused head of the memory) holding the batch size of the current backward, for the workers. */
export const BATCH_SIZE_WORD = 1;
/**
 * Backward cuts a batch of B images into gradientShards(B) contiguous shards
 * (gradientShard), each with its own gradient block, summed in a fixed tree
 * (lenet-passes.ts' shardSumTree); threads take whole shards. The shards depend on B alone, so the sums are the
 * same, bit for bit, for any number of threads. A shard has at least
 * IMAGES_PER_SHARD images (fewer make the weight-gradient products wasteful),
 * and there are at most MAX_GRADIENT_SHARDS (the threads that can share a
 * backward).
 */
export const IMAGES_PER_SHARD = 16;
export const MAX_GRADIENT_SHARDS = 16;
export const CONTROL_OFFSET = 64;
export const CONTROL_BYTES_PER_THREAD = 32;
export const MAX_THREADS = (1024 - CONTROL_OFFSET) / CONTROL_BYTES_PER_THREAD;
export const LAYOUT_OFFSET = 1024;
const FIXED_START = 4096;

/** Floats per image of every batch buffer. */
export const IMAGE_SIZES = {
  /** The digit's uint8 pixels (PIXELS_PER_IMAGE bytes: 28×28), counted in float slots. */
  pixels: Math.ceil(PIXELS_PER_IMAGE / 4),
  input: INPUT_VALUES_PER_IMAGE,
  conv1Pre: LENET.conv1Channels * LENET.conv1Side ** 2,
  conv1: LENET.conv1Channels * LENET.conv1Side ** 2,
  pool1: LENET.conv1Channels * LENET.pool1Side ** 2,
  conv2Pre: LENET.conv2Channels * LENET.conv2Side ** 2,
  conv2: LENET.conv2Channels * LENET.conv2Side ** 2,
  pool2: LENET.flat,
  fc1Pre: LENET.fc1,
  fc1: LENET.fc1,
  fc2Pre: LENET.fc2,
  fc2: LENET.fc2,
  logits: LENET.classes,
  probabilities: LENET.classes,
  dconv1: LENET.conv1Channels * LENET.conv1Side ** 2,
  dpool1: LENET.conv1Channels * LENET.pool1Side ** 2,
  dconv2: LENET.conv2Channels * LENET.conv2Side ** 2,
  dpool2: LENET.flat,
  dfc1: LENET.fc1,
  dfc2: LENET.fc2,
  dlogits: LENET.classes,
} as const;
export type BatchBuffer = keyof typeof IMAGE_SIZES;
const BATCH_BUFFERS = Object.keys(IMAGE_SIZES) as BatchBuffer[];

/**
 * Byte offset of each parameter inside a parameter block (the values, or one
 * shard's gradients), by its name in the architecture's list: the parameters
 * lie one after the other in that order, as ParameterSet lays them out. They
 * depend on nothing else, so every thread computes them alike.
 */
const PARAMETER_OFFSETS: ReadonlyMap<string, number> = (() => {
  const offsets = new Map<string, number>();
  let bytes = 0;
  for (const spec of LENET_PARAMETERS) {
    offsets.set(spec.name, bytes);
    bytes += product(spec.shape) * 4;
  }
  return offsets;
})();
/** Floats of one parameter block: every parameter of the architecture. */
const PARAMETER_COUNT = LENET_PARAMETERS.reduce((sum, p) => sum + product(p.shape), 0);

/** Byte offset of parameter `name` ("conv1/weight", …) inside a parameter block. */
export function parameterOffset(name: string): number {
  const offset = PARAMETER_OFFSETS.get(name);
  if (offset === undefined) {
    throw new Error(`the wasm memory layout has no parameter "${name}"; the architecture's are ${[...PARAMETER_OFFSETS.keys()].join(", ")}`);
  }
  return offset;
}

/**
 * The largest im2col scratch LeNet needs (Q·P + 4 + Q·OC floats with
 * Q = C·K·K, P = OH·OW, see conv.ts): conv1's [1·5·5, 28·28] (conv2's is
 * [6·5·5, 10·10]).
 */
const SCRATCH_FLOATS = Math.max(
  LENET.inputChannels * LENET.kernel ** 2 * (LENET.conv1Side ** 2 + LENET.conv1Channels),
  LENET.conv1Channels * LENET.kernel ** 2 * (LENET.conv2Side ** 2 + LENET.conv2Channels),
) + 4;

export type LeNetLayout = Record<BatchBuffer, number> & {
  threads: number;
  capacity: number;
  paramCount: number;
  params: number;
  grads: number;
  paramStride: number;
  optimizerState: number;
  scratch: number;
  scratchStride: number;
  /** First byte after the batch region. */
  end: number;
};

/** The order in which a layout is written as int32 words for the workers. */
export const LAYOUT_KEYS: readonly (keyof LeNetLayout)[] = [
  "threads", "capacity", "paramCount", "params", "grads", "paramStride", "optimizerState", "scratch", "scratchStride", "end",
  ...BATCH_BUFFERS,
];

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
const bufferBytes = (floats: number) => align(floats * 4 + READ_SLACK_BYTES);

/** The layout for `threads` threads and batches of up to `capacity` images. */
export function lenetLayout(threads: number, capacity: number): LeNetLayout {
  if (!(threads >= 1 && threads <= MAX_THREADS)) throw new RangeError(`threads must be in [1, ${MAX_THREADS}], got ${threads}`);
  const paramCount = PARAMETER_COUNT;
  const paramStride = bufferBytes(paramCount);
  const scratchStride = bufferBytes(SCRATCH_FLOATS);
  let at = FIXED_START;
  const params = at; at += paramStride;
  const grads = at; at += paramStride * MAX_GRADIENT_SHARDS;
  const optimizerState = at; at += bufferBytes(2 * paramCount);
  const scratch = at; at += scratchStride * threads;
  const batch = {} as Record<BatchBuffer, number>;
  for (const name of BATCH_BUFFERS) {
    batch[name] = at;
    at += bufferBytes(capacity * IMAGE_SIZES[name]);
  }
  return { threads, capacity, paramCount, params, grads, paramStride, optimizerState, scratch, scratchStride, end: at, ...batch };
}

/** Writes layout into `words` (an Int32Array over the memory) at LAYOUT_OFFSET. */
export function writeLayout(words: Int32Array, layout: LeNetLayout): void {
  LAYOUT_KEYS.forEach((key, i) => Atomics.store(words, LAYOUT_OFFSET / 4 + i, layout[key]));
}

export function readLayout(words: Int32Array): LeNetLayout {
  const layout = {} as Record<string, number>;
  LAYOUT_KEYS.forEach((key, i) => { layout[key] = Atomics.load(words, LAYOUT_OFFSET / 4 + i) >>> 0; });
  return layout as LeNetLayout;
}

/** How many gradient shards a backward of B images has. */
export function gradientShards(B: number): number {
  return Math.min(MAX_GRADIENT_SHARDS, Math.max(1, Math.floor(B / IMAGES_PER_SHARD)));
}

/** Images [start, end) of shard `shard` of a batch of B: near-equal contiguous pieces that depend on B alone. */
export function gradientShard(B: number, shard: number): [number, number] {
  return evenShare(B, gradientShards(B), shard);
}

/** Piece `index` [start, end) of [0, total) cut into `pieces` contiguous pieces whose sizes differ by at most one. */
export function evenShare(total: number, pieces: number, index: number): [number, number] {
  return [Math.floor((index * total) / pieces), Math.floor(((index + 1) * total) / pieces)];
}

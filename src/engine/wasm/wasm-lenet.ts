// LeNet-5 on the WebAssembly SIMD kernels: the same network, parameters,
// initialisation and Network interface as the plain TypeScript LeNet5
// (../lenet.ts), computed in one shared WebAssembly memory, optionally by
// several threads (data parallel over the batch).
//
// Parameters live in the memory: params.values and params.grads are views of
// it, so optimizers, checkpoints and summaries walk them as usual. Every batch
// buffer is a view too (featureMaps(), fc2Features()), valid until the next
// forward. Forward pools before activating where that gives the same values
// (lenet-passes.ts) and leaves the activated conv maps to backward or to
// featureMaps(), whichever needs them first.
//
// Threads: the batch [0, B) is split into even contiguous ranges (splitEvenly);
// the main thread computes the first while the workers compute theirs, and
// each thread scales and pads its own images when they come as uint8 pixels
// (forwardPixels). A forward pass computes every image exactly as it would
// alone, so its results do not depend on the thread count. Backward cuts the batch into shards of at least 16 images that
// depend on the batch size alone (gradientShards); each shard's gradients go
// into its own block, the threads take whole shards, and the blocks are added
// in a fixed tree (shardSumTree: each thread adds what lies in its own range,
// the main thread the rest). The gradients, and so whole training runs, are
// the same bit for bit for any number of threads: the same config and seed
// give the same numbers on a 2-core CI machine and on a 16-core laptop.
//
// The loss and its gradient with respect to the logits (B × 10 values) are
// computed for the whole batch by the reference softmax cross-entropy on views
// of the memory: too small to be worth a kernel.

import { ACTIVATIONS, ActivationName } from "../layers/activations.js";
import { LossResult, softmaxCrossEntropyBackward, softmaxCrossEntropyForward } from "../layers/softmax-cross-entropy.js";
import { LENET, LENET_PARAMETERS, PIXELS_PER_IMAGE } from "../architecture.js";
import { INIT_STREAM, LeNetOptions } from "../lenet.js";
import { FeatureMaps, Network } from "../network.js";
import { ParameterSet, initTruncatedNormal } from "../parameters.js";
import { FROM_PIXELS, OP_BACKWARD, OP_FORWARD, OP_UPDATE, ThreadPool, splitEvenly } from "../parallel/thread-pool.js";
import { RandomStream } from "../../util/random.js";
import { KernelAccelerator, WasmKernels, createSharedMemory, ensureMemoryBytes, instantiateKernels } from "./kernels.js";
import { backwardShards, forwardRange, materializeConvActivations, poolsFirst, sumShardsAcrossThreads } from "./lenet-passes.js";
import { ParameterUpdate, applyUpdate, updateRanges, writeUpdate } from "./parameter-update.js";
import {
  BATCH_SIZE_WORD, BatchBuffer, IMAGE_SIZES, LeNetLayout, gradientShards, lenetLayout, writeLayout,
} from "./memory-layout.js";

export interface WasmLeNetOptions extends LeNetOptions {
  /** Threads in all (the main thread included); 1 runs everything on the calling thread. */
  threads?: number;
}

/**
 * Where a network gets its kernels and its threads: the compiled module of
 * one build, optionally faster kernels that take over some of its exports
 * (accelerate), and how to start a pool of threads on a memory (Node's worker
 * threads, or a page's Web Workers), whose threads accelerate their kernels
 * the same way. Node's is nodeKernelHost() (backend.ts).
 */
export interface KernelHost {
  module: WebAssembly.Module;
  accelerate?: KernelAccelerator;
  startThreads(threads: number, memory: WebAssembly.Memory, module: WebAssembly.Module): Promise<ThreadPool>;
}

/** Batches smaller than this run on the main thread alone: waking a worker would cost more than it saves. */
const MIN_IMAGES_PER_THREAD = 4;
/** The batch region starts with room for this many images (the classic evaluation batch). */
const INITIAL_CAPACITY = 64;

export class WasmLeNet5 implements Network {
  readonly params: ParameterSet;
  readonly activation: ActivationName;
  readonly threads: number;
  /** The kernels of the main thread's instance (also used by the wasm optimizers). */
  readonly kernels: WasmKernels;
  readonly memory: WebAssembly.Memory;
  private readonly activationKind: number;
  private readonly words: Int32Array;
  /** The memory's head as float32 words (an update's scalars, for the workers). */
  private readonly head: Float32Array;
  private layoutValue: LeNetLayout;
  private views = {} as Record<BatchBuffer, Float32Array>;
  private pixels: Uint8Array = new Uint8Array(0);
  private batchSize = 0;
  /** The last forward pooled first and left conv1 and conv2 unwritten (lenet-passes.ts). */
  private convActivationsPending = false;

  /** A network on `threads` threads; prefer this to the constructor, which cannot start workers. */
  static async create(options: WasmLeNetOptions, host: KernelHost): Promise<WasmLeNet5> {
    const threads = options.threads ?? 1;
    const memory = createSharedMemory(1);
    const pool = threads > 1 ? await host.startThreads(threads, memory, host.module) : null;
    return new WasmLeNet5(options, host.module, memory, pool, host.accelerate);
  }

  /**
   * A single-threaded network on the kernels of `module`, some taken over by
   * `accelerate` if given (memory and pool are for create()).
   */
  constructor(options: LeNetOptions, module: WebAssembly.Module, memory: WebAssembly.Memory = createSharedMemory(1),
    private pool: ThreadPool | null = null, accelerate?: KernelAccelerator) {
    this.activation = options.activation;
    this.activationKind = ACTIVATIONS.indexOf(options.activation);
    if (this.activationKind < 0) throw new Error(`unknown activation "${options.activation}"`);
    this.threads = pool?.threads ?? 1;
    this.memory = memory;
    const kernels = instantiateKernels(memory, module);
    this.kernels = accelerate ? accelerate(kernels, memory) : kernels;
    this.layoutValue = this.relayout(INITIAL_CAPACITY);
    this.words = new Int32Array(memory.buffer, 0, 1024);
    this.head = new Float32Array(memory.buffer, 0, 16);
    writeLayout(this.words, this.layoutValue);
    const layout = this.layoutValue;
    this.params = new ParameterSet(LENET_PARAMETERS, {
      values: new Float32Array(memory.buffer, layout.params, layout.paramCount),
      grads: new Float32Array(memory.buffer, layout.grads, layout.paramCount),
    });
    if (options.initialize === false) return; // the shared memory starts at zero
    initTruncatedNormal(this.params, options.initMean ?? 0, options.initStd ?? 0.1,
      new RandomStream(options.seed ?? 0, INIT_STREAM));
  }

  /** The current memory layout (changes when a larger batch comes). */
  get layout(): LeNetLayout {
    return this.layoutValue;
  }

  /** Runs input [B, 1, 32, 32]; returns the logits [B, 10] (a view of the memory, valid until the next forward). */
  forward(input: Float32Array, B: number): Float32Array {
    const inputSize = IMAGE_SIZES.input;
    if (input.length < B * inputSize) {
      throw new RangeError(`forward: input holds ${input.length} values, a batch of ${B} needs ${B * inputSize}`);
    }
    this.reserve(B);
    this.views.input.set(input.subarray(0, B * inputSize));
    return this.forwardStaged(B, 0);
  }

  /**
   * Where to put the uint8 pixels (28×28 each, as the IDX files hold them) of
   * a batch of B images for forwardPixels: a view of the memory, valid until
   * the next call of this or forward.
   */
  pixelBuffer(B: number): Uint8Array {
    this.reserve(B);
    return this.pixels.subarray(0, B * PIXELS_PER_IMAGE);
  }

  /**
   * forward() for the B images staged in pixelBuffer(B): each thread scales and
   * pads its own share (the same values as fillBatch), so the main thread does
   * not have to. Returns the logits [B, 10].
   */
  forwardPixels(B: number): Float32Array {
    if (B > this.layoutValue.capacity) throw new RangeError(`forwardPixels: ${B} images, but pixelBuffer was reserved for fewer`);
    return this.forwardStaged(B, FROM_PIXELS);
  }

  private reserve(B: number): void {
    if (!(Number.isInteger(B) && B >= 1)) throw new RangeError(`forward: the batch size must be a positive integer, got ${B}`);
    if (B > this.layoutValue.capacity) {
      this.layoutValue = this.relayout(B);
      writeLayout(this.words, this.layoutValue);
    }
  }

  private forwardStaged(B: number, flags: number): Float32Array {
    this.batchSize = B;
    const ranges = this.pool && B >= MIN_IMAGES_PER_THREAD * this.threads ? splitEvenly(B, this.threads) : [[0, B] as [number, number]];
    this.run(OP_FORWARD, ranges, flags);
    this.convActivationsPending = poolsFirst(this.activationKind);
    return this.views.logits.subarray(0, B * LENET.classes);
  }

  /** Softmax cross-entropy of the last forward's logits against labels; fills the probabilities. */
  loss(labels: ArrayLike<number>): LossResult {
    return softmaxCrossEntropyForward(this.views.probabilities, this.views.logits, labels, this.batchSize, LENET.classes);
  }

  /** Gradients of the last forward's mean loss (after loss()) into params.grads, overwriting them. */
  backward(labels: ArrayLike<number>): void {
    const B = this.batchSize;
    const dlogits = this.views.dlogits.subarray(0, B * LENET.classes);
    dlogits.fill(0);
    softmaxCrossEntropyBackward(dlogits, this.views.probabilities, labels, B, LENET.classes);
    const shards = gradientShards(B);
    const ranges: [number, number][] = this.pool && shards > 1 ? splitEvenly(shards, this.threads) : [[0, shards]];
    Atomics.store(this.words, BATCH_SIZE_WORD, B);
    this.run(OP_BACKWARD, ranges);
    this.convActivationsPending = false;
    sumShardsAcrossThreads(this.kernels, this.layoutValue, B, ranges);
  }

  fc2Features(): Float32Array {
    return this.views.fc2.subarray(0, this.batchSize * LENET.fc2);
  }

  featureMaps(): FeatureMaps {
    const B = this.batchSize;
    if (this.convActivationsPending) {
      materializeConvActivations(this.kernels, this.layoutValue, this.activationKind, 0, B, false);
      this.convActivationsPending = false;
    }
    const view = (name: BatchBuffer) => this.views[name].subarray(0, B * IMAGE_SIZES[name]);
    return {
      conv1: view("conv1"), pool1: view("pool1"), conv2: view("conv2"), pool2: view("pool2"),
      fc1: view("fc1"), fc2: view("fc2"), logits: view("logits"), probabilities: view("probabilities"),
    };
  }

  /**
   * Applies an optimizer's update (sgd or adam/adamw) to the parameters, each
   * thread to its share of them: the same bits as one thread doing it all.
   */
  updateParameters(update: ParameterUpdate): void {
    if (!this.pool) {
      applyUpdate(this.kernels, this.layoutValue, update, 0, this.layoutValue.paramCount);
      return;
    }
    writeUpdate(this.head, update);
    this.run(OP_UPDATE, updateRanges(this.layoutValue.paramCount, this.threads), 0, update);
  }

  /** The index (in params.grads) of the first gradient that is NaN or infinite, or −1. */
  firstNonFiniteGradient(): number {
    return this.kernels.firstNonFinite(this.layoutValue.grads, this.layoutValue.paramCount);
  }

  /** Stops the worker threads; the network keeps working on the main thread alone. */
  async dispose(): Promise<void> {
    if (this.pool) await this.pool.close();
    this.pool = null;
  }

  /**
   * Runs op on every thread's range (images for forward, gradient shards for
   * backward, parameters for an update): the workers' in the background, the
   * main thread's here.
   */
  private run(op: number, ranges: readonly (readonly [number, number])[], flags = 0, update?: ParameterUpdate): void {
    const [r0, r1] = ranges[0];
    const fromPixels = (flags & FROM_PIXELS) !== 0;
    const pass = () => op === OP_FORWARD
      ? forwardRange(this.kernels, this.layoutValue, this.activationKind, 0, r0, r1, fromPixels)
      : op === OP_UPDATE ? applyUpdate(this.kernels, this.layoutValue, update!, r0, r1)
      : backwardShards(this.kernels, this.layoutValue, this.activationKind, 0, r0, r1, this.batchSize);
    if (this.pool && ranges.length > 1) {
      this.pool.dispatch(op, this.activationKind, ranges, flags);
      try {
        pass();
      } finally {
        this.pool.join();
      }
    } else {
      pass();
    }
  }

  /** A layout for `capacity` images (growing the memory as needed) and fresh views of its batch buffers. */
  private relayout(capacity: number): LeNetLayout {
    const layout = lenetLayout(this.threads, capacity);
    ensureMemoryBytes(this.memory, layout.end);
    const buffer = this.memory.buffer;
    for (const name of Object.keys(IMAGE_SIZES) as BatchBuffer[]) {
      this.views[name] = new Float32Array(buffer, layout[name], capacity * IMAGE_SIZES[name]);
    }
    this.pixels = new Uint8Array(buffer, layout.pixels, capacity * PIXELS_PER_IMAGE);
    return layout;
  }
}

// Turning uint8 images into network input, and the seeded order in which the
// training images are visited.
//
// A batch is [B, 1, rows + 2·padding, cols + 2·padding] float32: pixels
// scaled to [0, 1] and each digit zero-padded on every side. The padding is
// the network's to say (LeNet-5 pads its 28×28 digits by 2 to 32×32:
// src/engine/architecture.ts), so callers pass it.

import { RandomStream, RandomState } from "../util/random.js";
import { ImageSet } from "./datasets.js";

/**
 * Writes images[indices[k]] (rows × cols uint8, 28×28 for MNIST) scaled and
 * padded by `padding` zeros on every side into out[k] ((rows + 2·padding) ×
 * (cols + 2·padding) float32: 32×32 with LeNet-5's padding of 2), and their
 * labels into labels[k], for k in [0, count).
 */
export function fillBatch(
  out: Float32Array,
  labels: Int32Array,
  set: ImageSet,
  indices: ArrayLike<number>,
  padding: number,
  count: number = indices.length,
): void {
  const { rows, cols } = set;
  const imageSize = rows * cols;
  const paddedWidth = cols + 2 * padding;
  const paddedSize = (rows + 2 * padding) * paddedWidth;
  out.fill(0, 0, count * paddedSize);
  for (let k = 0; k < count; k++) {
    const index = indices[k];
    const src = index * imageSize;
    const dst = k * paddedSize;
    for (let r = 0; r < rows; r++) {
      const srcRow = src + r * cols;
      const dstRow = dst + (r + padding) * paddedWidth + padding;
      for (let c = 0; c < cols; c++) out[dstRow + c] = set.images[srcRow + c] / 255;
    }
    labels[k] = set.labels[index];
  }
}

/** Where a BatchSampler stands: enough to continue the same sequence exactly. */
export interface SamplerState {
  epoch: number;
  position: number;
  order: number[];
  random: RandomState;
}

/**
 * Visits the training set in a seeded random order, epoch after epoch. Each
 * epoch is a fresh shuffle and every image is seen exactly once per epoch; a
 * batch that reaches the end of an epoch is completed from the start of the
 * next one, so all batches are full.
 */
export class BatchSampler {
  private readonly random: RandomStream;
  private order: Int32Array;
  private position = 0;
  private epochIndex = 0;

  constructor(readonly size: number, seed: number, streamId: number) {
    this.random = new RandomStream(seed, streamId);
    this.order = Int32Array.from({ length: size }, (_, i) => i);
    this.random.shuffle(this.order);
  }

  /** Completed epochs so far. */
  get epoch(): number {
    return this.epochIndex;
  }

  /** Fills indices with the next indices.length training indices. */
  next(indices: Int32Array): void {
    for (let k = 0; k < indices.length; k++) {
      if (this.position === this.size) {
        this.random.shuffle(this.order);
        this.position = 0;
        this.epochIndex++;
      }
      indices[k] = this.order[this.position++];
    }
  }

  getState(): SamplerState {
    return { epoch: this.epochIndex, position: this.position, order: Array.from(this.order), random: this.random.getState() };
  }

  setState(state: SamplerState): void {
    if (state.order.length !== this.size) {
      throw new Error(`sampler state covers ${state.order.length} images, this training set has ${this.size}`);
    }
    this.order = Int32Array.from(state.order);
    this.position = state.position;
    this.epochIndex = state.epoch;
    this.random.setState(state.random);
  }
}

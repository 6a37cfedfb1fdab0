// How a batch of images reaches a network: the js backend gets float pixels
// scaled and padded here (fillBatch); the wasm backend gets the images' uint8
// pixels and lets every thread scale and pad its own share. Used by training
// and evaluation alike.

import { fillBatch } from "../data/batches.js";
import { ImageSet } from "../data/datasets.js";
import { LENET_INPUT_PADDING, PIXELS_PER_IMAGE } from "../engine/architecture.js";
import { Network } from "../engine/network.js";
import { WasmLeNet5 } from "../engine/wasm/wasm-lenet.js";

/**
 * Runs network forward on images indices[0, count) of set and writes their
 * labels; returns the logits. The same as fillBatch into `input` followed by
 * network.forward(input, count), which is what it does for the js backend;
 * the wasm backend instead takes the images' uint8 pixels and lets every
 * thread scale and pad its own share (the same values), which keeps the main
 * thread from converting the whole batch alone.
 */
export function forwardImageSet(
  network: Network, set: ImageSet, indices: ArrayLike<number>, count: number, input: Float32Array, labels: Int32Array,
): Float32Array {
  if (!(network instanceof WasmLeNet5) || set.rows * set.cols !== PIXELS_PER_IMAGE) {
    fillBatch(input, labels, set, indices, LENET_INPUT_PADDING, count);
    return network.forward(input, count);
  }
  const pixels = network.pixelBuffer(count);
  let contiguous = true;
  for (let k = 0; k < count; k++) {
    labels[k] = set.labels[indices[k]];
    if (indices[k] !== indices[0] + k) contiguous = false;
  }
  if (contiguous) {
    pixels.set(set.images.subarray(indices[0] * PIXELS_PER_IMAGE, (indices[0] + count) * PIXELS_PER_IMAGE));
  } else {
    for (let k = 0; k < count; k++) {
      const start = indices[k] * PIXELS_PER_IMAGE;
      pixels.set(set.images.subarray(start, start + PIXELS_PER_IMAGE), k * PIXELS_PER_IMAGE);
    }
  }
  return network.forwardPixels(count);
}

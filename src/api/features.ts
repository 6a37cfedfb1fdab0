// The 84 fc2 features of images, from code: what the fc2 maps show, for any
// images of a data set (or of your own, scaled to [0, 1] and 28×28).

import { fillBatch } from "../data/batches.js";
import type { ImageSet } from "../data/datasets.js";
import { INPUT_VALUES_PER_IMAGE, LENET_IMAGE_SIDE, LENET_INPUT_PADDING, PIXELS_PER_IMAGE, describeLayer } from "../engine/architecture.js";
import type { Network } from "../engine/network.js";

/** Units of fc2, the last hidden layer (84 in the classic LeNet-5). */
export const FC2_FEATURES = describeLayer("fc2").outputShape[0]!;

/**
 * fc2's activations for images `indices` of `set`: a Float32Array of
 * indices.length × 84 values, row k for image indices[k].
 */
export function fc2Features(network: Network, set: ImageSet, indices: ArrayLike<number>): Float32Array {
  const count = indices.length;
  const input = new Float32Array(count * INPUT_VALUES_PER_IMAGE);
  fillBatch(input, new Int32Array(count), set, indices, LENET_INPUT_PADDING);
  network.forward(input, count);
  return Float32Array.from(network.fc2Features().subarray(0, count * FC2_FEATURES));
}

/**
 * fc2's activations for your own digits: `pixels` holds N images of 28×28
 * values in [0, 1], row by row (e.g. a canvas drawing, scaled).
 */
export function fc2FeaturesOfPixels(network: Network, pixels: Float32Array): Float32Array {
  if (pixels.length % PIXELS_PER_IMAGE !== 0) {
    throw new RangeError(`pixels must hold whole ${LENET_IMAGE_SIDE}×${LENET_IMAGE_SIDE} images (${PIXELS_PER_IMAGE} values each), got ${pixels.length} values`);
  }
  const count = pixels.length / PIXELS_PER_IMAGE;
  const side = LENET_IMAGE_SIDE + 2 * LENET_INPUT_PADDING;
  const input = new Float32Array(count * INPUT_VALUES_PER_IMAGE);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < LENET_IMAGE_SIDE; y++) {
      const from = n * PIXELS_PER_IMAGE + y * LENET_IMAGE_SIDE;
      input.set(pixels.subarray(from, from + LENET_IMAGE_SIDE), n * INPUT_VALUES_PER_IMAGE + (y + LENET_INPUT_PADDING) * side + LENET_INPUT_PADDING);
    }
  }
  network.forward(input, count);
  return Float32Array.from(network.fc2Features().subarray(0, count * FC2_FEATURES));
}

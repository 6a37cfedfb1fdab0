// LeNet-5's forward and backward passes over a range of images [b0, b1) of
// the batch, as calls of the WebAssembly kernels on a memory laid out by
// memory-layout.ts. The main thread and every worker thread run these same
// functions on their own ranges; the range's images are computed exactly as
// they would be alone, so a forward pass gives the same bits whatever the
// split. The loss and its gradient (dlogits) are not here: the network
// computes them for the whole batch (wasm-lenet.ts).

import { LENET } from "../lenet.js";
import { WasmKernels } from "./kernels.js";
import { IMAGE_SIZES, LeNetLayout, BatchBuffer, PIXELS_PER_IMAGE } from "./memory-layout.js";

const K = LENET.kernel;

/** Byte offset of image b in batch buffer `name`. */
export function imageOffset(layout: LeNetLayout, name: BatchBuffer, b: number): number {
  return layout[name] + b * IMAGE_SIZES[name] * 4;
}

/**
 * Forward for images [b0, b1): everything from conv1Pre to the logits; first
 * the input from the staged uint8 pixels when fromPixels.
 */
export function forwardRange(
  k: WasmKernels, layout: LeNetLayout, activation: number, thread: number, b0: number, b1: number, fromPixels = false,
): void {
  const n = b1 - b0;
  if (n <= 0) return;
  const at = (name: BatchBuffer) => imageOffset(layout, name, b0);
  const p = (offset: number) => layout.params + offset;
  const col = layout.scratch + thread * layout.scratchStride;

  if (fromPixels) k.padImages(at("input"), layout.pixels + b0 * PIXELS_PER_IMAGE, n);

  k.conv2dForward(at("conv1Pre"), at("input"), p(layout.conv1w), p(layout.conv1b), col,
    n, 1, LENET.inputSide, LENET.inputSide, LENET.conv1Channels, K);
  k.activationForward(activation, at("conv1"), at("conv1Pre"), n * IMAGE_SIZES.conv1);
  k.maxPoolForward(at("pool1"), at("conv1"), n, LENET.conv1Channels, LENET.conv1Side, LENET.conv1Side);

  k.conv2dForward(at("conv2Pre"), at("pool1"), p(layout.conv2w), p(layout.conv2b), col,
    n, LENET.conv1Channels, LENET.pool1Side, LENET.pool1Side, LENET.conv2Channels, K);
  k.activationForward(activation, at("conv2"), at("conv2Pre"), n * IMAGE_SIZES.conv2);
  k.maxPoolForward(at("pool2"), at("conv2"), n, LENET.conv2Channels, LENET.conv2Side, LENET.conv2Side);

  k.denseForward(at("fc1Pre"), at("pool2"), p(layout.fc1w), p(layout.fc1b), n, LENET.flat, LENET.fc1);
  k.activationForward(activation, at("fc1"), at("fc1Pre"), n * LENET.fc1);
  k.denseForward(at("fc2Pre"), at("fc1"), p(layout.fc2w), p(layout.fc2b), n, LENET.fc1, LENET.fc2);
  k.activationForward(activation, at("fc2"), at("fc2Pre"), n * LENET.fc2);
  k.denseForward(at("logits"), at("fc2"), p(layout.fc3w), p(layout.fc3b), n, LENET.fc2, LENET.classes);
}

/**
 * Backward for images [b0, b1), from dlogits (already written for the whole
 * batch, scaled by 1/B) to the parameter gradients, which are written
 * (overwritten) into thread `thread`'s gradient block.
 */
export function backwardRange(k: WasmKernels, layout: LeNetLayout, activation: number, thread: number, b0: number, b1: number): void {
  const grads = layout.grads + thread * layout.paramStride;
  k.zeroBytes(grads, layout.paramCount * 4);
  const n = b1 - b0;
  if (n <= 0) return;
  const at = (name: BatchBuffer) => imageOffset(layout, name, b0);
  const p = (offset: number) => layout.params + offset;
  const g = (offset: number) => grads + offset;
  const col = layout.scratch + thread * layout.scratchStride;

  k.denseBackward(at("dfc2"), g(layout.fc3w), g(layout.fc3b), at("dlogits"), at("fc2"), p(layout.fc3w),
    n, LENET.fc2, LENET.classes, 0);
  k.activationBackward(activation, at("dfc2"), at("dfc2"), at("fc2Pre"), at("fc2"), n * LENET.fc2, 0);
  k.denseBackward(at("dfc1"), g(layout.fc2w), g(layout.fc2b), at("dfc2"), at("fc1"), p(layout.fc2w),
    n, LENET.fc1, LENET.fc2, 0);
  k.activationBackward(activation, at("dfc1"), at("dfc1"), at("fc1Pre"), at("fc1"), n * LENET.fc1, 0);
  k.denseBackward(at("dpool2"), g(layout.fc1w), g(layout.fc1b), at("dfc1"), at("pool2"), p(layout.fc1w),
    n, LENET.flat, LENET.fc1, 0);

  k.maxPoolBackward(at("dconv2"), at("dpool2"), at("conv2"), at("pool2"), n, LENET.conv2Channels, LENET.conv2Side, LENET.conv2Side, 0);
  k.activationBackward(activation, at("dconv2"), at("dconv2"), at("conv2Pre"), at("conv2"), n * IMAGE_SIZES.conv2, 0);
  k.zeroBytes(at("dpool1"), n * IMAGE_SIZES.dpool1 * 4);
  k.conv2dBackward(at("dpool1"), g(layout.conv2w), g(layout.conv2b), at("dconv2"), at("pool1"), p(layout.conv2w), col,
    n, LENET.conv1Channels, LENET.pool1Side, LENET.pool1Side, LENET.conv2Channels, K);

  k.maxPoolBackward(at("dconv1"), at("dpool1"), at("conv1"), at("pool1"), n, LENET.conv1Channels, LENET.conv1Side, LENET.conv1Side, 0);
  k.activationBackward(activation, at("dconv1"), at("dconv1"), at("conv1Pre"), at("conv1"), n * IMAGE_SIZES.conv1, 0);
  k.conv2dBackward(0, g(layout.conv1w), g(layout.conv1b), at("dconv1"), at("input"), p(layout.conv1w), col,
    n, 1, LENET.inputSide, LENET.inputSide, LENET.conv1Channels, K);
}

// What the Train page and its training worker say to each other.

import type { KernelBuild } from "../../../../engine/wasm/kernels.js";
import type { RunConfig } from "../../../../train/config.js";
import type { Mistake } from "../../../../train/confusion.js";
import type { EvalRecord } from "../../../../train/trainer.js";
import type { PlaygroundSettings } from "../../../playground-settings.js";

export type ToWorker =
  | { type: "start"; config: RunConfig; threads: number; dataUrl: string; mnist: PlaygroundSettings["mnist"]; kernelUrls: Record<KernelBuild, string>; build?: KernelBuild; probeIndex: number }
  | { type: "pause" }
  | { type: "resume" }
  /** A 28×28 image (uint8, white on black as MNIST) to classify with the network as it stands (when paused or done). */
  | { type: "classify"; pixels: Uint8Array };

/** Pictures of the network at an evaluation: weights and one test digit's feature maps, as float arrays with their shapes. */
export interface NetworkPictures {
  conv1: Float32Array;
  conv2: Float32Array;
  fc1: Float32Array;
  /** The probe digit: its 28×28 pixels, its label, its conv1 [6,28,28] and conv2 [16,10,10] activations, its class probabilities. */
  probe: { pixels: Uint8Array; label: number; conv1: Float32Array; conv2: Float32Array; probabilities: Float32Array };
}

export type FromWorker =
  | { type: "ready"; build: KernelBuild; threads: number; isolated: boolean; loadSeconds: number }
  | { type: "steps"; iterations: number[]; losses: number[]; accuracies: number[]; imagesPerSecond: number }
  | { type: "eval"; record: EvalRecord; confusion: Int32Array; surest: Mistake[]; pictures: NetworkPictures }
  | { type: "paused"; iteration: number }
  | { type: "done"; final: EvalRecord; trainImagesPerSecond: number; seconds: number; trainSeconds: number; parameters: Float32Array }
  | { type: "classified"; probabilities: Float32Array; fc2: Float32Array }
  /** At the end: each digit's fc2 map (the first 100 test images of that digit × 84 units, as `lenet-lab features` computes it) and the cosine similarity of the digits' mean fc2 vectors (10 × 10). */
  | { type: "fc2"; byDigit: Float32Array[]; similarity: Float64Array }
  | { type: "error"; message: string };

// The Train page's training worker: loads MNIST and the kernels, then trains
// LeNet-5 with the very loop `lenet-lab train` runs (trainNetwork), on its own
// thread and, where the page is cross-origin isolated, on more Web Workers
// sharing the network's memory. It posts the losses in batches (at most every
// 100 ms), and at each evaluation the record, the confusion matrix and
// pictures of the network. Pausing stops the loop with a snapshot of where it
// stood (the loop's own interruption); resuming continues from it, so a paused
// run's numbers are those of an uninterrupted one.

import { INPUT_VALUES_PER_IMAGE, LENET_IMAGE_SIDE, PIXELS_PER_IMAGE } from "../../../../engine/architecture.js";
import type { Network } from "../../../../engine/network.js";
import { WasmLeNet5 } from "../../../../engine/wasm/wasm-lenet.js";
import type { Dataset } from "../../../../data/datasets.js";
import type { RunConfig } from "../../../../train/config.js";
import { classMeans, computeFc2Matrices, cosineSimilarity, selectFc2Images } from "../../../../figures/fc2-matrices.js";
import { forwardImageSet } from "../../../../train/image-staging.js";
import { DivergenceError, InterruptedError, TrainingCallbacks, TrainingState, trainNetwork } from "../../../../train/trainer.js";
import { browserKernelHost, loadKernels } from "./browser-kernels.js";
import type { FromWorker, NetworkPictures, ToWorker } from "./messages.js";
import { fetchMnist } from "./mnist.js";

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  crossOriginIsolated: boolean;
};

const STEP_POST_MS = 100;

let pauseRequested = false;
let resumeWith: ((go: boolean) => void) | null = null;
/** The network, once it may be asked to classify (paused or done); null while it trains. */
let idleNetwork: Network | null = null;

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === "start") void run(message).catch((error: unknown) => post({ type: "error", message: describeError(error) }));
  else if (message.type === "pause") pauseRequested = true;
  else if (message.type === "resume") resumeWith?.(true);
  else if (message.type === "classify") classify(message.pixels);
};

function classify(pixels: Uint8Array): void {
  if (!idleNetwork) return post({ type: "error", message: "the network is training; pause it (or let it finish) to classify a drawing" });
  const image = { images: pixels, labels: new Uint8Array(1), count: 1, rows: LENET_IMAGE_SIDE, cols: LENET_IMAGE_SIDE };
  const logits = forwardImageSet(idleNetwork, image, [0], 1, new Float32Array(INPUT_VALUES_PER_IMAGE), new Int32Array(1));
  post({ type: "classified", probabilities: softmax(logits), fc2: idleNetwork.fc2Features().slice() });
}

/** An error as the page says it (a blow-up in the page's words: there is no --lr here). */
function describeError(error: unknown): string {
  if (error instanceof DivergenceError) {
    return `training diverged at iteration ${error.iteration}: ${error.what}. The learning rate (${error.lr}) is probably too high ` +
      "for this activation and optimizer: try a smaller one";
  }
  return error instanceof Error ? error.message : String(error);
}

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

async function run(start: Extract<ToWorker, { type: "start" }>): Promise<void> {
  const loading = performance.now();
  const [dataset, kernels] = await Promise.all([fetchMnist(start.dataUrl, start.mnist), loadKernels(start.kernelUrls, start.build)]);
  const threads = scope.crossOriginIsolated ? start.threads : 1;
  const config: RunConfig = { ...start.config, threads };
  const network = await WasmLeNet5.create({
    activation: config.activation, initMean: config.initMean, initStd: config.initStd, seed: config.seed, threads,
  }, browserKernelHost(kernels.module));
  post({ type: "ready", build: kernels.build, threads: network.threads, isolated: scope.crossOriginIsolated, loadSeconds: (performance.now() - loading) / 1000 });

  const steps = { iterations: [] as number[], losses: [] as number[], accuracies: [] as number[] };
  let lastPost = performance.now();
  let imagesPerSecond = 0;
  const flushSteps = () => {
    if (steps.iterations.length === 0) return;
    post({ type: "steps", ...steps, imagesPerSecond });
    steps.iterations = [];
    steps.losses = [];
    steps.accuracies = [];
    lastPost = performance.now();
  };
  const callbacks: TrainingCallbacks = {
    onStep(step) {
      steps.iterations.push(step.iteration);
      steps.losses.push(step.loss);
      steps.accuracies.push(step.accuracy);
      imagesPerSecond = (step.iteration * config.batchSize) / step.trainSeconds;
      if (performance.now() - lastPost >= STEP_POST_MS) flushSteps();
    },
    onEval(record, model, evaluation) {
      flushSteps();
      const pictures = picturesOf(model, dataset, start.probeIndex);
      const confusion = evaluation.confusion.slice();
      post({ type: "eval", record, confusion, surest: evaluation.surest, pictures }, [confusion.buffer]);
    },
  };

  let resume: TrainingState | undefined;
  for (;;) {
    try {
      pauseRequested = false;
      const result = await trainNetwork(network, config, dataset, {
        resume,
        callbacks,
        shouldStop: () => pauseRequested,
        onCheckpoint: () => {},
      });
      flushSteps();
      const parameters = network.params.values.slice();
      post({
        type: "done", final: result.final, trainImagesPerSecond: result.trainImagesPerSecond, seconds: result.seconds,
        trainSeconds: result.trainSeconds, parameters,
      }, [parameters.buffer]);
      const fc2 = computeFc2Matrices(network, dataset.test, selectFc2Images(dataset.test, "first", null));
      post({ type: "fc2", byDigit: fc2.byDigit, similarity: cosineSimilarity(classMeans(fc2.byDigit)) });
      // The worker stays to classify drawings; its kernel threads are no longer needed.
      await network.dispose();
      idleNetwork = network;
      return;
    } catch (error) {
      if (!(error instanceof InterruptedError)) throw error;
      flushSteps();
      resume = error.state;
      post({ type: "paused", iteration: error.iteration });
      idleNetwork = network;
      await new Promise<boolean>((resolve) => (resumeWith = resolve));
      idleNetwork = null;
      resumeWith = null;
    }
  }
}

/**
 * Copies of the weights drawn on the page, and the probe digit's activations:
 * one forward pass of that test image, which changes no parameter (the next
 * training step makes its own forward pass).
 */
function picturesOf(model: Network, dataset: Dataset, probeIndex: number): NetworkPictures {
  const weight = (name: string) => model.params.get(name).value.slice();
  const test = dataset.test;
  const index = Math.min(Math.max(0, probeIndex), test.count - 1);
  const pixels = test.images.slice(index * PIXELS_PER_IMAGE, (index + 1) * PIXELS_PER_IMAGE);
  const logits = forwardImageSet(model, test, [index], 1, new Float32Array(INPUT_VALUES_PER_IMAGE), new Int32Array(1));
  const maps = model.featureMaps();
  return {
    conv1: weight("conv1/weight"), conv2: weight("conv2/weight"), fc1: weight("fc1/weight"),
    probe: { pixels, label: test.labels[index], conv1: maps.conv1.slice(), conv2: maps.conv2.slice(), probabilities: softmax(logits) },
  };
}

/** The class probabilities of one image's logits (a forward pass leaves the probabilities to the loss, which needs labels). */
export function softmax(logits: Float32Array): Float32Array {
  const top = Math.max(...logits);
  const exps = Array.from(logits, (z) => Math.exp(z - top));
  const sum = exps.reduce((a, b) => a + b, 0);
  return Float32Array.from(exps, (e) => e / sum);
}

// The training loop: batches from the seeded sampler, forward, loss, backward,
// optimizer step; the full test set evaluated every evalEvery iterations and
// after the last. It reports through callbacks and returns the run's result;
// it writes no files (see run-directory.ts) and prints nothing (see the CLI).

import { BatchSampler, fillBatch } from "../data/batches.js";
import { Dataset } from "../data/datasets.js";
import { LeNet5 } from "../engine/lenet.js";
import { Network } from "../engine/network.js";
import { Optimizer, createOptimizer } from "../optim/optimizers.js";
import { RunConfig } from "./config.js";
import { EvalBuffers, evaluateImageSet } from "./evaluate.js";

/** Random stream id of the training-data order (see INIT_STREAM for the weights). */
export const DATA_ORDER_STREAM = 2;

export interface EvalRecord {
  iteration: number;
  /** Images trained on so far. */
  images: number;
  epoch: number;
  /** Mean loss and accuracy over the training batches since the previous evaluation. */
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** Seconds since training started (including evaluations). */
  seconds: number;
}

export interface StepInfo {
  iteration: number;
  loss: number;
  accuracy: number;
  lr: number;
}

/**
 * Called during training. onStep runs after each optimizer step (params.grads
 * still hold that step's gradients); onEval after each evaluation, when the
 * network's last forward was the final test batch. Callbacks may read the
 * network but must not change it.
 */
export interface TrainingCallbacks {
  onStep?(step: StepInfo, network: Network): void;
  onEval?(record: EvalRecord, network: Network): void;
}

export interface TrainingResult {
  model: Network;
  optimizer: Optimizer;
  history: EvalRecord[];
  final: EvalRecord;
  /** Wall time of the whole run, and of its training steps alone (without evaluations). */
  seconds: number;
  trainSeconds: number;
  trainImagesPerSecond: number;
}

/** The error a run stops with when the loss stops being a finite number. */
export class DivergenceError extends Error {
  constructor(readonly iteration: number, readonly loss: number, lr: number) {
    super(`training diverged at iteration ${iteration}: the loss is ${loss}. ` +
      `The learning rate (${lr}) is probably too high for this activation and optimizer; try a smaller --lr`);
    this.name = "DivergenceError";
  }
}

/** Runs config.iterations training steps on dataset. Yields to the event loop regularly so that timers and signals run. */
export async function train(config: RunConfig, dataset: Dataset, callbacks: TrainingCallbacks = {}): Promise<TrainingResult> {
  const model = new LeNet5({
    activation: config.activation,
    initMean: config.initMean,
    initStd: config.initStd,
    seed: config.seed,
  });
  const optimizer = createOptimizer(config.optimizer, model.params);
  const sampler = new BatchSampler(dataset.train.count, config.seed, DATA_ORDER_STREAM);
  const B = config.batchSize;
  const input = new Float32Array(B * 32 * 32);
  const labels = new Int32Array(B);
  const indices = new Int32Array(B);
  const evalBuffers = new EvalBuffers();
  const history: EvalRecord[] = [];

  const started = performance.now();
  let trainMilliseconds = 0;
  let lastYield = started;
  let windowLoss = 0;
  let windowCorrect = 0;
  let windowSteps = 0;

  for (let iteration = 1; iteration <= config.iterations; iteration++) {
    const stepStart = performance.now();
    sampler.next(indices);
    fillBatch(input, labels, dataset.train, indices);
    model.forward(input, B);
    const { loss, correct } = model.loss(labels);
    if (!Number.isFinite(loss)) throw new DivergenceError(iteration, loss, config.lr);
    model.backward(labels);
    optimizer.step(config.lr);
    const stepEnd = performance.now();
    trainMilliseconds += stepEnd - stepStart;

    windowLoss += loss;
    windowCorrect += correct;
    windowSteps++;
    callbacks.onStep?.({ iteration, loss, accuracy: correct / B, lr: config.lr }, model);

    if (iteration % config.evalEvery === 0 || iteration === config.iterations) {
      const test = evaluateImageSet(model, dataset.test, evalBuffers);
      const record: EvalRecord = {
        iteration,
        images: iteration * B,
        epoch: (iteration * B) / dataset.train.count,
        trainLoss: windowLoss / windowSteps,
        trainAccuracy: windowCorrect / (windowSteps * B),
        testLoss: test.loss,
        testAccuracy: test.accuracy,
        seconds: (performance.now() - started) / 1000,
      };
      history.push(record);
      callbacks.onEval?.(record, model);
      windowLoss = windowCorrect = windowSteps = 0;
    }
    if (performance.now() - lastYield > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
  }

  const trainSeconds = trainMilliseconds / 1000;
  return {
    model,
    optimizer,
    history,
    final: history[history.length - 1],
    seconds: (performance.now() - started) / 1000,
    trainSeconds,
    trainImagesPerSecond: (config.iterations * B) / trainSeconds,
  };
}

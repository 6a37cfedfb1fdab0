// The training loop: batches from the seeded sampler, forward, loss, backward,
// optimizer step; the full test set evaluated every evalEvery iterations and
// after the last. It reports through callbacks and returns the run's result;
// it writes no files (see run-directory.ts) and prints nothing (see the CLI).
// It trains a network it is given, in Node or in a page's Web Worker alike;
// train.ts creates one on this process's backend and trains it.

import { BatchSampler, SamplerState } from "../data/batches.js";
import { Dataset } from "../data/datasets.js";
import { INPUT_VALUES_PER_IMAGE } from "../engine/architecture.js";
import { createNetworkOptimizer } from "../optim/network-optimizer.js";
import { forwardImageSet } from "./image-staging.js";
import { Network } from "../engine/network.js";
import { WasmLeNet5 } from "../engine/wasm/wasm-lenet.js";
import { Optimizer, OptimizerState } from "../optim/optimizers.js";
import { RunConfig } from "./config.js";
import { EvalBuffers, EvalResult, evaluateImageSet } from "./evaluate.js";
import { yieldToEventLoop } from "../util/yield.js";

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
  /** Seconds spent in training steps so far (forward, backward, update; not evaluations or logging), a resumed run's earlier ones included. */
  trainSeconds: number;
}

/**
 * Called during training. onStep runs after each optimizer step (params.grads
 * still hold that step's gradients); onEval after each evaluation, when the
 * network's last forward was the final test batch. Callbacks may read the
 * network but must not change it. Either may return "stop" to end training
 * after this iteration: the test set is evaluated once more (unless it just
 * was) and the result returned as if the run had been that long.
 */
export interface TrainingCallbacks {
  /** Return "stop" to end training after this iteration (any other value is ignored). */
  onStep?(step: StepInfo, network: Network): unknown;
  /**
   * `evaluation` also holds the test set's confusion matrix. Return "stop" to
   * end training after this evaluation (any other value is ignored).
   */
  onEval?(record: EvalRecord, network: Network, evaluation: EvalResult): unknown;
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

/**
 * A batch loss above this means the network has blown up: 10 × ln 10, ten
 * times the loss of guessing uniformly among the 10 classes (a healthy run
 * starts near ln 10 ≈ 2.3 and goes down). Softmax cross-entropy is computed
 * stably, so a blow-up shows as a huge loss long before it shows as NaN.
 */
export const DIVERGED_LOSS = 10 * Math.log(10);

/**
 * The error a run stops with when it has blown up: a loss above DIVERGED_LOSS,
 * or a loss or gradient that is not a finite number. The run's last
 * checkpoint (before the blow-up) stays as it was.
 */
export class DivergenceError extends Error {
  constructor(readonly iteration: number, readonly what: string, readonly lr: number) {
    super(`training diverged at iteration ${iteration}: ${what}. ` +
      `The learning rate (${lr}) is probably too high for this activation and optimizer; try a smaller --lr ` +
      "(or --on-nan continue to watch the blow-up)");
    this.name = "DivergenceError";
  }
}

/** The error a run stops with when asked to (Ctrl-C, SIGTERM) after saving a checkpoint of where it is. */
export class InterruptedError extends Error {
  constructor(readonly iteration: number, readonly state: TrainingState) {
    super(`training interrupted after iteration ${iteration}`);
    this.name = "InterruptedError";
  }
}

/** Everything needed to continue training exactly where it stood after `iteration` steps. */
export interface TrainingState {
  iteration: number;
  /** A copy of the parameter values. */
  parameters: Float32Array;
  optimizer: OptimizerState;
  sampler: SamplerState;
  history: EvalRecord[];
  /** Sums over the training batches since the last evaluation. */
  window: { loss: number; correct: number; steps: number };
  trainMilliseconds: number;
  elapsedMilliseconds: number;
}

export interface TrainOptions {
  callbacks?: TrainingCallbacks;
  /** Continue from this state instead of starting afresh. */
  resume?: TrainingState;
  /** Take a checkpoint every this many iterations (0: never) and after the last. */
  checkpointEvery?: number;
  /** Receives each checkpoint; called synchronously, so it may write files before training goes on. */
  onCheckpoint?(state: TrainingState): void;
  /** Checked after every iteration: when it says so, a checkpoint is taken and InterruptedError thrown. */
  shouldStop?(): boolean;
  /** The learning rate of each iteration (1, 2, …); default: config.lr throughout. */
  learningRate?(iteration: number): number;
}

/**
 * Runs config.iterations training steps of `model` (a network made from
 * config: its activation, seed and initialisation) on dataset, continuing
 * from options.resume when given. Yields to the event loop regularly so that
 * timers, signals and messages run.
 */
export async function trainNetwork(model: Network, config: RunConfig, dataset: Dataset, options: TrainOptions = {}): Promise<TrainingResult> {
  const callbacks = options.callbacks ?? {};
  const optimizer = createNetworkOptimizer(config.optimizer, model);
  const sampler = new BatchSampler(dataset.train.count, config.seed, DATA_ORDER_STREAM);
  const B = config.batchSize;
  const input = new Float32Array(B * INPUT_VALUES_PER_IMAGE);
  const labels = new Int32Array(B);
  const indices = new Int32Array(B);
  const evalBuffers = new EvalBuffers();

  const resume = options.resume;
  if (resume) {
    model.params.values.set(resume.parameters);
    optimizer.setState(resume.optimizer);
    sampler.setState(resume.sampler);
  }
  const history: EvalRecord[] = resume ? [...resume.history] : [];
  let window = resume ? { ...resume.window } : { loss: 0, correct: 0, steps: 0 };
  let trainMilliseconds = resume?.trainMilliseconds ?? 0;
  const started = performance.now() - (resume?.elapsedMilliseconds ?? 0);
  let lastYield = performance.now();

  const snapshot = (iteration: number): TrainingState => ({
    iteration,
    parameters: model.params.values.slice(),
    optimizer: optimizer.getState(),
    sampler: sampler.getState(),
    history: [...history],
    window: { ...window },
    trainMilliseconds,
    elapsedMilliseconds: performance.now() - started,
  });

  let stopRequested = false;
  let lastIteration = resume?.iteration ?? 0;
  for (let iteration = (resume?.iteration ?? 0) + 1; iteration <= config.iterations && !stopRequested; iteration++) {
    lastIteration = iteration;
    const lr = options.learningRate ? options.learningRate(iteration) : config.lr;
    if (!(Number.isFinite(lr) && lr >= 0)) throw new RangeError(`the learning rate schedule gave ${lr} for iteration ${iteration}; it must be a finite number ≥ 0`);
    const stepStart = performance.now();
    sampler.next(indices);
    forwardImageSet(model, dataset.train, indices, B, input, labels);
    const { loss, correct } = model.loss(labels);
    model.backward(labels);
    if (config.onNan === "stop") {
      if (!Number.isFinite(loss)) throw new DivergenceError(iteration, `the loss is ${loss}`, lr);
      if (loss > DIVERGED_LOSS) {
        throw new DivergenceError(iteration, `the loss is ${loss.toPrecision(4)}, more than ${DIVERGED_LOSS.toFixed(2)} ` +
          "(10 × the loss of guessing at random among 10 classes)", lr);
      }
      const bad = firstNonFiniteGradient(model);
      if (bad) throw new DivergenceError(iteration, `the gradient of ${bad} is not finite`, lr);
    }
    optimizer.step(lr);
    const stepEnd = performance.now();
    trainMilliseconds += stepEnd - stepStart;

    window.loss += loss;
    window.correct += correct;
    window.steps++;
    if (callbacks.onStep?.({ iteration, loss, accuracy: correct / B, lr, trainSeconds: trainMilliseconds / 1000 }, model) === "stop") stopRequested = true;

    if (iteration % config.evalEvery === 0 || iteration === config.iterations || stopRequested) {
      const test = evaluateImageSet(model, dataset.test, evalBuffers);
      const record: EvalRecord = {
        iteration,
        images: iteration * B,
        epoch: (iteration * B) / dataset.train.count,
        trainLoss: window.loss / window.steps,
        trainAccuracy: window.correct / (window.steps * B),
        testLoss: test.loss,
        testAccuracy: test.accuracy,
        seconds: (performance.now() - started) / 1000,
      };
      history.push(record);
      if (callbacks.onEval?.(record, model, test) === "stop" && iteration < config.iterations) stopRequested = true;
      window = { loss: 0, correct: 0, steps: 0 };
    }
    const every = options.checkpointEvery ?? 0;
    if ((every > 0 && iteration % every === 0) || iteration === config.iterations || stopRequested) options.onCheckpoint?.(snapshot(iteration));
    if (!stopRequested && options.shouldStop?.() && iteration < config.iterations) {
      const state = snapshot(iteration);
      options.onCheckpoint?.(state);
      throw new InterruptedError(iteration, state);
    }
    if (performance.now() - lastYield > 50) {
      await yieldToEventLoop();
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
    trainImagesPerSecond: (lastIteration * B) / trainSeconds,
  };
}

/** The name of the first parameter whose gradient holds a NaN or an infinity, if any. */
export function firstNonFiniteGradient(network: Network): string | undefined {
  if (network instanceof WasmLeNet5) {
    // A vector kernel over the flat gradients: this check runs after every step.
    const index = network.firstNonFiniteGradient();
    if (index < 0) return undefined;
    let offset = 0;
    return network.params.list.find((p) => (offset += p.grad.length) > index)?.name;
  }
  for (const p of network.params.list) {
    let sum = 0;
    for (let i = 0; i < p.grad.length; i++) sum += p.grad[i] * 0;
    // x·0 is 0 for every finite x and NaN for NaN and ±Infinity, so the sum is NaN exactly when one is not finite.
    if (sum !== 0) return p.name;
  }
  return undefined;
}

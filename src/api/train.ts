// Training from code: the classic experiment's defaults, any of them given as
// typed values, callbacks per iteration and per evaluation (either may stop
// training early by returning "stop"), and an optional learning-rate
// schedule. The same loop, config validation and seeds as `lenet-lab train`,
// so the same config and seed give the same weights, bit for bit. Writes no
// files; log from the callbacks (e.g. with lenet-lab/tensorboard's SummaryWriter).

import { Dataset, DatasetName, loadDataset } from "../data/datasets.js";
import type { BackendName } from "../engine/backend.js";
import type { ActivationName } from "../engine/layers/activations.js";
import type { Network } from "../engine/network.js";
import type { OptimizerName } from "../optim/optimizers.js";
import { RunConfig, RunOptions, iterationsForEpochs, resolveRunConfig } from "../train/config.js";
import { EvalRecord, StepInfo, TrainingResult } from "../train/trainer.js";
import { train } from "../train/train.js";

export interface TrainOptions {
  activation?: ActivationName;
  optimizer?: OptimizerName | "gd";
  /** The learning rate (default 0.01); see also `learningRate` for a schedule. */
  lr?: number;
  batchSize?: number;
  iterations?: number;
  epochs?: number;
  /** Evaluate the whole test set every this many iterations (and after the last). */
  evalEvery?: number;
  initMean?: number;
  initStd?: number;
  /** Seeds the initial weights and the training-data order. */
  seed?: number;
  /** "mnist" (embedded) or "fashion-mnist" with dataDir. */
  dataset?: DatasetName;
  dataDir?: string;
  /** A data set already loaded (loadDataset), to share between runs. */
  data?: Dataset;
  backend?: BackendName;
  threads?: number;
  /** A blow-up (huge, NaN or infinite loss or gradient) throws DivergenceError ("stop", default) or is only watched. */
  onNan?: "stop" | "continue";
  /** The learning rate of each iteration (1, 2, …), e.g. a step decay; default: `lr` throughout. */
  learningRate?(iteration: number): number;
  /** After each optimizer step; return "stop" to end training after it. */
  onStep?(step: StepInfo, network: Network): unknown;
  /** After each evaluation of the test set; return "stop" to end training after it. */
  onEval?(record: EvalRecord, network: Network): unknown;
}

export interface TrainResult extends TrainingResult {
  /** The validated config the run used (its defaults filled in). */
  config: RunConfig;
}

/** The options as the command line takes them (strings), so they are validated exactly as `lenet-lab train` validates them. */
function asRunOptions(options: TrainOptions): RunOptions {
  const text = (value: unknown) => (value === undefined ? undefined : String(value));
  return {
    activation: options.activation, optimizer: options.optimizer, lr: text(options.lr), batchSize: text(options.batchSize),
    iterations: text(options.iterations), epochs: text(options.epochs), evalEvery: text(options.evalEvery),
    initMean: text(options.initMean), initStd: text(options.initStd), seed: text(options.seed), dataset: options.dataset,
    dataDir: options.dataDir, backend: options.backend, threads: text(options.threads), onNan: options.onNan,
  };
}

/**
 * Trains LeNet-5 and resolves with the trained network, the evaluation
 * history and the timing. A bad option throws ConfigError naming the valid
 * values before anything runs. Call disposeNetwork(result.model) when done
 * with a multi-threaded network.
 */
export async function trainLeNet(options: TrainOptions = {}): Promise<TrainResult> {
  const config = resolveRunConfig(asRunOptions(options));
  const data = options.data ?? loadDataset({ name: config.dataset, dataDir: config.dataDir ?? undefined });
  if (config.epochs !== null) config.iterations = iterationsForEpochs(config.epochs, data.train.count, config.batchSize);
  const result = await train(config, data, {
    callbacks: { onStep: options.onStep, onEval: options.onEval },
    learningRate: options.learningRate,
  });
  return { ...result, config };
}

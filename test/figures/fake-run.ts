// A run directory as `lenet-lab train` leaves it (run.json and
// model.safetensors), for a network with seeded random weights: what the
// fc2, figure and report tests load without training.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { LeNet5 } from "../../src/engine/lenet.js";
import { resolveRunConfig } from "../../src/train/config.js";
import { RunSummary, writeModel, writeRunSummary } from "../../src/train/run-directory.js";

export interface FakeRunOptions {
  activation?: string;
  optimizer?: string;
  seed?: string;
  runName?: string;
  iterations?: string;
  /** Test accuracy of each evaluation, one every 10 iterations (default: one evaluation at the end, 50%). */
  testAccuracies?: number[];
  seconds?: number;
  status?: string;
  /** run.json's `classes`: the test set's confusion matrix at the end. */
  classes?: { confusion: number[][]; names?: string[] };
}

/** A run directory as `lenet-lab train` leaves it, for a network with seeded random weights. */
export function writeFakeRun(logdir: string, options: FakeRunOptions = {}): { runDir: string; network: LeNet5 } {
  const config = resolveRunConfig({
    activation: options.activation ?? "sigmoid", optimizer: options.optimizer, seed: options.seed ?? "5", logdir,
    runName: options.runName, iterations: options.iterations,
  });
  const runDir = join(logdir, config.runName);
  mkdirSync(runDir, { recursive: true });
  const network = new LeNet5({ activation: config.activation, seed: config.seed + 1000 });
  writeModel(runDir, network.params, { format: "pt" });
  const accuracies = options.testAccuracies ?? [0.5];
  const history = accuracies.map((testAccuracy, i) => ({
    iteration: accuracies.length === 1 ? config.iterations : 10 * (i + 1),
    trainLoss: 1 - testAccuracy, trainAccuracy: testAccuracy, testLoss: 1 - testAccuracy, testAccuracy, seconds: i,
  }));
  const { iteration: _, seconds: __, ...final } = history[history.length - 1];
  const summary = {
    run: config.runName, runDir, config, status: options.status ?? "finished", final, iterations: config.iterations, epochs: 1,
    seconds: options.seconds ?? 1, trainSeconds: 1, trainImagesPerSecond: 100, parameterCount: network.params.count,
    history, updatedAt: new Date().toISOString(),
    ...(options.classes ? { classes: {
      iteration: config.iterations, names: options.classes.names ?? options.classes.confusion.map((_, c) => String(c)),
      confusion: options.classes.confusion,
      perClassAccuracy: options.classes.confusion.map((row, c) => row[c]! / row.reduce((sum, v) => sum + v, 0)),
    } } : {}),
  } as unknown as RunSummary;
  writeRunSummary(runDir, summary);
  return { runDir, network };
}

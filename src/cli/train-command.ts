// `lenet-lab train`: one run, from options to files. Validates everything
// before writing anything, then trains with a progress display and leaves
// run.json and model.safetensors in <logdir>/<run-name>.

import { loadDataset } from "../data/datasets.js";
import { RunOptions, iterationsForEpochs, resolveRunConfig } from "../train/config.js";
import { prepareRunDirectory, writeModel, writeRunSummary, RunSummary } from "../train/run-directory.js";
import { train } from "../train/trainer.js";
import { createProgressDisplay, formatPercent } from "./progress.js";

export interface TrainCommandOptions extends RunOptions {
  json?: boolean;
  overwrite?: boolean;
}

export async function trainCommand(options: TrainCommandOptions): Promise<RunSummary> {
  const config = resolveRunConfig(options);
  const dataset = loadDataset({ name: config.dataset, dataDir: config.dataDir ?? undefined });
  if (config.epochs !== null) config.iterations = iterationsForEpochs(config.epochs, dataset.train.count, config.batchSize);
  const runDir = prepareRunDirectory(config, { overwrite: options.overwrite });

  const progress = createProgressDisplay(config.runName, config.iterations, config.batchSize);
  let result;
  try {
    result = await train(config, dataset, { onStep: progress.step, onEval: progress.evaluated });
  } finally {
    progress.stop();
  }

  const summary: RunSummary = {
    run: config.runName,
    runDir,
    config,
    status: "finished",
    final: {
      trainLoss: result.final.trainLoss,
      trainAccuracy: result.final.trainAccuracy,
      testLoss: result.final.testLoss,
      testAccuracy: result.final.testAccuracy,
    },
    iterations: config.iterations,
    epochs: (config.iterations * config.batchSize) / dataset.train.count,
    seconds: result.seconds,
    trainSeconds: result.trainSeconds,
    trainImagesPerSecond: result.trainImagesPerSecond,
    parameterCount: result.model.params.count,
    history: result.history,
    finishedAt: new Date().toISOString(),
  };
  writeModel(runDir, result.model.params, { format: "pt", run: config.runName, activation: config.activation });
  writeRunSummary(runDir, summary);

  const line = `${config.runName}: test accuracy ${formatPercent(summary.final.testAccuracy)}, ` +
    `test loss ${summary.final.testLoss.toFixed(4)} after ${config.iterations} iterations ` +
    `(${summary.seconds.toFixed(1)} s, ${Math.round(summary.trainImagesPerSecond)} train img/s) → ${runDir}`;
  console.log(line);
  if (options.json) {
    console.log(JSON.stringify({
      run: summary.run,
      runDir,
      testAccuracy: summary.final.testAccuracy,
      testLoss: summary.final.testLoss,
      trainAccuracy: summary.final.trainAccuracy,
      trainLoss: summary.final.trainLoss,
      trainImagesPerSecond: summary.trainImagesPerSecond,
      iterations: summary.iterations,
      seconds: summary.seconds,
    }));
  }
  return summary;
}

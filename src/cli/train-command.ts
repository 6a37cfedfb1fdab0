// `lenet-lab train`: one run, from options to files. Validates everything
// before writing anything, then trains with a progress display and leaves
// run.json and model.safetensors in <logdir>/<run-name>.

import { Command, Option } from "commander";
import { loadDataset } from "../data/datasets.js";
import { ACTIVATIONS } from "../engine/layers/activations.js";
import { summarizeModel } from "../engine/model-summary.js";
import { OPTIMIZERS } from "../optim/optimizers.js";
import { DEFAULT_CONFIG, RunOptions, SUMMARY_LEVELS, iterationsForEpochs, resolveRunConfig } from "../train/config.js";
import { prepareRunDirectory, writeModel, writeRunSummary, RunSummary } from "../train/run-directory.js";
import { train } from "../train/trainer.js";
import { closeEventFilesOnSignals } from "../tensorboard/event-file-writer.js";
import { SummaryWriter } from "../tensorboard/summary-writer.js";
import { RunLogger } from "../train/run-logger.js";
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
  const writer = new SummaryWriter(runDir);
  const stopClosingOnSignals = closeEventFilesOnSignals();
  const logger = new RunLogger(writer, config, dataset);
  let result;
  try {
    logger.start();
    result = await train(config, dataset, {
      onStep(step, network) {
        progress.step(step);
        logger.step(step, network);
      },
      onEval(record) {
        progress.evaluated(record);
        logger.evaluated(record);
      },
    });
    logger.finish(result.model, result.final);
  } finally {
    progress.stop();
    writer.close();
    stopClosingOnSignals();
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
    loggingSeconds: logger.seconds,
    parameterCount: result.model.params.count,
    model: summarizeModel(config.activation),
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

/**
 * Adds the options of one run (everything RunOptions holds) to a command, so
 * that every command that trains takes the same options.
 */
export function addRunOptions(command: Command): Command {
  return command
    .addOption(new Option("--activation <name>", `activation at every activated layer: ${ACTIVATIONS.join(", ")}`).default(DEFAULT_CONFIG.activation))
    .addOption(new Option("--optimizer <name>", `${OPTIMIZERS.join(", ")} (gd = sgd)`).default(DEFAULT_CONFIG.optimizer))
    .option("--lr <rate>", "learning rate", String(DEFAULT_CONFIG.lr))
    .option("--batch-size <n>", "images per training batch", String(DEFAULT_CONFIG.batchSize))
    .option("--iterations <n>", `training iterations (default ${DEFAULT_CONFIG.iterations})`)
    .option("--epochs <n>", "train for this many passes over the training set instead of --iterations")
    .option("--eval-every <n>", "evaluate the full test set every n iterations", String(DEFAULT_CONFIG.evalEvery))
    .option("--init-mean <m>", "mean of the truncated-normal initial weights", String(DEFAULT_CONFIG.initMean))
    .option("--init-std <s>", "standard deviation of the truncated-normal initial weights", String(DEFAULT_CONFIG.initStd))
    .option("--seed <n>", "seed of every random stream (weights, data order)", String(DEFAULT_CONFIG.seed))
    .option("--dataset <name>", "mnist or fashion-mnist (class names; fashion-mnist needs --data-dir)", DEFAULT_CONFIG.dataset)
    .option("--data-dir <dir>", "read train-/t10k- IDX files (raw or .gz) from dir instead of the embedded MNIST")
    .option("--logdir <dir>", "directory that holds one subdirectory per run", DEFAULT_CONFIG.logdir)
    .option("--summaries <level>", `TensorBoard summaries: ${SUMMARY_LEVELS.join(", ")} (scalars only; + histograms, images, ` +
      "diagnostics, embedding; + gradient and activation histograms)", DEFAULT_CONFIG.summaries)
    .option("--summary-every <n>", "histograms, images and diagnostics every n iterations (default: --eval-every)")
    .option("--scalar-every <n>", "train loss/accuracy, learning rate and gradient norms every n iterations",
      String(DEFAULT_CONFIG.scalarEvery));
}

/** Adds `train` to the program. */
export function registerTrainCommand(program: Command): void {
  addRunOptions(program
    .command("train")
    .description("train one LeNet-5 run: TensorBoard event files, run.json and model.safetensors in <logdir>/<run-name>"))
    .option("--run-name <name>", "name of the run directory (default: derived from the config, e.g. relu-adam-lr0.01)")
    .option("--overwrite", "replace an existing run directory of the same name")
    .option("--json", "print a JSON summary as the last line of stdout")
    .action(async (options) => {
      await trainCommand(options);
    });
}

#!/usr/bin/env node
// The `lenet-lab` command: a thin shell that parses arguments and calls into
// src/train (and, as they arrive, src/figures, src/report, src/board). No
// training logic lives here. Exit codes: 0 done, 1 failed, 2 bad arguments.

import { Command, CommanderError, Option } from "commander";
import { IdxFormatError } from "../data/idx.js";
import { ACTIVATIONS } from "../engine/layers/activations.js";
import { OPTIMIZERS } from "../optim/optimizers.js";
import { ConfigError, DEFAULT_CONFIG } from "../train/config.js";
import { DivergenceError } from "../train/trainer.js";
import { trainCommand } from "./train-command.js";

const program = new Command()
  .name("lenet-lab")
  .description("Train LeNet-5 on MNIST with different activations and optimizers, and see what it learns.")
  .exitOverride()
  .showHelpAfterError("(run lenet-lab <command> --help for the options)")
  .configureOutput({ outputError: (text, write) => write(`lenet-lab: ${text.replace(/^error: /, "")}`) });

program
  .command("train")
  .description("train one LeNet-5 run and write <logdir>/<run-name>/{run.json,model.safetensors}")
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
  .option("--run-name <name>", "name of the run directory (default: derived from the config, e.g. relu-adam-lr0.01)")
  .option("--overwrite", "replace an existing run directory of the same name")
  .option("--json", "print a JSON summary as the last line of stdout")
  .action(async (options) => {
    await trainCommand(options);
  });

async function main(argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors (already printed) exit 2.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ConfigError) {
      console.error(`lenet-lab: ${error.message}`);
      return 2;
    }
    if (error instanceof IdxFormatError || error instanceof DivergenceError) {
      console.error(`lenet-lab: ${error.message}`);
      return 1;
    }
    console.error(`lenet-lab: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv);

// `lenet-lab train`: one run, from options to files. Validates everything
// before writing anything, then trains (src/train/run.ts) with a progress
// display and ends with the result and the commands to run next; Ctrl-C and
// SIGTERM stop it with a checkpoint, and --resume continues it from there.

import { Command, Option } from "commander";
import { loadDataset } from "../data/datasets.js";
import { ACTIVATIONS } from "../engine/layers/activations.js";
import { OPTIMIZERS } from "../optim/optimizers.js";
import { defaultThreads } from "../engine/backend.js";
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { Dataset } from "../data/datasets.js";
import { flushAllEventFiles } from "../tensorboard/event-file-writer.js";
import { CHECKPOINT_FILE, Checkpoint, readCheckpoint } from "../train/checkpoint.js";
import {
  ConfigError, DEFAULT_CONFIG, EARLY_STOP_RULES, RunConfig, RunOptions, SUMMARY_LEVELS, iterationsForEpochs, parseNumber, resolveRunConfig,
} from "../train/config.js";
import { RUN_FILE, RunSummary, prepareRunDirectory } from "../train/run-directory.js";
import { executeRun } from "../train/run.js";
import { DivergenceError, InterruptedError } from "../train/trainer.js";
import { CommandStop } from "./command-stop.js";
import { createProgressDisplay, formatPercent } from "./progress.js";

export interface TrainCommandOptions extends RunOptions {
  json?: boolean;
  overwrite?: boolean;
  resume?: string;
}

/**
 * The options a resumed run takes from the command line; every other one
 * comes from its checkpoint. The engine may change (another machine), at the
 * price of float32-rounding differences from an uninterrupted run.
 */
const RESUME_OVERRIDES = new Set(["iterations", "resume", "json", "threads", "backend"]);

export async function trainCommand(options: TrainCommandOptions, command?: Command): Promise<RunSummary> {
  const { config, dataset, runDir, resume, previous } = options.resume !== undefined
    ? prepareResume(options, command)
    : prepareFreshRun(options);

  const progress = createProgressDisplay(config.runName, config.iterations, config.batchSize);
  const signals = stopOnSignals();
  let summary: RunSummary;
  try {
    summary = await executeRun({
      config, dataset, runDir, resume, previous,
      progress: { step: progress.step, evaluated: progress.evaluated },
      shouldStop: signals.requested,
    });
  } catch (error) {
    if (error instanceof InterruptedError) {
      const signal = signals.received() ?? "SIGINT";
      throw new CommandStop(signal === "SIGTERM" ? 143 : 130,
        `${signal}: stopped after iteration ${error.iteration} with a checkpoint; event files flushed. ` +
        `Resume with: npx lenet-lab train --resume ${runDir}`);
    }
    if (error instanceof DivergenceError) {
      const kept = existsSync(join(runDir, CHECKPOINT_FILE)) ? "The last good checkpoint and all logs are" : "All logs are";
      throw new CommandStop(3, `${error.message}. ${kept} in ${runDir} (run.json says "diverged").`);
    }
    throw error;
  } finally {
    progress.stop();
    signals.dispose();
  }

  const final = summary.final!;
  const stopped = summary.stoppedEarly;
  console.log(`${config.runName}: test accuracy ${formatPercent(final.testAccuracy)}, ` +
    `test loss ${final.testLoss.toFixed(4)} after ${summary.iterations} iterations ` +
    (stopped ? `(stopped early of ${config.iterations}: its best test accuracy ${formatPercent(stopped.bestTestAccuracy)} is below ` +
      `the median ${formatPercent(stopped.median)} of ${stopped.peers} other runs) ` : "") +
    `(${summary.seconds.toFixed(1)} s, ${Math.round(summary.trainImagesPerSecond)} train img/s) → ${runDir}`);
  if (options.json) {
    console.log(JSON.stringify({
      run: summary.run,
      runDir,
      testAccuracy: final.testAccuracy,
      testLoss: final.testLoss,
      trainAccuracy: final.trainAccuracy,
      trainLoss: final.trainLoss,
      trainImagesPerSecond: summary.trainImagesPerSecond,
      iterations: summary.iterations,
      seconds: summary.seconds,
      ...(stopped ? { stoppedEarly: stopped } : {}),
    }));
  } else {
    console.log(nextCommands(config.logdir, runDir));
  }
  return summary;
}

/** A path as the user would type it: relative to the working directory when inside it, quoted when the shell needs it. */
function shellPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  const shown = fromHere === "" ? "." : fromHere.startsWith("..") || isAbsolute(fromHere) ? path : fromHere;
  return /^[\w@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, "'\\''")}'`;
}

/** What to run after a run: the dashboard, the fc2 maps, the report. */
export function nextCommands(logdir: string, runDir: string): string {
  const rows = [
    [`npx lenet-lab board ${shellPath(resolve(logdir))}`, "the dashboard: curves, histograms, images, live (http://127.0.0.1:6006/)"],
    [`npx lenet-lab features ${shellPath(runDir)}`, "this run's fc2 feature maps (in its fc2/ folder)"],
    [`npx lenet-lab report ${shellPath(resolve(logdir))}`, `the written report of every run (${shellPath(join(resolve(logdir), "report", "index.html"))})`],
  ];
  const width = Math.max(...rows.map(([command]) => command!.length));
  return ["Next:", ...rows.map(([command, what]) => `  ${command!.padEnd(width)}   ${what}`)].join("\n");
}

interface PreparedRun {
  config: RunConfig;
  dataset: Dataset;
  runDir: string;
  resume?: Checkpoint;
  previous?: RunSummary;
}

/** A new run: every value validated and the data read before the run directory is made. */
function prepareFreshRun(options: TrainCommandOptions): PreparedRun {
  const config = resolveRunConfig(options);
  const dataset = loadDataset({ name: config.dataset, dataDir: config.dataDir ?? undefined });
  if (config.epochs !== null) config.iterations = iterationsForEpochs(config.epochs, dataset.train.count, config.batchSize);
  return { config, dataset, runDir: prepareRunDirectory(config, { overwrite: options.overwrite }) };
}

/** A run continued from its checkpoint, with its saved config (and, optionally, more iterations). */
function prepareResume(options: TrainCommandOptions, command?: Command): PreparedRun {
  const given = command ? Object.keys(options).filter((key) => command.getOptionValueSource(key) === "cli") : [];
  const conflicting = given.filter((key) => !RESUME_OVERRIDES.has(key));
  if (conflicting.length > 0) {
    const flags = conflicting.map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ");
    throw new ConfigError(`--resume continues a run with the config it was started with; remove ${flags} ` +
      "(only --iterations, to train longer, and --threads / --backend may be given)");
  }
  const runDir = resolve(options.resume!);
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) {
    throw new ConfigError(`--resume ${options.resume}: no such run directory`);
  }
  const checkpoint = readCheckpoint(runDir);
  const config: RunConfig = { ...checkpoint.config, logdir: dirname(runDir), runName: basename(runDir) };
  if (options.iterations !== undefined) {
    config.iterations = parseNumber("--iterations", options.iterations, { min: checkpoint.state.iteration, integer: true });
  }
  if (given.includes("backend") || given.includes("threads")) {
    const engine = resolveRunConfig({ backend: options.backend ?? config.backend, threads: options.threads ?? (given.includes("backend") ? undefined : String(config.threads)) });
    config.backend = engine.backend;
    config.threads = engine.threads;
  }
  if (checkpoint.state.iteration >= config.iterations) {
    throw new ConfigError(`${runDir} already finished its ${config.iterations} iterations; give --iterations N ` +
      `(more than ${checkpoint.state.iteration}) to train it longer`);
  }
  const dataset = loadDataset({ name: config.dataset, dataDir: config.dataDir ?? undefined });
  let previous: RunSummary | undefined;
  try {
    previous = JSON.parse(readFileSync(join(runDir, RUN_FILE), "utf8")) as RunSummary;
  } catch {
    previous = undefined; // run.json is rewritten from the checkpoint
  }
  return { config, dataset, runDir, resume: checkpoint, previous };
}

/**
 * SIGINT and SIGTERM ask the run to stop: it finishes the iteration, saves a
 * checkpoint, flushes its event files and exits with a message. A second
 * signal exits at once (what was flushed stays readable).
 */
function stopOnSignals(): { requested: () => boolean; received: () => NodeJS.Signals | undefined; dispose: () => void } {
  let received: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (received) {
      flushAllEventFiles();
      process.exit(signal === "SIGTERM" ? 143 : 130);
    }
    received = signal;
    process.stderr.write(`\nlenet-lab: ${signal} received: stopping after this iteration (again to quit at once)\n`);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    requested: () => received !== undefined,
    received: () => received,
    dispose: () => {
      process.removeListener("SIGINT", handler);
      process.removeListener("SIGTERM", handler);
    },
  };
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
      String(DEFAULT_CONFIG.scalarEvery))
    .option("--checkpoint-every <n>", "save a checkpoint every n iterations (0: only at the end)", String(DEFAULT_CONFIG.checkpointEvery))
    .option("--on-nan <what>", "when the loss blows up (above 23, NaN or infinite) or a gradient is NaN/infinite: stop the run, or continue to watch", DEFAULT_CONFIG.onNan)
    .option("--backend <name>", "wasm (WebAssembly SIMD kernels) or js (the plain TypeScript reference kernels)", DEFAULT_CONFIG.backend)
    .option("--threads <n>", `threads for training and evaluation with --backend wasm (default: every core, here ${defaultThreads()})`)
    .addOption(new Option("--early-stop <rule>", "stop a run that falls behind the other runs of its cohort: median (the median " +
      "stopping rule: at an evaluation after the grace period, its best test accuracy below the median of the others' mean so far)")
      .choices(EARLY_STOP_RULES))
    .option("--grace <iterations>", "with --early-stop: no run stops before this iteration (default: a quarter of the iterations)");
}

/** Adds `train` to the program. */
export function registerTrainCommand(program: Command): void {
  addRunOptions(program
    .command("train")
    .description("train one LeNet-5 run: TensorBoard event files, run.json, checkpoints and model.safetensors in <logdir>/<run-name>"))
    .option("--run-name <name>", "name of the run directory (default: derived from the config, e.g. relu-adam-lr0.01)")
    .option("--overwrite", "replace an existing run directory of the same name")
    .option("--resume <run-dir>", "continue an interrupted run from its last checkpoint (with its own config)")
    .option("--json", "print a JSON summary as the last line of stdout")
    .option("--cohort <name>", "with --early-stop: the runs of the logdir started with the same --cohort are the ones compared " +
      "(compare gives each grid its sweep's name)")
    .action(async (options, command: Command) => {
      await trainCommand(options, command);
    });
}

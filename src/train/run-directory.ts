// A run's directory, <logdir>/<run-name>, and the files a finished run leaves
// in it: run.json (config, results, history) and model.safetensors (the
// weights, loadable by PyTorch). Both are written atomically.

import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { LENET_PARAMETERS } from "../engine/architecture.js";
import { ModelSummary } from "../engine/model-summary.js";
import type { KernelName } from "../engine/wasm/kernels.js";
import { ParameterSet, torchName } from "../engine/parameters.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { encodeSafetensors } from "../io/safetensors.js";
import { ConfigError, RunConfig } from "./config.js";
import type { EarlyStopVerdict } from "./early-stop.js";
import type { FinalWindow } from "./final-window.js";
import { ConfusionMatrix, Mistake, confusionRows, perClassAccuracy } from "./confusion.js";
import { EvalRecord } from "./trainer.js";

export const RUN_FILE = "run.json";
export const MODEL_FILE = "model.safetensors";

/**
 * Creates (or, with overwrite, empties) the run directory and returns its path.
 * Refuses a logdir that is a file and an existing non-empty run directory
 * (which --resume continues instead).
 */
export function prepareRunDirectory(config: RunConfig, options: { overwrite?: boolean } = {}): string {
  const logdir = resolve(config.logdir);
  if (existsSync(logdir) && !statSync(logdir).isDirectory()) {
    throw new ConfigError(`logdir ${logdir} is a file, not a directory; give --logdir a directory path`);
  }
  const runDir = join(logdir, config.runName);
  if (existsSync(runDir)) {
    if (!statSync(runDir).isDirectory()) {
      throw new ConfigError(`${runDir} is a file; choose another --run-name or remove it`);
    }
    if (readdirSync(runDir).length > 0) {
      if (!options.overwrite) {
        throw new ConfigError(`run directory ${runDir} already exists; continue it with --resume ${runDir}, ` +
          "choose another --run-name, or pass --overwrite to replace it");
      }
      rmSync(runDir, { recursive: true });
    }
  }
  try {
    mkdirSync(runDir, { recursive: true });
  } catch (error) {
    throw new ConfigError(`cannot create run directory ${runDir}: ${(error as Error).message}`);
  }
  return runDir;
}

/**
 * running      training (or killed without a chance to say so: see the checkpoint)
 * finished     all iterations done
 * stopped-early  ended by --early-stop's rule at an evaluation, behind its cohort; see `stoppedEarly` (a result, as finished)
 * diverged     stopped at a non-finite loss or gradient; see `problem`
 * interrupted  stopped by SIGINT/SIGTERM after saving a checkpoint; resumable
 * failed       stopped by an error (e.g. a full disk); see `problem`
 */
export type RunStatus = "running" | "finished" | "stopped-early" | "diverged" | "interrupted" | "failed";

/** run.json: a run's config, its state and (once evaluated) its results. */
export interface RunSummary {
  run: string;
  runDir: string;
  config: RunConfig;
  status: RunStatus;
  /** Why the early-stopping rule ended the run (status "stopped-early"). */
  stoppedEarly?: EarlyStopVerdict;
  /** What stopped a diverged or failed run, with the iteration. */
  problem?: { iteration: number | null; message: string };
  /** Results of the last evaluation; null before the first. */
  final: {
    trainLoss: number;
    trainAccuracy: number;
    testLoss: number;
    testAccuracy: number;
  } | null;
  /**
   * The mean test accuracy and loss of the last few evaluations, and the range
   * the accuracy spans over them (final-window.ts); null before the first
   * evaluation, absent in early runs.
   */
  finalWindow?: FinalWindow | null;
  /** The test set's confusion matrix and per-class accuracy at the latest evaluation; absent in early runs. */
  classes?: ClassesSummary;
  /** Iterations done so far (config.iterations once finished). */
  iterations: number;
  epochs: number;
  seconds: number;
  trainSeconds: number;
  trainImagesPerSecond: number;
  /** Seconds spent writing TensorBoard summaries (included in seconds); absent in early runs. */
  loggingSeconds?: number;
  parameterCount: number;
  /**
   * What computed the numbers: the kernels ("relaxed-simd" or "simd", the two
   * builds of the wasm backend, or "js") and Node's version. The same config
   * and seed give the same bits only with the same kernels. A run trained in a
   * browser page names the browser instead of Node. Absent in early runs.
   */
  engine?: { kernels: KernelName | "js"; node?: string; browser?: string };
  /** Layers, output shapes and parameter counts; absent in early runs. */
  model?: ModelSummary;
  history: EvalRecord[];
  /** Iterations at which the run was resumed from a checkpoint. */
  resumedAt?: number[];
  /** When run.json was last written. */
  updatedAt: string;
}

/** run.json's `classes`: which classes the network gets wrong, at one evaluation. */
export interface ClassesSummary {
  /** The evaluation's iteration. */
  iteration: number;
  names: string[];
  /** confusion[true][predicted]: test images of class `true` predicted as `predicted`. */
  confusion: number[][];
  /** confusion[c][c] ÷ the row's sum. */
  perClassAccuracy: number[];
  /**
   * The test images it got wrong with the highest probability on its
   * prediction (up to SUREST_MISTAKES, surest first): what misclassified.png
   * shows. Absent in early runs and runs trained in a page.
   */
  surest?: Mistake[];
}

export function classesSummary(at: { iteration: number; confusion: ConfusionMatrix; surest?: readonly Mistake[] },
  names: readonly string[]): ClassesSummary {
  const classes = names.length;
  return {
    iteration: at.iteration, names: [...names], confusion: confusionRows(at.confusion, classes),
    perClassAccuracy: perClassAccuracy(at.confusion, classes),
    ...(at.surest ? { surest: at.surest.map((m) => ({ ...m })) } : {}),
  };
}

export function writeRunSummary(runDir: string, summary: RunSummary): void {
  writeFileAtomic(join(runDir, RUN_FILE), JSON.stringify(summary, null, 2) + "\n");
}

/**
 * The weights as safetensors with PyTorch's state_dict names and layouts
 * (conv1.weight [6,1,5,5] … fc3.bias [10]), float32 little-endian.
 */
export function encodeModel(params: ParameterSet, metadata: Record<string, string> = {}): Uint8Array {
  const tensors = LENET_PARAMETERS.map((spec) => {
    const p = params.get(spec.name);
    return { name: torchName(p.name), shape: [...p.shape], data: p.value };
  });
  return encodeSafetensors(tensors, metadata);
}

export function writeModel(runDir: string, params: ParameterSet, metadata: Record<string, string> = {}): void {
  writeFileAtomic(join(runDir, MODEL_FILE), encodeModel(params, metadata));
}

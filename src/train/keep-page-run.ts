// Keeping a run trained in a browser page: checks what the page sent
// (page-run.ts) and writes it into a logdir as an ordinary run directory —
// event files written by the same RunLogger as `lenet-lab train
// --summaries minimal` (the graph, the config, the training and test curves,
// each class's accuracy, the hparams), run.json and model.safetensors — from
// the page's own numbers and weights. The page computed them with the same
// kernels and loop as Node, so they are the numbers `lenet-lab train` gives
// for the same config, seed and kernel build; nothing is trained again here.

import { rmSync } from "node:fs";
import { Dataset } from "../data/datasets.js";
import { LENET_PARAMETERS } from "../engine/architecture.js";
import { createNetwork, disposeNetwork } from "../engine/backend.js";
import { summarizeModel } from "../engine/model-summary.js";
import { product } from "../engine/parameters.js";
import { KERNEL_BUILDS } from "../engine/wasm/kernels.js";
import { SummaryWriter } from "../tensorboard/summary-writer.js";
import { ConfigError, RunConfig, defaultRunName, resolveRunConfig } from "./config.js";
import { Mistake, SUREST_MISTAKES } from "./confusion.js";
import { finalWindowOf } from "./final-window.js";
import type { PageRun } from "./page-run.js";
import { RunLogger } from "./run-logger.js";
import { RunSummary, classesSummary, prepareRunDirectory, writeModel, writeRunSummary } from "./run-directory.js";
import type { EvalRecord } from "./trainer.js";

/** Largest page run accepted, in bytes of JSON: its weights (about 330 kB in base64) and a long run's curves fit easily. */
export const PAGE_RUN_MAX_BYTES = 8 * 1024 * 1024;
/** A run name: letters, digits, ".", "_" and "-", not starting with "." (no paths). */
const RUN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,119}$/;
const RECORD_FIELDS = ["iteration", "images", "epoch", "trainLoss", "trainAccuracy", "testLoss", "testAccuracy", "seconds"] as const;

/** What is wrong with a page run, in words that name the field. */
export class PageRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PageRunError";
  }
}

function fail(message: string): never {
  throw new PageRunError(message);
}

function finiteArray(value: unknown, name: string, length: number): number[] {
  if (!Array.isArray(value) || value.length !== length) fail(`${name} must be a list of ${length} numbers (one per iteration)`);
  value.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) fail(`${name}[${i}] is ${JSON.stringify(v)}, not a finite number`);
  });
  return value as number[];
}

/** The iterations a finished run evaluates at: every evalEvery-th, and the last. */
function evaluationIterations(config: RunConfig): number[] {
  const out: number[] = [];
  for (let i = config.evalEvery; i <= config.iterations; i += config.evalEvery) out.push(i);
  if (out[out.length - 1] !== config.iterations) out.push(config.iterations);
  return out;
}

/**
 * Checks a page run (parsed JSON) against what a finished run of its config
 * is; returns it with its config resolved as `lenet-lab train` resolves one,
 * and its weights decoded. Throws PageRunError naming the first problem.
 */
export function checkPageRun(value: unknown, logdir: string, dataset: Dataset): { run: PageRun; config: RunConfig; parameters: Float32Array } {
  if (typeof value !== "object" || value === null) fail("a page run must be a JSON object");
  const run = value as PageRun;
  if (run.format !== "lenet-lab page run" || run.version !== 1) fail('not a page run: "format" must be "lenet-lab page run" and "version" 1');
  const choices = (run.choices ?? {}) as unknown as Record<string, unknown>;
  const text = (key: string) => {
    const v = choices[key];
    if (typeof v !== "string" && typeof v !== "number") fail(`choices.${key} is missing`);
    return String(v);
  };
  let config: RunConfig;
  try {
    const base = resolveRunConfig({
      activation: text("activation"), optimizer: text("optimizer"), lr: text("lr"), batchSize: text("batchSize"),
      iterations: text("iterations"), seed: text("seed"), evalEvery: text("evalEvery"), summaries: "minimal", logdir,
    });
    const runName = run.runName ?? `${defaultRunName(base)}-browser`;
    if (typeof runName !== "string" || !RUN_NAME.test(runName)) {
      fail(`run name ${JSON.stringify(runName)} is not allowed: use letters, digits, ".", "_" and "-" (at most 120, no "/")`);
    }
    config = { ...base, runName };
  } catch (error) {
    if (error instanceof ConfigError) fail(`choices: ${error.message}`);
    throw error;
  }
  if (!(KERNEL_BUILDS as readonly string[]).includes(run.kernels)) fail(`kernels must be one of ${KERNEL_BUILDS.join(", ")}`);
  if (typeof run.browser !== "string" || run.browser.length > 500) fail("browser must be the browser's name (at most 500 characters)");
  finiteArray(run.losses, "losses", config.iterations);
  finiteArray(run.accuracies, "accuracies", config.iterations);
  const expected = evaluationIterations(config);
  if (!Array.isArray(run.evaluations) || run.evaluations.length !== expected.length) {
    fail(`evaluations must hold the ${expected.length} evaluations of a finished run (at iterations ${expected.join(", ")})`);
  }
  const classes = dataset.classNames.length;
  run.evaluations.forEach((evaluation, k) => {
    const record = (evaluation?.record ?? {}) as unknown as Record<string, unknown>;
    for (const field of RECORD_FIELDS) {
      if (typeof record[field] !== "number" || !Number.isFinite(record[field])) fail(`evaluations[${k}].record.${field} must be a finite number`);
    }
    if (record.iteration !== expected[k]) fail(`evaluations[${k}] is at iteration ${record.iteration}, not ${expected[k]}`);
    // Only the record's own fields are kept (they go into run.json as they are).
    evaluation.record = Object.fromEntries(RECORD_FIELDS.map((field) => [field, record[field]])) as unknown as EvalRecord;
    const confusion = evaluation.confusion;
    if (!Array.isArray(confusion) || confusion.length !== classes * classes || !confusion.every((n) => Number.isInteger(n) && n >= 0)) {
      fail(`evaluations[${k}].confusion must be ${classes}×${classes} counts`);
    }
    if (confusion.reduce((a, b) => a + b, 0) !== dataset.test.count) fail(`evaluations[${k}].confusion must count the ${dataset.test.count} test images`);
  });
  if (run.surest !== undefined) checkSurest(run.surest, dataset);
  for (const field of ["seconds", "trainSeconds"] as const) {
    if (typeof run[field] !== "number" || !(run[field] >= 0)) fail(`${field} must be a number ≥ 0`);
  }
  const count = LENET_PARAMETERS.reduce((sum, p) => sum + product(p.shape), 0);
  const bytes = typeof run.parameters === "string" ? Buffer.from(run.parameters, "base64") : Buffer.alloc(0);
  if (bytes.length !== 4 * count) fail(`parameters must be LeNet-5's ${count} float32 values (${4 * count} bytes) in base64; got ${bytes.length} bytes`);
  const parameters = new Float32Array(count);
  new Uint8Array(parameters.buffer).set(bytes);
  if (!parameters.every(Number.isFinite)) fail("parameters hold a value that is not finite");
  return { run, config, parameters };
}

/** The last evaluation's surest mistakes: test images the labels say it got wrong, each once, surest first. */
function checkSurest(surest: unknown, dataset: Dataset): void {
  const classes = dataset.classNames.length;
  if (!Array.isArray(surest) || surest.length > SUREST_MISTAKES) fail(`surest must list at most ${SUREST_MISTAKES} mistakes`);
  const seen = new Set<number>();
  surest.forEach((entry: Partial<Mistake> | null, k) => {
    const { index, actual, predicted, probability } = entry ?? {};
    const where = `surest[${k}]`;
    if (!Number.isInteger(index) || index! < 0 || index! >= dataset.test.count || seen.has(index!)) {
      fail(`${where}.index must be a test image (0 to ${dataset.test.count - 1}) named once`);
    }
    seen.add(index!);
    if (actual !== dataset.test.labels[index!]) fail(`${where}.actual must be test image ${index}'s label, ${dataset.test.labels[index!]}`);
    if (!Number.isInteger(predicted) || predicted! < 0 || predicted! >= classes || predicted === actual) {
      fail(`${where}.predicted must be a class other than the image's own`);
    }
    if (typeof probability !== "number" || !(probability > 0 && probability <= 1)) fail(`${where}.probability must be in (0, 1]`);
    if (k > 0 && probability > (surest[k - 1] as Mistake).probability) fail(`${where} is surer than the one before it: surest must come surest first`);
  });
}

/**
 * Writes a checked page run into config.logdir as config.runName (refused
 * with ConfigError if that directory exists and is not empty). A run that
 * cannot be written completely is removed again: no half run stays.
 */
export async function keepPageRun(checked: ReturnType<typeof checkPageRun>, dataset: Dataset): Promise<RunSummary> {
  const { run, config, parameters } = checked;
  const runDir = prepareRunDirectory(config);
  const network = await createNetwork({ backend: "wasm", threads: 1, activation: config.activation, seed: config.seed });
  try {
    network.params.values.set(parameters);
    const writer = new SummaryWriter(runDir);
    const logger = new RunLogger(writer, config, dataset);
    logger.start();
    const history: EvalRecord[] = [];
    let next = 0;
    for (let i = 0; i < config.iterations; i++) {
      logger.step({ iteration: i + 1, loss: run.losses[i]!, accuracy: run.accuracies[i]!, lr: config.lr, trainSeconds: 0 }, network);
      const evaluation = run.evaluations[next];
      if (evaluation && evaluation.record.iteration === i + 1) {
        history.push(evaluation.record);
        logger.evaluated(evaluation.record, Int32Array.from(evaluation.confusion));
        next++;
      }
    }
    const final = history[history.length - 1]!;
    logger.finish(network, final);
    writeModel(runDir, network.params, { format: "pt", run: config.runName, activation: config.activation });
    writer.close();
    const last = run.evaluations[run.evaluations.length - 1]!;
    const summary: RunSummary = {
      run: config.runName,
      runDir,
      config,
      status: "finished",
      final: { trainLoss: final.trainLoss, trainAccuracy: final.trainAccuracy, testLoss: final.testLoss, testAccuracy: final.testAccuracy },
      finalWindow: finalWindowOf(history),
      classes: classesSummary({ iteration: final.iteration, confusion: Int32Array.from(last.confusion), surest: run.surest }, dataset.classNames),
      iterations: config.iterations,
      epochs: (config.iterations * config.batchSize) / dataset.train.count,
      seconds: run.seconds,
      trainSeconds: run.trainSeconds,
      trainImagesPerSecond: run.trainSeconds > 0 ? (config.iterations * config.batchSize) / run.trainSeconds : 0,
      loggingSeconds: logger.seconds,
      parameterCount: parameters.length,
      engine: { kernels: run.kernels, browser: run.browser },
      model: summarizeModel(config.activation),
      history,
      updatedAt: new Date().toISOString(),
    };
    writeRunSummary(runDir, summary);
    return summary;
  } catch (error) {
    rmSync(runDir, { recursive: true, force: true });
    throw error;
  } finally {
    await disposeNetwork(network);
  }
}

// A training run's configuration: what one experiment is, as data. Defaults
// are the classic experiment (relu, Adam, lr 0.01, batch 64, 2000 iterations,
// full test set every 50). Parsing and validation of user-given values live
// here, so the CLI stays a thin shell and bad values never reach training.

import { ACTIVATIONS, ActivationName, isActivationName } from "../engine/layers/activations.js";
import { DATASET_NAMES, DatasetName } from "../data/datasets.js";
import { OPTIMIZERS, OptimizerName, isOptimizerName } from "../optim/optimizers.js";
import { BACKENDS, BackendName, DEFAULT_BACKEND, defaultThreads, isBackendName } from "../engine/backend.js";
import { MAX_THREADS } from "../engine/wasm/memory-layout.js";

export interface RunConfig {
  activation: ActivationName;
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  /** Training iterations (batches); when epochs is set, derived from it and the training-set size. */
  iterations: number;
  epochs: number | null;
  /** Evaluate the full test set every this many iterations (and after the last). */
  evalEvery: number;
  initMean: number;
  initStd: number;
  seed: number;
  dataset: DatasetName;
  /** null: the embedded MNIST. */
  dataDir: string | null;
  logdir: string;
  runName: string;
  /** How much goes to TensorBoard: scalars only, + histograms/images/diagnostics, + gradients and activations. */
  summaries: SummaryLevel;
  /** Histograms, images and diagnostics every this many iterations. */
  summaryEvery: number;
  /** Train loss/accuracy, learning rate and gradient norms every this many iterations. */
  scalarEvery: number;
  /** Save a checkpoint every this many iterations (0: only at the end). */
  checkpointEvery: number;
  /** A blow-up (a huge, NaN or infinite loss, a NaN or infinite gradient) stops the run (default) or is only watched. */
  onNan: "stop" | "continue";
  /** The engine: WebAssembly SIMD kernels (default) or the plain TypeScript reference. */
  backend: BackendName;
  /** Threads for training and evaluation (wasm; js always uses 1). Default: every core. */
  threads: number;
  /** Stop the run when it falls behind its cohort (early-stop.ts); absent: train every iteration. */
  earlyStop?: EarlyStopConfig;
}

export const EARLY_STOP_RULES = ["median"] as const;

/**
 * --early-stop median: from the grace period on, at every evaluation, the
 * median stopping rule compares the run with the other runs of its cohort
 * (the runs of its logdir started with the same --cohort: a compare's grid).
 */
export interface EarlyStopConfig {
  rule: (typeof EARLY_STOP_RULES)[number];
  /** No run stops before this iteration; null: a quarter of the iterations. */
  grace: number | null;
  /** Which runs of the logdir are compared: those with the same cohort ("" for runs given none). */
  cohort: string;
}

export const SUMMARY_LEVELS = ["minimal", "standard", "full"] as const;
export type SummaryLevel = (typeof SUMMARY_LEVELS)[number];

export const DEFAULT_CONFIG: Omit<RunConfig, "runName" | "summaryEvery" | "threads"> = {
  activation: "relu",
  optimizer: "adam",
  lr: 0.01,
  batchSize: 64,
  iterations: 2000,
  epochs: null,
  evalEvery: 50,
  initMean: 0,
  initStd: 0.1,
  seed: 0,
  dataset: "mnist",
  dataDir: null,
  logdir: "runs",
  summaries: "full",
  scalarEvery: 10,
  checkpointEvery: 200,
  onNan: "stop",
  backend: DEFAULT_BACKEND,
};

/** A value the user gave that cannot be used; the message names the valid values. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Accepts "gd" as another name for plain gradient descent. */
const OPTIMIZER_ALIASES: Record<string, OptimizerName> = { gd: "sgd" };

export function parseActivation(value: string): ActivationName {
  const name = value.trim().toLowerCase();
  if (isActivationName(name)) return name;
  throw new ConfigError(`unknown activation "${value}"; valid activations: ${ACTIVATIONS.join(", ")}`);
}

export function parseOptimizer(value: string): OptimizerName {
  const name = value.trim().toLowerCase();
  const resolved = OPTIMIZER_ALIASES[name] ?? name;
  if (isOptimizerName(resolved)) return resolved;
  throw new ConfigError(`unknown optimizer "${value}"; valid optimizers: ${OPTIMIZERS.join(", ")} (gd = sgd)`);
}

export function parseDatasetName(value: string): DatasetName {
  const name = value.trim().toLowerCase();
  if ((DATASET_NAMES as readonly string[]).includes(name)) return name as DatasetName;
  throw new ConfigError(`unknown dataset "${value}"; valid datasets: ${DATASET_NAMES.join(", ")} (or --data-dir DIR)`);
}

interface NumberRule {
  integer?: boolean;
  min?: number;
  /** min itself is not allowed. */
  minExclusive?: boolean;
  max?: number;
}

/** A finite number, written entirely as one (no "12abc", no empty string), within rule. */
export function parseNumber(option: string, value: string, rule: NumberRule = {}): number {
  const text = value.trim();
  const number = text === "" ? NaN : Number(text);
  const ok = Number.isFinite(number)
    && (!rule.integer || Number.isInteger(number))
    && (rule.min === undefined || (rule.minExclusive ? number > rule.min : number >= rule.min))
    && (rule.max === undefined || number <= rule.max);
  if (!ok) throw new ConfigError(`${option} must be ${describeRule(rule)}, got "${value}"`);
  return number;
}

function describeRule(rule: NumberRule): string {
  const bounds: string[] = [];
  if (rule.min !== undefined) bounds.push(`${rule.minExclusive ? ">" : "≥"} ${rule.min}`);
  if (rule.max !== undefined) bounds.push(`≤ ${rule.max}`);
  return [rule.integer ? "an integer" : "a number", bounds.join(" and ")].filter(Boolean).join(" ");
}

export function parseOnNan(value: string): "stop" | "continue" {
  const choice = value.trim().toLowerCase();
  if (choice === "stop" || choice === "continue") return choice;
  throw new ConfigError(`--on-nan must be stop or continue, got "${value}"`);
}

export function parseBackend(value: string): BackendName {
  const name = value.trim().toLowerCase();
  if (isBackendName(name)) return name;
  throw new ConfigError(`unknown backend "${value}"; valid backends: ${BACKENDS.join(", ")}`);
}

/** --threads: 1 … MAX_THREADS; the js backend runs on one thread only. */
export function parseThreads(value: string, backend: BackendName): number {
  const threads = parseNumber("--threads", value, { min: 1, integer: true, max: MAX_THREADS });
  if (backend === "js" && threads > 1) {
    throw new ConfigError(`--backend js runs on one thread; --threads ${threads} needs --backend wasm`);
  }
  return threads;
}

export function parseSummaryLevel(value: string): SummaryLevel {
  const level = value.trim().toLowerCase();
  if ((SUMMARY_LEVELS as readonly string[]).includes(level)) return level as SummaryLevel;
  throw new ConfigError(`unknown summary level "${value}"; valid levels: ${SUMMARY_LEVELS.join(", ")}`);
}

/**
 * The run name a config gets unless one is given: activation, optimizer and
 * learning rate, plus every other setting of the experiment that differs from
 * the classic one (batch size, length: iterations or epochs, initialisation,
 * seed, data set), e.g. "relu-adam-lr0.01", "sigmoid-sgd-lr0.1-b128-it300-seed3",
 * so that a short try never takes the name of the full run.
 */
export function defaultRunName(config: Omit<RunConfig, "runName">): string {
  const parts = [config.activation, config.optimizer, `lr${config.lr}`];
  if (config.batchSize !== DEFAULT_CONFIG.batchSize) parts.push(`b${config.batchSize}`);
  if (config.epochs !== null) parts.push(`ep${config.epochs}`);
  else if (config.iterations !== DEFAULT_CONFIG.iterations) parts.push(`it${config.iterations}`);
  if (config.initMean !== DEFAULT_CONFIG.initMean) parts.push(`mean${config.initMean}`);
  if (config.initStd !== DEFAULT_CONFIG.initStd) parts.push(`std${config.initStd}`);
  if (config.seed !== DEFAULT_CONFIG.seed) parts.push(`seed${config.seed}`);
  const name = parts.join("-");
  return config.dataset === "mnist" ? name : `${config.dataset}-${name}`;
}

/**
 * The name of a run that is one seed of a grid point: the default name
 * without the seed, then "-seed<S>" always (seed 0 too), e.g.
 * "relu-adam-lr0.01-seed0", so that a grid's runs all say which draw they are.
 */
export function seededRunName(config: Omit<RunConfig, "runName">): string {
  return `${defaultRunName({ ...config, seed: DEFAULT_CONFIG.seed })}-seed${config.seed}`;
}

/** The most seeds a grid takes: beyond this a typo (--seeds 50000) is more likely than a plan. */
export const MAX_SEEDS = 1000;

/**
 * `--seeds`: a comma list of seeds ("0,1,2", "7,11") or a count N ("5" = seeds
 * 0…4). A lone 0 is seed 0 alone (a count of none would train nothing), as
 * is a lone 1. Refuses empty items, negative or fractional seeds, repeats,
 * and more than MAX_SEEDS seeds.
 */
export function parseSeeds(value: string): number[] {
  const text = value.trim();
  const valid = `give a count (--seeds 5 runs seeds 0…4) or a comma list of distinct integers 0…4294967295 (--seeds 0,1,2), at most ${MAX_SEEDS} seeds`;
  if (text === "") throw new ConfigError(`--seeds is empty; ${valid}`);
  const isInteger = (item: string) => /^\d+$/.test(item) && Number(item) <= 4294967295;
  if (!text.includes(",")) {
    if (!isInteger(text)) throw new ConfigError(`--seeds "${value}" is not a whole number ≥ 0; ${valid}`);
    const count = Number(text);
    if (count > MAX_SEEDS) throw new ConfigError(`--seeds ${count} asks for ${count} runs per config; ${valid}`);
    return Array.from({ length: Math.max(1, count) }, (_, i) => i);
  }
  const items = text.split(",").map((item) => item.trim());
  const bad = items.find((item) => !isInteger(item));
  if (bad !== undefined) {
    throw new ConfigError(`--seeds "${value}" has ${bad === "" ? "an empty item" : `"${bad}", which is not a whole number ≥ 0`}; ${valid}`);
  }
  const seeds = items.map(Number);
  const repeated = seeds.find((seed, i) => seeds.indexOf(seed) !== i);
  if (repeated !== undefined) throw new ConfigError(`--seeds "${value}" repeats seed ${repeated}; ${valid}`);
  if (seeds.length > MAX_SEEDS) throw new ConfigError(`--seeds lists ${seeds.length} seeds; ${valid}`);
  return seeds;
}

/** Run names become directory names: one path segment of safe characters. */
export function validateRunName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._+=-]*$/.test(name) || name.length > 200) {
    throw new ConfigError(`run name "${name}" must be one path segment of letters, digits and . _ + = - (not starting with . or -)`);
  }
  return name;
}

/** The user-given options of a run, as strings (from the CLI or a config file). */
export interface RunOptions {
  activation?: string;
  optimizer?: string;
  lr?: string;
  batchSize?: string;
  iterations?: string;
  epochs?: string;
  evalEvery?: string;
  initMean?: string;
  initStd?: string;
  seed?: string;
  dataset?: string;
  dataDir?: string;
  logdir?: string;
  runName?: string;
  summaries?: string;
  /** Default: evalEvery. */
  summaryEvery?: string;
  scalarEvery?: string;
  checkpointEvery?: string;
  onNan?: string;
  backend?: string;
  /** Default: every core for wasm, 1 for js. */
  threads?: string;
  earlyStop?: string;
  /** Default: a quarter of the iterations. */
  grace?: string;
  cohort?: string;
}

/** --early-stop, --grace and --cohort as a config; undefined when --early-stop is not given. */
export function parseEarlyStop(options: Pick<RunOptions, "earlyStop" | "grace" | "cohort">): EarlyStopConfig | undefined {
  if (options.earlyStop === undefined) {
    const given = (["grace", "cohort"] as const).filter((key) => options[key] !== undefined);
    if (given.length > 0) throw new ConfigError(`--${given[0]} belongs to --early-stop; give --early-stop median too, or remove --${given[0]}`);
    return undefined;
  }
  const rule = options.earlyStop.trim().toLowerCase();
  if (!(EARLY_STOP_RULES as readonly string[]).includes(rule)) {
    throw new ConfigError(`unknown --early-stop rule "${options.earlyStop}"; valid rules: ${EARLY_STOP_RULES.join(", ")} (the median stopping rule)`);
  }
  const cohort = options.cohort ?? "";
  if (cohort !== "" && !/^[A-Za-z0-9][A-Za-z0-9._+=-]{0,199}$/.test(cohort)) {
    throw new ConfigError(`--cohort "${cohort}" must be letters, digits and . _ + = - (not starting with . or -), as a run name`);
  }
  return {
    rule: rule as EarlyStopConfig["rule"],
    grace: options.grace !== undefined ? parseNumber("--grace", options.grace, { min: 0, integer: true }) : null,
    cohort,
  };
}

/** Validates options into a full config; throws ConfigError naming the first bad value. */
export function resolveRunConfig(options: RunOptions): RunConfig {
  if (options.iterations !== undefined && options.epochs !== undefined) {
    throw new ConfigError("give either --iterations or --epochs, not both");
  }
  const backend = options.backend !== undefined ? parseBackend(options.backend) : DEFAULT_CONFIG.backend;
  const base: Omit<RunConfig, "runName"> = {
    activation: options.activation !== undefined ? parseActivation(options.activation) : DEFAULT_CONFIG.activation,
    optimizer: options.optimizer !== undefined ? parseOptimizer(options.optimizer) : DEFAULT_CONFIG.optimizer,
    lr: options.lr !== undefined ? parseNumber("--lr", options.lr, { min: 0, minExclusive: true }) : DEFAULT_CONFIG.lr,
    batchSize: options.batchSize !== undefined
      ? parseNumber("--batch-size", options.batchSize, { min: 1, integer: true, max: 60000 })
      : DEFAULT_CONFIG.batchSize,
    iterations: options.iterations !== undefined
      ? parseNumber("--iterations", options.iterations, { min: 1, integer: true })
      : DEFAULT_CONFIG.iterations,
    epochs: options.epochs !== undefined ? parseNumber("--epochs", options.epochs, { min: 0, minExclusive: true }) : null,
    evalEvery: options.evalEvery !== undefined
      ? parseNumber("--eval-every", options.evalEvery, { min: 1, integer: true })
      : DEFAULT_CONFIG.evalEvery,
    initMean: options.initMean !== undefined ? parseNumber("--init-mean", options.initMean) : DEFAULT_CONFIG.initMean,
    initStd: options.initStd !== undefined
      ? parseNumber("--init-std", options.initStd, { min: 0, minExclusive: true })
      : DEFAULT_CONFIG.initStd,
    seed: options.seed !== undefined ? parseNumber("--seed", options.seed, { min: 0, integer: true, max: 4294967295 }) : DEFAULT_CONFIG.seed,
    dataset: options.dataset !== undefined ? parseDatasetName(options.dataset) : DEFAULT_CONFIG.dataset,
    dataDir: options.dataDir ?? null,
    logdir: options.logdir ?? DEFAULT_CONFIG.logdir,
    summaries: options.summaries !== undefined ? parseSummaryLevel(options.summaries) : DEFAULT_CONFIG.summaries,
    summaryEvery: 0,
    scalarEvery: options.scalarEvery !== undefined
      ? parseNumber("--scalar-every", options.scalarEvery, { min: 1, integer: true })
      : DEFAULT_CONFIG.scalarEvery,
    checkpointEvery: options.checkpointEvery !== undefined
      ? parseNumber("--checkpoint-every", options.checkpointEvery, { min: 0, integer: true })
      : DEFAULT_CONFIG.checkpointEvery,
    onNan: options.onNan !== undefined ? parseOnNan(options.onNan) : DEFAULT_CONFIG.onNan,
    backend,
    threads: options.threads !== undefined ? parseThreads(options.threads, backend) : backend === "js" ? 1 : defaultThreads(),
  };
  base.summaryEvery = options.summaryEvery !== undefined
    ? parseNumber("--summary-every", options.summaryEvery, { min: 1, integer: true })
    : base.evalEvery;
  if (base.dataDir === null && base.dataset !== "mnist") {
    throw new ConfigError(`--dataset ${base.dataset} is not embedded; give --data-dir DIR with its IDX files ` +
      "(Debian's package dataset-fashion-mnist installs Fashion-MNIST)");
  }
  const earlyStop = parseEarlyStop(options);
  const runName = validateRunName(options.runName ?? defaultRunName(base));
  return { ...base, runName, ...(earlyStop ? { earlyStop } : {}) };
}

/** Iterations for `epochs` passes over `trainCount` images (the last batch may run into the next epoch). */
export function iterationsForEpochs(epochs: number, trainCount: number, batchSize: number): number {
  return Math.max(1, Math.ceil((epochs * trainCount) / batchSize));
}

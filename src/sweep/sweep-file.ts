// A sweep as a file (`compare --sweep-file sweep.json`, or .yaml): grid values
// and random-search distributions of the axes, how many random samples, the
// seed of the draws, the seeds of every config, and any other train option of
// `compare`, named as its flag. For example
//   { "grid": { "activation": ["relu", "sigmoid"], "optimizer": ["adam"] },
//     "random": { "lr": { "logUniform": [1e-4, 1e-1] } },
//     "samples": 20, "seed": 0, "seeds": 3, "iterations": 2000 }
// is 2 × 20 configs (every grid combination drawn 20 times), each over seeds
// 0, 1, 2. The draws come from the project's seeded stream, rounded to three
// significant digits (the run's name shows the value it trained with), and
// are distinct: the same file gives the same runs. Every key and value is
// checked before anything runs; a mistake is a ConfigError naming the file,
// the key and the way out (exit 2).
// Not here: the grid's points as runs (grid.ts), running them (local-pool.ts,
// src/queue), the command line (src/cli/compare-command.ts).

import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError, RunOptions, parseNumber, parseSeeds } from "../train/config.js";
import { RandomStream } from "../util/random.js";
import { AXIS_DEFAULTS, Axis, GridRun, gridRun, refuseRepeatedRuns, splitList } from "./grid.js";

/** The axes a file varies (the seeds are a key of their own, "seeds"). */
const CONFIG_AXES = ["activation", "optimizer", "lr"] as const;
type ConfigAxis = (typeof CONFIG_AXES)[number];

/** The keys of a sweep file besides the train options. */
const SWEEP_KEYS = ["grid", "random", "samples", "seed", "seeds"] as const;

/** Random stream id of a sweep's draws (a stream of its own, whatever else the seed seeds). */
const SAMPLE_STREAM = 5;
/** Draws of one sample that may repeat an earlier config before the file counts as asking for too many distinct ones. */
const MAX_REDRAWS = 100;
/** The most configs a file may expand to: beyond it a typo (samples: 20000) is likelier than a plan. */
const MAX_CONFIGS = 10_000;

/** How a random axis is drawn. */
type Distribution =
  | { kind: "logUniform"; min: number; max: number }
  | { kind: "uniform"; min: number; max: number }
  | { kind: "choice"; values: string[] };

/** A sweep file, read and checked: the configs it draws, their seeds, and the train options it sets. */
export interface SweepFile {
  path: string;
  /** Every config (activation, optimizer, lr, as train takes them), in the file's order. */
  configs: Record<ConfigAxis, string>[];
  seeds: string[];
  /** Train options by their camelCase name (as commander keeps them), as strings: "batchSize" → "128". */
  options: Record<string, string>;
}

/**
 * Reads and checks a sweep file (.json, .yaml or .yml) and draws its random
 * configs. `optionFlags` are the train options a file may set, as flags
 * ("--iterations", "--batch-size", …).
 */
export function readSweepFile(path: string, optionFlags: readonly string[]): SweepFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`--sweep-file ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give the path of a .json or .yaml sweep file`);
  }
  return parseSweepFile(text, path, optionFlags);
}

/** Checks the text of the sweep file `path` (its extension says JSON or YAML) and draws its random configs. */
export function parseSweepFile(text: string, path: string, optionFlags: readonly string[]): SweepFile {
  const fail = (message: string): never => {
    throw new ConfigError(`sweep file ${path}: ${message}`);
  };
  const extension = extname(path).toLowerCase();
  let data: unknown;
  try {
    if (extension === ".json") data = JSON.parse(text);
    else if (extension === ".yaml" || extension === ".yml") data = parseYaml(text);
    else fail(`"${extension || "no extension"}" is neither .json nor .yaml/.yml; name the file for its format`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    fail(`it is not valid ${extension === ".json" ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`);
  }
  if (!isObject(data)) return fail(`it must hold one object of keys (grid, random, samples, seed, seeds and train options), not ${kindOf(data)}`);

  const optionNames = new Map(optionFlags.map((flag) => [flag.replace(/^--/, ""), camelCase(flag.replace(/^--/, ""))]));
  const options: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if ((SWEEP_KEYS as readonly string[]).includes(key)) continue;
    if ((CONFIG_AXES as readonly string[]).includes(key)) {
      fail(`"${key}" at the top level: give it as a list under "grid" (grid: {"${key}": [...]}) or a distribution under "random"`);
    }
    const name = optionNames.get(key);
    if (name === undefined) {
      fail(`unknown key "${key}"; valid keys: ${SWEEP_KEYS.join(", ")} and the train options of compare, named as their flags ` +
        `(${[...optionNames.keys()].join(", ")}); remove it or correct its spelling`);
    }
    if (typeof value !== "number" && typeof value !== "string" && typeof value !== "boolean") {
      fail(`"${key}" must be a number or a string, as --${key} takes it, not ${kindOf(value)}`);
    }
    options[name!] = String(value);
  }

  const grid = axisSection(data.grid, "grid", fail);
  const random = axisSection(data.random, "random", fail);
  const gridLists = new Map<ConfigAxis, string[]>();
  for (const [axis, value] of grid) gridLists.set(axis, gridList(axis, value, fail));
  const distributions = new Map<ConfigAxis, Distribution>();
  for (const [axis, value] of random) {
    if (gridLists.has(axis)) fail(`"${axis}" is both in grid and in random; keep it in one of them`);
    distributions.set(axis, distribution(axis, value, fail));
  }

  let samples = 1;
  if (distributions.size > 0) {
    if (data.samples === undefined) fail(`random draws need "samples": how many configs to draw for every grid combination, e.g. "samples": 20`);
    if (typeof data.samples !== "number" || !Number.isInteger(data.samples) || data.samples < 1) {
      fail(`"samples" must be a positive integer (how many draws), got ${JSON.stringify(data.samples)}`);
    }
    samples = data.samples as number;
  } else if (data.samples !== undefined) {
    fail(`"samples" counts random draws, and "random" is empty; add distributions under "random" or remove "samples"`);
  }
  if (data.seed !== undefined && (distributions.size === 0 || typeof data.seed !== "number" || !Number.isInteger(data.seed) || data.seed < 0)) {
    fail(distributions.size === 0
      ? `"seed" seeds the random draws, and "random" is empty; the runs' own seeds are "seeds" (a count or a list)`
      : `"seed" (of the random draws) must be an integer ≥ 0, got ${JSON.stringify(data.seed)}; the runs' own seeds are "seeds"`);
  }
  let seeds: string[];
  try {
    // A list is a list of seeds even with one item ([3] is seed 3), a number a count, as --seeds takes them.
    const given = data.seeds;
    seeds = Array.isArray(given) && given.length === 1
      ? [String(parseNumber("its seed", String(given[0]), { integer: true, min: 0, max: 4294967295 }))]
      : parseSeeds(given === undefined ? AXIS_DEFAULTS.seed : Array.isArray(given) ? given.join(",") : String(given)).map(String);
  } catch (error) {
    return fail(`"seeds": ${(error as Error).message.replace(/^--seeds /, "")}`);
  }

  for (const axis of CONFIG_AXES) {
    if (!gridLists.has(axis) && !distributions.has(axis)) gridLists.set(axis, splitList(axis, AXIS_DEFAULTS[axis]));
  }
  const combinations = CONFIG_AXES.reduce((count, axis) => count * (gridLists.get(axis)?.length ?? 1), 1);
  if (combinations * samples > MAX_CONFIGS) {
    fail(`${combinations} grid combinations × ${samples} samples is ${combinations * samples} configs, more than ${MAX_CONFIGS}; lower "samples" or shorten the lists`);
  }
  const configs = drawConfigs(gridLists, distributions, samples, (data.seed as number | undefined) ?? 0, fail);
  return { path, configs, seeds, options };
}

/** The runs of a sweep file: every config over every seed, seeds innermost, as expandGrid makes them. */
export function sweepFileRuns(file: SweepFile, shared: RunOptions, sharedArgs: readonly string[]): GridRun[] {
  const runs: GridRun[] = [];
  try {
    for (const config of file.configs) {
      for (const seed of file.seeds) runs.push(gridRun({ ...config, seed } satisfies Record<Axis, string>, shared, sharedArgs));
    }
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`sweep file ${file.path}: ${error.message}`);
    throw error;
  }
  refuseRepeatedRuns(runs, `remove the repeated value from the lists of ${file.path}`);
  return runs;
}

/** For each sample, every grid combination (in grid order) with the random axes drawn; a draw that repeats a config is drawn again. */
function drawConfigs(lists: Map<ConfigAxis, string[]>, distributions: Map<ConfigAxis, Distribution>, samples: number, seed: number,
  fail: (message: string) => never): Record<ConfigAxis, string>[] {
  const random = new RandomStream(seed, SAMPLE_STREAM);
  let combinations: Partial<Record<ConfigAxis, string>>[] = [{}];
  for (const axis of CONFIG_AXES) {
    const values = lists.get(axis);
    if (values) combinations = combinations.flatMap((combination) => values.map((value) => ({ ...combination, [axis]: value })));
  }
  const configs: Record<ConfigAxis, string>[] = [];
  const seen = new Set<string>();
  for (let sample = 0; sample < samples; sample++) {
    for (const combination of combinations) {
      for (let attempt = 0; ; attempt++) {
        const config = { ...combination } as Record<ConfigAxis, string>;
        for (const [axis, drawn] of distributions) config[axis] = draw(drawn, random);
        const key = CONFIG_AXES.map((axis) => config[axis]).join("\0");
        if (!seen.has(key) || distributions.size === 0) {
          seen.add(key);
          configs.push(config);
          break;
        }
        if (attempt === MAX_REDRAWS) {
          fail(`${samples} samples cannot all be distinct configs: ${MAX_REDRAWS} draws in a row repeated earlier ones; ` +
            `lower "samples" or widen the distributions under "random"`);
        }
      }
    }
  }
  return configs;
}

/** One value of a distribution; a number rounded to three significant digits, as the run's name shows it. */
function draw(distribution: Distribution, random: RandomStream): string {
  switch (distribution.kind) {
    case "choice": return distribution.values[random.nextInt(distribution.values.length)]!;
    case "uniform": return String(Number((distribution.min + random.nextFloat() * (distribution.max - distribution.min)).toPrecision(3)));
    case "logUniform": {
      const [low, high] = [Math.log(distribution.min), Math.log(distribution.max)];
      return String(Number(Math.exp(low + random.nextFloat() * (high - low)).toPrecision(3)));
    }
  }
}

/** "grid" or "random": an object whose keys are axes. */
function axisSection(value: unknown, section: string, fail: (message: string) => never): [ConfigAxis, unknown][] {
  if (value === undefined) return [];
  if (!isObject(value)) return fail(`"${section}" must be an object whose keys are ${CONFIG_AXES.join(", ")}, not ${kindOf(value)}`);
  return Object.entries(value).map(([axis, entry]) => {
    if (!(CONFIG_AXES as readonly string[]).includes(axis)) {
      fail(`${section}: unknown axis "${axis}"; the axes are ${CONFIG_AXES.join(", ")}` +
        (axis === "seed" || axis === "seeds" ? ` (the runs' seeds are the top-level key "seeds")` : " (every other option is a top-level key)"));
    }
    return [axis as ConfigAxis, entry];
  });
}

function gridList(axis: ConfigAxis, value: unknown, fail: (message: string) => never): string[] {
  const expected = axis === "lr" ? "numbers, e.g. [0.01, 0.1]" : `names, e.g. ${axis === "activation" ? '["relu", "sigmoid"]' : '["adam", "sgd"]'}`;
  if (!Array.isArray(value) || value.length === 0) return fail(`grid.${axis} must be a non-empty list of ${expected}, not ${kindOf(value)}`);
  return value.map((item) => {
    if (axis === "lr" ? typeof item !== "number" : typeof item !== "string") fail(`grid.${axis} must list ${expected}; ${JSON.stringify(item)} is not one`);
    return String(item);
  });
}

function distribution(axis: ConfigAxis, value: unknown, fail: (message: string) => never): Distribution {
  const ways = axis === "lr"
    ? `{"logUniform": [MIN, MAX]} or {"uniform": [MIN, MAX]}, e.g. {"logUniform": [1e-4, 1e-1]}`
    : `{"choice": [...]}, e.g. {"choice": ${axis === "activation" ? '["relu", "tanh"]' : '["adam", "sgd"]'}}`;
  if (!isObject(value) || Object.keys(value).length !== 1) return fail(`random.${axis} must be one distribution: ${ways}`);
  const [kind, argument] = Object.entries(value)[0]!;
  if (kind === "choice" && axis !== "lr") {
    if (!Array.isArray(argument) || argument.length === 0 || argument.some((item) => typeof item !== "string")) {
      fail(`random.${axis}.choice must be a non-empty list of names, e.g. ${ways}`);
    }
    return { kind, values: argument as string[] };
  }
  if ((kind === "logUniform" || kind === "uniform") && axis === "lr") {
    const range = argument as unknown[];
    if (!Array.isArray(range) || range.length !== 2 || range.some((n) => typeof n !== "number" || !Number.isFinite(n))) {
      fail(`random.lr.${kind} must be [MIN, MAX], two numbers, e.g. [1e-4, 1e-1]`);
    }
    const [min, max] = range as [number, number];
    if (min <= 0) fail(`random.lr.${kind} has min ${min}; a learning rate is > 0${kind === "logUniform" ? " (and a log scale never reaches 0)" : ""}: give a min such as 1e-4`);
    if (max <= min) fail(`random.lr.${kind} is [${min}, ${max}]: the min must be below the max`);
    return { kind, min, max };
  }
  return fail(`random.${axis}: "${kind}" is not a distribution of ${axis}; give ${ways}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

/** "batch-size" → "batchSize", as commander names the option's value. */
function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

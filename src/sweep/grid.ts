// A sweep's grid as data: the Cartesian product of comma lists of
// activations, optimizers and learning rates, each over a list of seeds,
// every point validated as a full run config (so a bad value stops
// everything before anything runs) and named with its seed, with the
// `lenet-lab train` arguments that reproduce it. Pure.
// Not here: running the points (local-pool.ts), continuing a stopped grid
// (resume.ts), the command line (src/cli/compare-command.ts).

import { ConfigError, RunConfig, RunOptions, parseSeeds, resolveRunConfig, seededRunName, validateRunName } from "../train/config.js";

/** The options that take comma lists; every other run option applies to every run. */
export const AXES = ["activation", "optimizer", "lr", "seed"] as const;
export type Axis = (typeof AXES)[number];

/** The classic experiment over three seeds. */
export const AXIS_DEFAULTS: Record<Axis, string> = { activation: "relu,sigmoid", optimizer: "adam", lr: "0.01", seed: "0,1,2" };

export interface GridRun {
  config: RunConfig;
  /** Arguments of `lenet-lab train` for this run. */
  args: string[];
}

/** "relu, sigmoid" → ["relu", "sigmoid"]; refuses empty items. */
export function splitList(option: string, value: string): string[] {
  const items = value.split(",").map((item) => item.trim());
  if (items.some((item) => item === "")) throw new ConfigError(`--${option} "${value}" has an empty item; give a comma list such as relu,sigmoid`);
  return items;
}

/**
 * The grid's seeds: `seeds` (a count or a list, see parseSeeds; default
 * 0,1,2) or `seedList` (a comma list, as --seed took it before); not both.
 */
export function gridSeeds(given: { seeds?: string; seedList?: string }): string[] {
  if (given.seeds !== undefined && given.seedList !== undefined) {
    throw new ConfigError("give either --seeds (a count or a list) or --seed (a list), not both");
  }
  if (given.seedList !== undefined) return splitList("seed", given.seedList);
  return parseSeeds(given.seeds ?? AXIS_DEFAULTS.seed).map(String);
}

/** One point of a grid: its values of the axes (as given), validated as a full run config and named with its seed. */
export function gridRun(point: Record<Axis, string>, shared: RunOptions, sharedArgs: readonly string[]): GridRun {
  const { activation, optimizer, lr, seed } = point;
  const resolved = resolveRunConfig({ ...shared, activation, optimizer, lr, seed, runName: undefined });
  const config = { ...resolved, runName: validateRunName(seededRunName(resolved)) };
  const args = ["train", "--activation", activation, "--optimizer", optimizer, "--lr", lr, "--seed", seed,
    "--run-name", config.runName, ...sharedArgs, "--json"];
  return { config, args };
}

/** Refuses two points that are the same run (one run directory for both). */
export function refuseRepeatedRuns(runs: readonly GridRun[], remedy: string): void {
  const names = runs.map((r) => r.config.runName);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new ConfigError(`two grid points are the same run (${duplicate}); ${remedy}`);
}

/**
 * Every combination of the axis lists, each validated as a full run config
 * and named with its seed. `shared` are the other options, as train takes
 * them; `sharedArgs` the same as command-line arguments.
 */
export function expandGrid(lists: Record<Axis, string[]>, shared: RunOptions, sharedArgs: readonly string[]): GridRun[] {
  const runs: GridRun[] = [];
  for (const activation of lists.activation) {
    for (const optimizer of lists.optimizer) {
      for (const lr of lists.lr) {
        for (const seed of lists.seed) runs.push(gridRun({ activation, optimizer, lr, seed }, shared, sharedArgs));
      }
    }
  }
  refuseRepeatedRuns(runs, "remove the repeated value from the lists");
  return runs;
}

/**
 * Makes the runs one cohort of early stopping (train --cohort): each run
 * compares itself with the others, and with no run of another grid.
 */
export function joinCohort(runs: GridRun[], cohort: string): void {
  for (const run of runs) {
    if (!run.config.earlyStop) continue;
    run.config = { ...run.config, earlyStop: { ...run.config.earlyStop, cohort } };
    run.args.splice(run.args.indexOf("--json"), 0, "--cohort", cohort);
  }
}

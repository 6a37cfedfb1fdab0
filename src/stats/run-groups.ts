// Groups of runs: the runs whose configs differ only in the seed are one
// experiment drawn several times. A group is named as its runs would be
// without a seed ("relu-adam-lr0.01"); two groups are compared when their
// configs differ in exactly one setting (activation, optimizer, lr, …).
// Settings that do not change what a run computes — where it is written, how
// much it logs, how many threads — do not split a group. Not here: the
// numbers (describe.ts, band.ts), the sentences (src/report/findings.ts).

import { RunConfig, defaultRunName } from "../train/config.js";

/** Config fields that do not change the numbers a run computes. */
const NOT_THE_EXPERIMENT: ReadonlySet<keyof RunConfig> = new Set<keyof RunConfig>([
  "seed", "runName", "logdir", "threads", "summaries", "summaryEvery", "scalarEvery", "checkpointEvery", "onNan",
]);

/** The settings that make an experiment, in the order sentences name them. */
export const EXPERIMENT_SETTINGS = [
  "activation", "optimizer", "lr", "batchSize", "iterations", "epochs", "evalEvery", "initMean", "initStd", "dataset", "dataDir", "backend",
] as const satisfies readonly (keyof RunConfig)[];
export type ExperimentSetting = (typeof EXPERIMENT_SETTINGS)[number];

export interface GroupMember<T> {
  run: T;
  name: string;
  seed: number;
}

export interface RunGroup<T> {
  /** The run name without the seed, e.g. "relu-adam-lr0.01" (made unique within a logdir). */
  name: string;
  /** The config the members share (the first member's, its seed included). */
  config: RunConfig;
  /** Sorted by seed; one run per seed. */
  members: GroupMember<T>[];
  /** Runs of the group that repeat a member's seed (left out of every statistic). */
  repeats: GroupMember<T>[];
}

/** The identity of a config's experiment: every setting but the seed and the bookkeeping. */
export function experimentKey(config: RunConfig): string {
  const entries = Object.entries(config).filter(([key]) => !NOT_THE_EXPERIMENT.has(key as keyof RunConfig)).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(entries);
}

/** Experiment settings whose values differ between two configs. */
export function settingsDiffering(a: RunConfig, b: RunConfig): ExperimentSetting[] {
  return EXPERIMENT_SETTINGS.filter((key) => JSON.stringify(a[key] ?? null) !== JSON.stringify(b[key] ?? null));
}

/**
 * The runs grouped by experiment, in order of first appearance; members
 * sorted by seed. `describeRun` gives a run's name and config.
 */
export function groupRuns<T>(runs: readonly T[], describeRun: (run: T) => { name: string; config: RunConfig }): RunGroup<T>[] {
  const groups = new Map<string, RunGroup<T>>();
  for (const run of runs) {
    const { name, config } = describeRun(run);
    const key = experimentKey(config);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { name: defaultRunName({ ...config, seed: 0 }), config, members: [], repeats: [] }));
    const member = { run, name, seed: config.seed };
    if (group.members.some((m) => m.seed === config.seed)) group.repeats.push(member);
    else group.members.push(member);
  }
  const list = [...groups.values()];
  for (const group of list) group.members.sort((a, b) => a.seed - b.seed);
  // Groups that differ only in a setting the name leaves out (e.g. evalEvery) get "-2", "-3", …
  const seen = new Map<string, number>();
  for (const group of list) {
    const count = (seen.get(group.name) ?? 0) + 1;
    seen.set(group.name, count);
    if (count > 1) group.name = `${group.name}-${count}`;
  }
  return list;
}

/** Pairs of groups (anything with a config) that differ in exactly one experiment setting, with that setting. */
export function comparablePairs<G extends { config: RunConfig }>(groups: readonly G[]): { a: G; b: G; setting: ExperimentSetting }[] {
  const pairs: { a: G; b: G; setting: ExperimentSetting }[] = [];
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      const differing = settingsDiffering(groups[i].config, groups[j].config);
      if (differing.length === 1) pairs.push({ a: groups[i], b: groups[j], setting: differing[0] });
    }
  }
  return pairs;
}

/** "seeds 0, 1, 2" / "seed 4" / "seeds 0–7" (a run of consecutive seeds). */
export function seedList(seeds: readonly number[]): string {
  if (seeds.length === 0) return "no seeds";
  if (seeds.length === 1) return `seed ${seeds[0]}`;
  const consecutive = seeds.every((s, i) => i === 0 || s === seeds[i - 1] + 1);
  return consecutive && seeds.length > 3 ? `seeds ${seeds[0]}–${seeds[seeds.length - 1]}` : `seeds ${seeds.join(", ")}`;
}

/**
 * The logdir folder holding each group's aggregate curves as ordinary
 * TensorBoard runs (`_groups/<group>/mean`, `min`, `max`): not runs of their
 * own, so the report and the dashboard pass over it.
 */
export const GROUP_RUNS_DIR = "_groups";

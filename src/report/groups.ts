// The report's groups: the finished runs that differ only in their seed, with
// what the report says of each — final and final-window test accuracy and
// loss, when the seeds first reached 90 % test accuracy, wall time, each as
// mean ± std with a 95 % interval over the seeds — the seeds that fell far
// behind the others, and the seeds that did not finish. One member (the
// lowest seed) stands for the group where a figure shows one run.
// Not here: grouping itself (src/stats/run-groups.ts), sentences (findings.ts).

import { Description, describe } from "../stats/describe.js";
import { farBelow } from "../stats/outliers.js";
import { GroupMember, RunGroup, experimentKey, groupRuns } from "../stats/run-groups.js";
import type { RunConfig } from "../train/config.js";
import { FinalWindow, finalWindowOf } from "../train/final-window.js";
import type { RunRecord, UnfinishedRun } from "./run-data.js";

/** The test accuracy at which a run counts as having learned the task. */
export const LEARNED_ACCURACY = 0.9;

/** A seed this far (in accuracy) below the median of the others, and beyond their own spread, is named as fallen behind. */
export const FAR_BEHIND_GAP = 0.05;

export interface SeedOutcome {
  seed: number;
  run: RunRecord;
  window: FinalWindow;
  /** First iteration with test accuracy ≥ 90 %, or null. */
  reached: number | null;
}

export interface ReportGroup {
  name: string;
  config: RunConfig;
  members: SeedOutcome[];
  /** The member whose figures stand for the group: the lowest seed. */
  representative: SeedOutcome;
  finalAccuracy: Description;
  finalLoss: Description;
  /** Over each seed's mean of its last evaluations (finalWindow). */
  windowAccuracy: Description;
  windowLoss: Description;
  /** Over the seeds that reached 90 %. */
  reached: Description;
  neverReached: SeedOutcome[];
  seconds: Description;
  /** Seeds far below the others of the group (a stalled run among ones that learned). */
  farBehind: { member: SeedOutcome; reference: number }[];
  /** Seeds that reached 90 % far later than the others (sat at chance long before they started); reference: the others' median iteration. */
  lateLearners: { member: SeedOutcome; reference: number }[];
  /** Seeds of the group whose runs have no results (diverged, failed, still running), with their state. */
  missing: { seed: number; name: string; state: string }[];
  /** Runs that repeat a member's seed, left out of the statistics. */
  repeats: string[];
}

/** First iteration at which the run's test accuracy reached `threshold`, or null. */
export function iterationReaching(run: RunRecord, threshold: number): number | null {
  const hit = (run.scalars.get("accuracy/test") ?? []).find((p) => p.value >= threshold);
  return hit ? hit.step : null;
}

/** The run's final window, from run.json or, for runs written before it had one, from its history. */
export function windowOf(run: RunRecord): FinalWindow {
  return run.summary.finalWindow ?? finalWindowOf(run.summary.history) ?? {
    evaluations: 1, fromIteration: run.summary.iterations, toIteration: run.summary.iterations,
    testAccuracy: run.summary.final.testAccuracy, testLoss: run.summary.final.testLoss,
    testAccuracyMin: run.summary.final.testAccuracy, testAccuracyMax: run.summary.final.testAccuracy,
  };
}

function seedOutcome(member: GroupMember<RunRecord>): SeedOutcome {
  return { seed: member.seed, run: member.run, window: windowOf(member.run), reached: iterationReaching(member.run, LEARNED_ACCURACY) };
}

function describeGroup(group: RunGroup<RunRecord>, unfinished: readonly UnfinishedRun[]): ReportGroup {
  const members = group.members.map(seedOutcome);
  const reachedOnes = members.filter((m) => m.reached !== null);
  const farBehind = farBelow(members.map((m) => ({ item: m, value: m.window.testAccuracy })), FAR_BEHIND_GAP)
    .map((f) => ({ member: f.item, reference: f.reference }));
  // A seed that never learned while others of its group did has stalled, however wide the group.
  for (const m of members) {
    if (m.reached === null && reachedOnes.length > 0 && !farBehind.some((f) => f.member === m)) {
      const others = members.filter((o) => o !== m).map((o) => o.window.testAccuracy).sort((a, b) => a - b);
      farBehind.push({ member: m, reference: others[Math.floor(others.length / 2)] });
    }
  }
  farBehind.sort((a, b) => a.member.seed - b.member.seed);
  // Later is worse: negate the iterations, so that "far below" means "far later"; two evaluations at least.
  const lateLearners = farBelow(reachedOnes.map((m) => ({ item: m, value: -m.reached! })), 2 * group.config.evalEvery)
    .map((f) => ({ member: f.item, reference: -f.reference }));
  const key = experimentKey(group.config);
  const missing = unfinished.filter((u) => u.config && experimentKey(u.config) === key)
    .map((u) => ({ seed: u.config!.seed, name: u.name, state: u.state }));
  return {
    name: group.name,
    config: group.config,
    members,
    representative: members[0],
    finalAccuracy: describe(members.map((m) => m.run.summary.final.testAccuracy)),
    finalLoss: describe(members.map((m) => m.run.summary.final.testLoss)),
    windowAccuracy: describe(members.map((m) => m.window.testAccuracy)),
    windowLoss: describe(members.map((m) => m.window.testLoss)),
    reached: describe(reachedOnes.map((m) => m.reached!)),
    neverReached: members.filter((m) => m.reached === null),
    seconds: describe(members.map((m) => m.run.summary.seconds)),
    farBehind,
    lateLearners,
    missing,
    repeats: group.repeats.map((r) => r.name),
  };
}

/** The finished runs in groups, in the order the runs come (sorted by name in a logdir). */
export function reportGroups(runs: readonly RunRecord[], unfinished: readonly UnfinishedRun[] = []): ReportGroup[] {
  return groupRuns(runs, (run) => ({ name: run.name, config: run.summary.config })).map((group) => describeGroup(group, unfinished));
}

/** "relu + adam, lr 0.01": a group's config in words, leaving out what every group shares. */
export function groupLabel(group: ReportGroup): string {
  const c = group.config;
  return `${c.activation} + ${c.optimizer}, lr ${c.lr}`;
}

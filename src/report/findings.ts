// The report's findings: sentences computed from the runs' data, over groups
// of seeds (groups.ts). What each group reached and how widely its seeds
// spread; for every two groups that differ in one setting, the difference of
// their means with a 95 % Welch interval and a verdict that calls a
// difference shown only when the interval excludes zero; seeds that stalled
// or fell behind their group, and seeds without results; then how the
// gradients, the units and the fc2 codes differ, and time. With one seed per
// config, a difference is held against the runs' own swing over their last
// evaluations, and is never called a result inside it. Every number comes
// from the data; a sentence whose data is missing is left out, not guessed.

import { Description, Difference, excludesZero, median, welchDifference } from "../stats/describe.js";
import { ExperimentSetting, comparablePairs, seedList } from "../stats/run-groups.js";
import type { RunConfig } from "../train/config.js";
import { classFindings } from "./class-findings.js";
import { LEARNED_ACCURACY, ReportGroup, SeedOutcome, groupLabel, reportGroups } from "./groups.js";
import type { RunRecord, UnfinishedRun } from "./run-data.js";

export { LEARNED_ACCURACY, iterationReaching } from "./groups.js";

export interface Fc2Stats {
  /** Mean cosine similarity between the mean fc2 vectors of different digits (1 = indistinguishable). */
  meanCosine: number;
  /** Fraction of fc2 values that are exactly 0. */
  zeroFraction: number;
  /** Smallest and largest fc2 value over the maps. */
  min: number;
  max: number;
}

/** The learned threshold as sentences write it: "90%". */
const LEARNED = `${Number((100 * LEARNED_ACCURACY).toFixed(2))}%`;

/** "97.85%" */
export const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
/** "+0.40 pp" / "−1.20 pp" (percentage points, signed). */
const points = (x: number) => `${x < 0 ? "−" : "+"}${Math.abs(100 * x).toFixed(2)} pp`;
/** A bound of an interval in percentage points, signed: "−0.30", "+1.10". */
const bound = (x: number) => `${x < 0 ? "−" : "+"}${Math.abs(100 * x).toFixed(2)}`;
const number = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2));
const signedCount = (x: number) => `${x < 0 ? "−" : "+"}${Math.abs(Math.round(x))}`;

/** Median of a scalar over training (or over its first `fraction` of iterations), NaN when not logged. */
function medianOf(run: RunRecord, tag: string, fraction = 1): number {
  const last = fraction * run.summary.iterations;
  return median((run.scalars.get(tag) ?? []).filter((p) => p.step <= last).map((p) => p.value));
}

/** The part of training called "early" in the findings. */
const EARLY_FRACTION = 0.1;

/** "97.85% ± 0.21" with n ≥ 2, "97.85%" with one value. */
function accuracyWithSpread(d: Description): string {
  return d.n >= 2 ? `${percent(d.mean)} ± ${(100 * d.std).toFixed(2)}` : percent(d.mean);
}

/** "150 ± 50" (iterations, counts, seconds) with n ≥ 2, "150" with one value. */
function countWithSpread(d: Description, digits = 0): string {
  return d.n >= 2 ? `${d.mean.toFixed(digits)} ± ${d.std.toFixed(digits)}` : d.mean.toFixed(digits);
}

/** A setting's value as a sentence names it. */
function settingValue(config: RunConfig, setting: ExperimentSetting): string {
  const value = config[setting];
  if (setting === "lr") return `lr ${value}`;
  if (setting === "batchSize") return `batch ${value}`;
  if (setting === "iterations") return `${value} iterations`;
  if (setting === "initStd") return `init std ${value}`;
  if (setting === "initMean") return `init mean ${value}`;
  return String(value ?? "none");
}

/** What two groups share, for context: "adam, lr 0.01" when they differ in the activation. */
function sharedContext(config: RunConfig, except: ExperimentSetting): string {
  return (["activation", "optimizer", "lr"] as const).filter((key) => key !== except).map((key) => settingValue(config, key)).join(", ");
}

/** "n = 3 each" / "n = 3 and 2". */
function sizes(a: Description, b: Description): string {
  return a.n === b.n ? `n = ${a.n} each` : `n = ${a.n} and ${b.n}`;
}

// ───────────────────────────── the groups ─────────────────────────────

function overview(groups: readonly ReportGroup[], runs: readonly RunRecord[]): string[] {
  const window = groups[0].members[0].window;
  const windowWords = window.evaluations > 1
    ? `each run's mean over its last ${window.evaluations} evaluations (iterations ${window.fromIteration}–${window.toIteration} ` +
      `in ${groups[0].members[0].run.name}), because the accuracy swings from one evaluation to the next`
    : "each run's last evaluation";
  if (groups.every((g) => g.members.length === 1)) {
    return [`Every configuration ran with one seed, so every number below is one draw: the seed alone moves LeNet-5's final test ` +
      `accuracy by about a point, and a run's accuracy swings between evaluations. A difference between runs is therefore held ` +
      `against that swing (the range of each run's last evaluations) and never called a result inside it; ` +
      `\`lenet-lab compare --seeds 3\` measures the spread between seeds. Test accuracy here is ${windowWords}.`];
  }
  const listing = groups.map((g) => `${g.name}: ${seedList(g.members.map((m) => m.seed))}`).join("; ");
  return [`${runs.length} runs in ${groups.length} group${groups.length === 1 ? "" : "s"} of seeds (${listing}). A group is described ` +
    `by its mean ± standard deviation over its seeds, with a 95% confidence interval (Student's t); two groups that differ ` +
    `in one setting are compared by the difference of their means with a 95% interval (Welch), and a difference counts as ` +
    `shown only when that interval excludes zero. Test accuracy here is ${windowWords}.`];
}

function groupSummary(group: ReportGroup): string {
  const n = group.members.length;
  const seeds = seedList(group.members.map((m) => m.seed));
  const w = group.windowAccuracy;
  let sentence = n >= 2
    ? `${groupLabel(group)} (${seeds}): test accuracy ${accuracyWithSpread(w)} (95% CI ${percent(w.ci95!.low)} … ${percent(w.ci95!.high)}, ` +
      `seeds ${percent(w.min)} … ${percent(w.max)}), test loss ${group.windowLoss.mean.toFixed(4)} ± ${group.windowLoss.std.toFixed(4)}`
    : `${groupLabel(group)} (${seeds}, one draw): test accuracy ${percent(w.mean)} (its last evaluations span ` +
      `${percent(group.members[0].window.testAccuracyMin)} … ${percent(group.members[0].window.testAccuracyMax)}; the last one ` +
      `${percent(group.finalAccuracy.mean)}), test loss ${group.windowLoss.mean.toFixed(4)}`;
  const reached = group.members.length - group.neverReached.length;
  if (reached === n) sentence += `; it reached ${LEARNED} test accuracy at iteration ${countWithSpread(group.reached)}`;
  else if (reached > 0) sentence += `; ${reached} of ${n} seeds reached ${LEARNED} test accuracy (at iteration ${countWithSpread(group.reached)}), ${seedList(group.neverReached.map((m) => m.seed))} never did`;
  else sentence += `; it never reached ${LEARNED} test accuracy (best evaluation ${percent(Math.max(...group.members.flatMap((m) => (m.run.scalars.get("accuracy/test") ?? []).map((p) => p.value)), 0))})`;
  if (w.mean < 0.2) sentence += `. It is still near chance (10% for ten classes)`;
  return `${sentence}.`;
}

// ──────────────────────────── comparisons ────────────────────────────

/** The verdict on a difference a − b whose interval is known. */
function verdict(d: Difference, nameA: string, nameB: string): string {
  if (!d.ci95 || !excludesZero(d.ci95)) return "no difference shown";
  return d.difference > 0 ? `${nameA} ahead` : `${nameB} ahead`;
}

/** The largest eval-to-eval swing among the runs: the range of their final windows' test accuracy. */
function largestSwing(members: readonly SeedOutcome[]): number {
  return Math.max(...members.map((m) => m.window.testAccuracyMax - m.window.testAccuracyMin));
}

function compareAccuracy(a: ReportGroup, b: ReportGroup, setting: ExperimentSetting): string {
  const nameA = settingValue(a.config, setting);
  const nameB = settingValue(b.config, setting);
  const head = `${nameA} vs ${nameB} (${sharedContext(a.config, setting)}), test accuracy`;
  const d = welchDifference(a.members.map((m) => m.window.testAccuracy), b.members.map((m) => m.window.testAccuracy));
  if (d.ci95) {
    return `${head}: ${points(d.difference)} (95% CI ${bound(d.ci95.low)} … ${bound(d.ci95.high)}, ${sizes(d.a, d.b)}): ${verdict(d, nameA, nameB)}.`;
  }
  // Fewer than two seeds on a side: no interval; the runs' own swing (and any seed spread there is) is the yardstick.
  const members = [...a.members, ...b.members];
  const seedSpread = Math.max(...[a, b].filter((g) => g.members.length >= 2).map((g) => g.windowAccuracy.max - g.windowAccuracy.min), 0);
  const swing = Math.max(largestSwing(members), seedSpread);
  const drawn = a.members.length === 1 && b.members.length === 1 ? "one seed each" : `${sizes(d.a, d.b)}, no interval without two seeds on each side`;
  const yardstick = seedSpread > largestSwing(members)
    ? `the ${(100 * swing).toFixed(2)} pp spread between the seeds there are`
    : `the runs' own swing of up to ${(100 * swing).toFixed(2)} pp over their last evaluations`;
  if (Math.abs(d.difference) <= swing) {
    return `${head}: ${points(d.difference)} on ${drawn}, inside ${yardstick}: no difference shown.`;
  }
  const ahead = d.difference > 0 ? nameA : nameB;
  return `${head}: ${points(d.difference)} on ${drawn}, beyond ${yardstick}: ${ahead} ahead in this draw; how much of the gap ` +
    "another seed would move is not measured (`lenet-lab compare --seeds 3`).";
}

function compareSpeed(a: ReportGroup, b: ReportGroup, setting: ExperimentSetting): string | null {
  const nameA = settingValue(a.config, setting);
  const nameB = settingValue(b.config, setting);
  const reachedA = a.members.filter((m) => m.reached !== null).map((m) => m.reached!);
  const reachedB = b.members.filter((m) => m.reached !== null).map((m) => m.reached!);
  if (reachedA.length === 0 && reachedB.length === 0) return null;
  const head = `${nameA} vs ${nameB} (${sharedContext(a.config, setting)}), iterations to ${LEARNED} test accuracy`;
  const every = a.config.evalEvery;
  if (reachedA.length < a.members.length || reachedB.length < b.members.length) {
    const part = (g: ReportGroup, name: string, reached: number[]) => reached.length === 0
      ? `${name} never got there`
      : `${name} got there in ${reached.length} of ${g.members.length} seed${g.members.length === 1 ? "" : "s"} (at iteration ${countWithSpread(g.reached)})`;
    return `${head}: ${part(a, nameA, reachedA)}, ${part(b, nameB, reachedB)}.`;
  }
  const d = welchDifference(reachedA, reachedB);
  if (d.ci95) {
    const faster = d.difference < 0 ? nameA : nameB;
    const shown = excludesZero(d.ci95) ? `${faster} learns faster` : "no difference shown";
    return `${head}: ${countWithSpread(d.a)} vs ${countWithSpread(d.b)}, a difference of ${signedCount(d.difference)} ` +
      `(95% CI ${signedCount(d.ci95.low)} … ${signedCount(d.ci95.high)}, ${sizes(d.a, d.b)}; evaluations every ${every}): ${shown}.`;
  }
  const gap = Math.abs(d.difference);
  const first = d.difference < 0 ? nameA : nameB;
  return `${head}: ${countWithSpread(d.a)} vs ${countWithSpread(d.b)} on ${sizes(d.a, d.b)}` +
    (gap <= every ? ` — within one evaluation interval (${every}): no difference shown.` : ` — ${first} got there first in this draw.`);
}

function comparisons(groups: readonly ReportGroup[]): string[] {
  const order: ExperimentSetting[] = ["activation", "optimizer", "lr"];
  const pairs = [...comparablePairs(groups)].sort((x, y) => (order.indexOf(x.setting) + 1 || 99) - (order.indexOf(y.setting) + 1 || 99));
  return pairs.flatMap(({ a, b, setting }) => [compareAccuracy(a, b, setting), compareSpeed(a, b, setting)].filter((s): s is string => s !== null));
}

// ──────────────────────────── the seeds ────────────────────────────

function seedFindings(groups: readonly ReportGroup[]): string[] {
  const sentences: string[] = [];
  for (const group of groups) {
    const n = group.members.length;
    const total = n + group.missing.length;
    for (const { member, reference } of group.farBehind) {
      const what = member.reached === null ? "stalled" : "fell behind";
      sentences.push(`1 of ${n} ${groupLabel(group)} seeds ${what} at ${percent(member.window.testAccuracy)} (seed ${member.seed}, ` +
        `${member.run.name}), against ${percent(reference)} for the others (their median); it alone spreads the group over ` +
        `${percent(group.windowAccuracy.min)} … ${percent(group.windowAccuracy.max)} (standard deviation ${(100 * group.windowAccuracy.std).toFixed(2)} pp).`);
    }
    if (group.lateLearners.length > 0) {
      const late = group.lateLearners;
      sentences.push(`${late.length} of ${n} ${groupLabel(group)} seeds sat near chance far longer than the others before they learned: ` +
        late.map((l) => `seed ${l.member.seed} reached ${LEARNED} at iteration ${l.member.reached}`).join(", ") +
        `, against ${Math.round(median(late.map((l) => l.reference)))} for the others (their median)` +
        `; ${late.length === 1 ? "its" : "their"} test accuracy at the end: ${late.map((l) => percent(l.member.window.testAccuracy)).join(", ")}.`);
    }
    if (group.farBehind.length === 0 && n >= 2) {
      sentences.push(`${groupLabel(group)}: the ${n} seeds end within ${(100 * (group.windowAccuracy.max - group.windowAccuracy.min)).toFixed(2)} pp ` +
        `of each other (${percent(group.windowAccuracy.min)} … ${percent(group.windowAccuracy.max)}); none fell far behind.`);
    }
    if (group.missing.length > 0) {
      sentences.push(`${groupLabel(group)}: statistics over ${n} of ${total} seeds; ` +
        group.missing.map((m) => `seed ${m.seed} (${m.name}) has no results: ${m.state}`).join("; ") + ".");
    }
    for (const repeat of group.repeats) {
      sentences.push(`${repeat} repeats a seed of ${group.name} and is left out of its statistics.`);
    }
  }
  return sentences;
}

// ─────────────────────── gradients, units, fc2, time ───────────────────────

/** A per-seed quantity of a group: its mean, and the range over the seeds when there are several. */
function perSeed(group: ReportGroup, value: (run: RunRecord) => number): { mean: number; min: number; max: number; n: number } | null {
  const values = group.members.map((m) => value(m.run)).filter((v) => Number.isFinite(v));
  if (values.length === 0) return null;
  return { mean: values.reduce((s, v) => s + v, 0) / values.length, min: Math.min(...values), max: Math.max(...values), n: values.length };
}

const rangeNote = (v: { min: number; max: number; n: number }) => (v.n >= 2 ? `, seeds ${number(v.min)} … ${number(v.max)}` : "");

function gradientFindings(groups: readonly ReportGroup[]): string[] {
  const sentences: string[] = [];
  for (const { a, b } of comparablePairs(groups).filter((p) => p.setting === "activation")) {
    const normA = perSeed(a, (run) => medianOf(run, "gradient_norm/conv1"));
    const normB = perSeed(b, (run) => medianOf(run, "gradient_norm/conv1"));
    if (!normA || !normB || normA.mean <= 0 || normB.mean <= 0) continue;
    const [high, low, highNorm, lowNorm] = normA.mean >= normB.mean ? [a, b, normA, normB] : [b, a, normB, normA];
    let sentence = `With ${sharedContext(high.config, "activation")}, the median conv1 gradient norm over training is ` +
      `${number(highNorm.mean / lowNorm.mean)}× larger with ${high.config.activation} (${number(highNorm.mean)}${rangeNote(highNorm)}) than with ` +
      `${low.config.activation} (${number(lowNorm.mean)}${rangeNote(lowNorm)})`;
    const earlyHigh = perSeed(high, (run) => medianOf(run, "gradient_norm/conv1", EARLY_FRACTION));
    const earlyLow = perSeed(low, (run) => medianOf(run, "gradient_norm/conv1", EARLY_FRACTION));
    if (earlyHigh && earlyLow && earlyLow.mean > 0 && high.config.iterations === low.config.iterations) {
      const ratio = earlyHigh.mean / earlyLow.mean;
      sentence += `; over the first ${Math.round(EARLY_FRACTION * high.config.iterations)} iterations it is ` +
        (ratio >= 1 ? `${number(ratio)}× larger with ${high.config.activation}` : `${number(1 / ratio)}× larger with ${low.config.activation}`);
    }
    sentences.push(`${sentence}${highNorm.n >= 2 || lowNorm.n >= 2 ? " (means over the seeds)" : ""}.`);
  }
  const attenuation = groups.map((group) => ({ group, ratio: perSeed(group, (run) => medianOf(run, "gradient_norm/conv1") / medianOf(run, "gradient_norm/fc3")) }))
    .filter((r): r is { group: ReportGroup; ratio: NonNullable<typeof r.ratio> } => r.ratio !== null && r.ratio.mean > 0)
    .sort((x, y) => x.ratio.mean - y.ratio.mean);
  if (attenuation.length > 0) {
    sentences.push(`Gradient reaching the first layer, as the ratio of conv1's to fc3's median gradient norm: ` +
      attenuation.map((r) => `${r.group.name} ${number(r.ratio.mean)}${rangeNote(r.ratio)}`).join(", ") +
      (attenuation.length > 1 ? ` — the gradient fades most on its way down in ${attenuation[0].group.name}.` : "."));
  }
  return sentences;
}

function unitFindings(groups: readonly ReportGroup[]): string[] {
  const sentences: string[] = [];
  for (const group of groups) {
    for (const kind of ["dead", "saturated"] as const) {
      const finals = ["conv1", "conv2", "fc1", "fc2"].map((layer) => {
        const value = perSeed(group, (run) => {
          const curve = run.scalars.get(`${kind}_fraction/${layer}`);
          return curve && curve.length > 0 ? curve[curve.length - 1].value : NaN;
        });
        return value ? { layer, value } : null;
      }).filter((f): f is { layer: string; value: NonNullable<ReturnType<typeof perSeed>> } => f !== null);
      if (finals.length === 0) continue;
      const worst = finals.reduce((x, y) => (y.value.mean > x.value.mean ? y : x));
      const rest = finals.filter((f) => f !== worst);
      const spread = worst.value.n >= 2 ? ` (seeds ${percent(worst.value.min)} … ${percent(worst.value.max)})` : "";
      sentences.push(`${group.name}: at the end ${percent(worst.value.mean)}${spread} of ${worst.layer}'s units are ${kind}` +
        (kind === "dead" ? " (never positive on the probe images)" : " (in the activation's flat tails)") +
        (rest.length > 0 ? `; the other layers ${rest.map((f) => `${f.layer} ${percent(f.value.mean)}`).join(", ")}.` : "."));
    }
  }
  return sentences;
}

function fc2Findings(groups: readonly ReportGroup[], fc2: ReadonlyMap<string, Fc2Stats>): string[] {
  const stats = groups.map((group) => {
    const withMaps = group.members.filter((m) => fc2.has(m.run.name)).map((m) => fc2.get(m.run.name)!);
    if (withMaps.length === 0) return null;
    const cosines = withMaps.map((s) => s.meanCosine);
    const mean = cosines.reduce((s, v) => s + v, 0) / cosines.length;
    const std = cosines.length >= 2 ? Math.sqrt(cosines.reduce((s, v) => s + (v - mean) ** 2, 0) / (cosines.length - 1)) : NaN;
    const zero = withMaps.reduce((s, v) => s + v.zeroFraction, 0) / withMaps.length;
    return { group, mean, std, n: cosines.length, zero };
  }).filter((s): s is NonNullable<typeof s> => s !== null).sort((x, y) => x.mean - y.mean);
  if (stats.length === 0) return [];
  const cosine = (s: (typeof stats)[number]) => (s.n >= 2 ? `${s.mean.toFixed(2)} ± ${s.std.toFixed(2)}, n = ${s.n}` : s.mean.toFixed(2));
  const sentences = [stats.length === 1
    ? `In fc2 space the mean vectors of different digits have a mean cosine similarity of ${cosine(stats[0])} in ${stats[0].group.name} (1 would mean indistinguishable).`
    : `The digits are most distinct in fc2 space in ${stats[0].group.name} (mean cosine similarity between different digits' ` +
      `mean fc2 vectors ${cosine(stats[0])}) and least in ${stats[stats.length - 1].group.name} ` +
      `(${cosine(stats[stats.length - 1])}; 1 would mean indistinguishable).`];
  const sparse = stats.filter((s) => s.zero > 0.01).sort((x, y) => y.zero - x.zero);
  if (sparse.length > 0) {
    sentences.push(`Sparse fc2 codes: ${sparse.map((s) => `${percent(s.zero)} of ${s.group.name}'s fc2 values are exactly 0`).join("; ")}` +
      `${stats.length > sparse.length ? `, against none or almost none in ${stats.filter((s) => !sparse.includes(s)).map((s) => s.group.name).join(", ")}` : ""}.`);
  }
  return sentences;
}

function timeFindings(groups: readonly ReportGroup[], runs: readonly RunRecord[]): string[] {
  if (runs.length < 2) return [];
  const times = groups.map((g) => `${g.name} ${countWithSpread(g.seconds)} s`).join(", ");
  const speeds = groups.map((g) => {
    const speed = perSeed(g, (run) => run.summary.trainImagesPerSecond)!;
    return `${g.name} ${Math.round(speed.mean).toLocaleString("en-US")}`;
  }).join(", ");
  return [`Wall time per run: ${times}; training speed in images/s: ${speeds}${groups.some((g) => g.members.length >= 2) ? " (means over the seeds)" : ""}.`];
}

/** Every finding, in reading order. */
export function computeFindings(runs: readonly RunRecord[], fc2: ReadonlyMap<string, Fc2Stats>, unfinished: readonly UnfinishedRun[] = []): string[] {
  if (runs.length === 0) return ["No run has finished yet, so there is nothing to compare."];
  const groups = reportGroups(runs, unfinished);
  const sentences = [
    ...overview(groups, runs),
    ...comparisons(groups),
    ...groups.map(groupSummary),
    ...seedFindings(groups),
    ...classFindings(groups),
    ...gradientFindings(groups),
    ...unitFindings(groups),
    ...fc2Findings(groups, fc2),
    ...timeFindings(groups, runs),
  ];
  const grouped = new Set(groups.flatMap((g) => g.missing.map((m) => m.name)));
  const stopped = unfinished.filter((u) => u.stoppedEarly);
  if (stopped.length > 0) {
    sentences.push(`${stopped.length} run${stopped.length > 1 ? "s were" : " was"} stopped early by the median stopping rule, ` +
      `behind the other runs, and ${stopped.length > 1 ? "are" : "is"} left out of the comparisons: ${stopped.map((u) => u.name).join(", ")}.`);
  }
  const loose = unfinished.filter((u) => !grouped.has(u.name) && !u.stoppedEarly);
  if (loose.length > 0) {
    sentences.push(`${loose.length} run director${loose.length > 1 ? "ies have" : "y has"} no results and ` +
      `${loose.length > 1 ? "are" : "is"} left out: ${loose.map((u) => u.name).join(", ")}.`);
  }
  return sentences;
}

// The report's findings: sentences computed from the runs' data — which run
// ended best, which learned fastest, what changing only the activation or
// only the optimizer did, how the conv1 gradient norm differs, dead and
// saturated units, how separable the digits are in fc2 space, time. Every
// number comes from the data and every comparison's direction is decided by
// it; a sentence whose data is missing is left out rather than guessed.

import type { RunConfig } from "../train/config.js";
import type { RunRecord, UnfinishedRun } from "./run-data.js";

export interface Fc2Stats {
  /** Mean cosine similarity between the mean fc2 vectors of different digits (1 = indistinguishable). */
  meanCosine: number;
  /** Fraction of fc2 values that are exactly 0. */
  zeroFraction: number;
  /** Smallest and largest fc2 value over the maps. */
  min: number;
  max: number;
}

/** The test accuracy at which a run counts as having learned the task. */
export const LEARNED_ACCURACY = 0.9;

const percent = (x: number) => `${Number((100 * x).toFixed(2))}%`;
const points = (x: number) => `${(100 * x).toFixed(2)} percentage points`;
const number = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2));

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** First iteration at which the test accuracy reached `threshold`, or null. */
export function iterationReaching(run: RunRecord, threshold: number): number | null {
  const hit = (run.scalars.get("accuracy/test") ?? []).find((p) => p.value >= threshold);
  return hit ? hit.step : null;
}

/** Median of a scalar over training (or over its first `fraction` of iterations), NaN when not logged. */
function medianOf(run: RunRecord, tag: string, fraction = 1): number {
  const last = fraction * run.summary.iterations;
  return median((run.scalars.get(tag) ?? []).filter((p) => p.step <= last).map((p) => p.value));
}

/** The part of training called "early" in the findings. */
const EARLY_FRACTION = 0.1;

/** Groups runs that differ only in `key` (and in their names and directories). */
function groupsDifferingIn(runs: readonly RunRecord[], key: keyof RunConfig): RunRecord[][] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    const rest = Object.entries(run.summary.config).filter(([k]) => k !== key && k !== "runName" && k !== "logdir").sort();
    const id = JSON.stringify(rest);
    groups.set(id, [...(groups.get(id) ?? []), run]);
  }
  return [...groups.values()].filter((g) => new Set(g.map((r) => String(r.summary.config[key]))).size > 1);
}

/** "adam, lr 0.01" — what a group of runs has in common, for context. */
function commonSetting(run: RunRecord, except: keyof RunConfig): string {
  const c = run.summary.config;
  const parts: string[] = [];
  if (except !== "activation") parts.push(c.activation);
  if (except !== "optimizer") parts.push(c.optimizer);
  if (except !== "lr") parts.push(`lr ${c.lr}`);
  return parts.join(", ");
}

function ranking(runs: readonly RunRecord[]): string[] {
  const sorted = [...runs].sort((a, b) => b.summary.final.testAccuracy - a.summary.final.testAccuracy);
  const best = sorted[0];
  const worst = sorted[sorted.length - 1];
  if (sorted.length === 1) {
    return [`The only finished run, ${best.name}, ends at ${percent(best.summary.final.testAccuracy)} test accuracy ` +
      `(test loss ${best.summary.final.testLoss.toFixed(4)}) after ${best.summary.iterations} iterations.`];
  }
  const sentences = [`${best.name} ends with the highest test accuracy, ${percent(best.summary.final.testAccuracy)} ` +
    `(test loss ${best.summary.final.testLoss.toFixed(4)}); ${worst.name} the lowest, ${percent(worst.summary.final.testAccuracy)} ` +
    `(test loss ${worst.summary.final.testLoss.toFixed(4)}), ${points(best.summary.final.testAccuracy - worst.summary.final.testAccuracy)} lower.`];
  const nearChance = runs.filter((r) => r.summary.final.testAccuracy < 0.2);
  for (const run of nearChance) {
    sentences.push(`${run.name} is still near chance (10% for ten classes): ${percent(run.summary.final.testAccuracy)} after ` +
      `${run.summary.iterations} iterations.`);
  }
  return sentences;
}

function learningSpeed(runs: readonly RunRecord[]): string[] {
  const reached = runs.map((run) => ({ run, at: iterationReaching(run, LEARNED_ACCURACY) }));
  const hit = reached.filter((r) => r.at !== null).sort((a, b) => a.at! - b.at!);
  const missed = reached.filter((r) => r.at === null);
  if (hit.length === 0) {
    return [`No run reached ${percent(LEARNED_ACCURACY)} test accuracy at any evaluation.`];
  }
  const parts = hit.map((r) => `${r.run.name} at iteration ${r.at}`);
  let sentence = `${hit.length > 1 ? "Fastest learner" : "Only run to learn the task"}: ${hit[0].run.name} reached ` +
    `${percent(LEARNED_ACCURACY)} test accuracy first, at iteration ${hit[0].at}` +
    (hit.length > 1 ? ` (then ${parts.slice(1).join(", ")})` : "") + ".";
  if (missed.length > 0) {
    sentence += ` ${missed.map((r) => `${r.run.name} (best ${percent(Math.max(...(r.run.scalars.get("accuracy/test") ?? []).map((p) => p.value), 0))})`).join(", ")} ` +
      `never reached it within ${missed.length > 1 ? "their" : "its"} ${[...new Set(missed.map((r) => r.run.summary.iterations))].join("/")} iterations.`;
  }
  return [sentence];
}

function effectOf(runs: readonly RunRecord[], key: "activation" | "optimizer"): string[] {
  return groupsDifferingIn(runs, key).map((group) => {
    const sorted = [...group].sort((a, b) => b.summary.final.testAccuracy - a.summary.final.testAccuracy);
    const listing = sorted.map((r) => `${r.summary.config[key]} ${percent(r.summary.final.testAccuracy)}`).join(", ");
    const gap = sorted[0].summary.final.testAccuracy - sorted[sorted.length - 1].summary.final.testAccuracy;
    return `Changing only the ${key} (${commonSetting(sorted[0], key)}): ${listing} — ${sorted[0].summary.config[key]} is ` +
      `${points(gap)} ahead of ${sorted[sorted.length - 1].summary.config[key]}.`;
  });
}

function gradientFindings(runs: readonly RunRecord[]): string[] {
  const sentences: string[] = [];
  for (const group of groupsDifferingIn(runs, "activation")) {
    const withNorm = group.map((run) => ({ run, conv1: medianOf(run, "gradient_norm/conv1") })).filter((r) => Number.isFinite(r.conv1) && r.conv1 > 0);
    if (withNorm.length < 2) continue;
    withNorm.sort((a, b) => b.conv1 - a.conv1);
    const high = withNorm[0];
    const low = withNorm[withNorm.length - 1];
    let sentence = `With ${commonSetting(high.run, "activation")}, the median conv1 gradient norm over training is ` +
      `${number(high.conv1 / low.conv1)}× larger with ${high.run.summary.config.activation} (${number(high.conv1)}) than with ` +
      `${low.run.summary.config.activation} (${number(low.conv1)})`;
    const earlyHigh = medianOf(high.run, "gradient_norm/conv1", EARLY_FRACTION);
    const earlyLow = medianOf(low.run, "gradient_norm/conv1", EARLY_FRACTION);
    if (Number.isFinite(earlyHigh) && Number.isFinite(earlyLow) && earlyLow > 0 && high.run.summary.iterations === low.run.summary.iterations) {
      const ratio = earlyHigh / earlyLow;
      sentence += `; over the first ${Math.round(EARLY_FRACTION * high.run.summary.iterations)} iterations it is ` +
        (ratio >= 1 ? `${number(ratio)}× larger with ${high.run.summary.config.activation}` : `${number(1 / ratio)}× larger with ${low.run.summary.config.activation}`);
    }
    sentences.push(`${sentence}.`);
  }
  const attenuation = runs.map((run) => ({ run, ratio: medianOf(run, "gradient_norm/conv1") / medianOf(run, "gradient_norm/fc3") }))
    .filter((r) => Number.isFinite(r.ratio) && r.ratio > 0).sort((a, b) => a.ratio - b.ratio);
  if (attenuation.length > 0) {
    sentences.push(`Gradient reaching the first layer, as the ratio of conv1's to fc3's median gradient norm: ` +
      attenuation.map((r) => `${r.run.name} ${number(r.ratio)}`).join(", ") +
      (attenuation.length > 1 ? ` — the gradient fades most on its way down in ${attenuation[0].run.name}.` : "."));
  }
  return sentences;
}

function unitFindings(runs: readonly RunRecord[]): string[] {
  const sentences: string[] = [];
  for (const run of runs) {
    for (const kind of ["dead", "saturated"] as const) {
      const finals = ["conv1", "conv2", "fc1", "fc2"].map((layer) => {
        const curve = run.scalars.get(`${kind}_fraction/${layer}`);
        return curve && curve.length > 0 ? { layer, value: curve[curve.length - 1].value } : null;
      }).filter((f): f is { layer: string; value: number } => f !== null);
      if (finals.length === 0) continue;
      const worst = finals.reduce((a, b) => (b.value > a.value ? b : a));
      const rest = finals.filter((f) => f !== worst);
      sentences.push(`${run.name}: at the end ${percent(worst.value)} of ${worst.layer}'s units are ${kind}` +
        (kind === "dead" ? " (never positive on the probe images)" : " (in the activation's flat tails)") +
        (rest.length > 0 ? `; the other layers ${rest.map((f) => `${f.layer} ${percent(f.value)}`).join(", ")}.` : "."));
    }
  }
  return sentences;
}

function fc2Findings(runs: readonly RunRecord[], fc2: ReadonlyMap<string, Fc2Stats>): string[] {
  const stats = runs.filter((r) => fc2.has(r.name)).map((r) => ({ run: r, ...fc2.get(r.name)! })).sort((a, b) => a.meanCosine - b.meanCosine);
  if (stats.length === 0) return [];
  const sentences = [stats.length === 1
    ? `In fc2 space the mean vectors of different digits have a mean cosine similarity of ${stats[0].meanCosine.toFixed(2)} in ${stats[0].run.name} (1 would mean indistinguishable).`
    : `The digits are most distinct in fc2 space in ${stats[0].run.name} (mean cosine similarity between different digits' ` +
      `mean fc2 vectors ${stats[0].meanCosine.toFixed(2)}) and least in ${stats[stats.length - 1].run.name} ` +
      `(${stats[stats.length - 1].meanCosine.toFixed(2)}; 1 would mean indistinguishable).`];
  const sparse = stats.filter((s) => s.zeroFraction > 0.01).sort((a, b) => b.zeroFraction - a.zeroFraction);
  if (sparse.length > 0) {
    sentences.push(`Sparse fc2 codes: ${sparse.map((s) => `${percent(s.zeroFraction)} of ${s.run.name}'s fc2 values are exactly 0`).join("; ")}` +
      `${stats.length > sparse.length ? `, against none or almost none in ${stats.filter((s) => !sparse.includes(s)).map((s) => s.run.name).join(", ")}` : ""}.`);
  }
  return sentences;
}

function timeFindings(runs: readonly RunRecord[]): string[] {
  if (runs.length < 2) return [];
  const byTime = [...runs].sort((a, b) => a.summary.seconds - b.summary.seconds);
  const bySpeed = [...runs].sort((a, b) => b.summary.trainImagesPerSecond - a.summary.trainImagesPerSecond);
  return [`Wall time per run ranged from ${byTime[0].summary.seconds.toFixed(0)} s (${byTime[0].name}) to ` +
    `${byTime[byTime.length - 1].summary.seconds.toFixed(0)} s (${byTime[byTime.length - 1].name}); ${bySpeed[0].name} trained ` +
    `fastest at ${Math.round(bySpeed[0].summary.trainImagesPerSecond)} images/s.`];
}

/** Every finding, in reading order. */
export function computeFindings(runs: readonly RunRecord[], fc2: ReadonlyMap<string, Fc2Stats>, unfinished: readonly UnfinishedRun[] = []): string[] {
  if (runs.length === 0) return ["No run has finished yet, so there is nothing to compare."];
  const sentences = [
    ...ranking(runs),
    ...learningSpeed(runs),
    ...effectOf(runs, "activation"),
    ...effectOf(runs, "optimizer"),
    ...gradientFindings(runs),
    ...unitFindings(runs),
    ...fc2Findings(runs, fc2),
    ...timeFindings(runs),
  ];
  if (unfinished.length > 0) {
    sentences.push(`${unfinished.length} run director${unfinished.length > 1 ? "ies have" : "y has"} no results and ` +
      `${unfinished.length > 1 ? "are" : "is"} left out: ${unfinished.map((u) => u.name).join(", ")}.`);
  }
  return sentences;
}

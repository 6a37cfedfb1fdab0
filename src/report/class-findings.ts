// Findings about which classes the networks mix up, from run.json's
// `classes` (the test set's confusion matrix at the end): each group's most
// confused pairs (true → predicted, images per seed), and for two groups that
// differ in one setting, whether a pair is confused more by one of them — a
// Welch interval over the seeds when both have two or more, and never a
// verdict from one seed each.

import { excludesZero, welchDifference } from "../stats/describe.js";
import { comparablePairs } from "../stats/run-groups.js";
import { ConfusedPair, mostConfusedPairs } from "../train/confusion.js";
import type { ReportGroup } from "./groups.js";

/** Pairs named per group. */
const TOP_PAIRS = 3;

/** Each seed's count of `actual` taken for `predicted`. */
function pairCounts(group: ReportGroup, actual: number, predicted: number): number[] {
  return group.members.map((m) => m.run.summary.classes?.confusion[actual]?.[predicted]).filter((c): c is number => typeof c === "number");
}

/** The group's confusion matrix summed over its seeds that have one, with the class names and the number of seeds. */
function summed(group: ReportGroup): { total: number[]; names: string[]; seeds: number } | null {
  const matrices = group.members.map((m) => m.run.summary.classes).filter((c): c is NonNullable<typeof c> => c !== undefined);
  if (matrices.length === 0) return null;
  const total = matrices[0]!.confusion.flat().map((_, i) => matrices.reduce((sum, c) => sum + (c.confusion.flat()[i] ?? 0), 0));
  return { total, names: matrices[0]!.names, seeds: matrices.length };
}

const pairName = (names: readonly string[], p: { actual: number; predicted: number }) => `${names[p.actual]} → ${names[p.predicted]}`;
/** "+2.3" / "−14.5": a signed difference in images. */
const signed = (x: number) => `${x < 0 ? "−" : "+"}${Math.abs(x).toFixed(1)}`;
const perSeed = (count: number, seeds: number) => (count / seeds).toFixed(count / seeds >= 10 ? 0 : 1);

export function classFindings(groups: readonly ReportGroup[]): string[] {
  const sentences: string[] = [];
  const tops = new Map<ReportGroup, ConfusedPair[]>();
  for (const group of groups) {
    const sum = summed(group);
    if (!sum) continue;
    const classes = sum.names.length;
    const top = mostConfusedPairs(sum.total, classes, TOP_PAIRS);
    tops.set(group, top);
    if (top.length === 0) continue;
    sentences.push(`${group.name} mixes up most often: ` +
      top.map((p) => `${pairName(sum.names, p)} (${perSeed(p.count, sum.seeds)} test images${sum.seeds > 1 ? " per seed" : ""})`).join(", ") +
      ` — the true class first, then what it was taken for.`);
  }
  for (const { a, b, setting } of comparablePairs(groups)) {
    const topA = tops.get(a);
    const topB = tops.get(b);
    if (!topA || !topB) continue;
    const names = a.members[0]!.run.summary.classes!.names;
    const pairs = [...topA, ...topB].filter((p, i, all) => all.findIndex((q) => q.actual === p.actual && q.predicted === p.predicted) === i);
    const valueA = String(a.config[setting]);
    const valueB = String(b.config[setting]);
    const parts = pairs.map((p) => {
      const countsA = pairCounts(a, p.actual, p.predicted);
      const countsB = pairCounts(b, p.actual, p.predicted);
      const d = welchDifference(countsA, countsB);
      const mean = (counts: number[]) => perSeed(counts.reduce((s, c) => s + c, 0), counts.length);
      const head = `${pairName(names, p)} ${valueA} ${mean(countsA)} vs ${valueB} ${mean(countsB)}`;
      if (!d.ci95) return `${head}`;
      const verdict = excludesZero(d.ci95) ? `more with ${d.difference > 0 ? valueA : valueB}` : "no difference shown";
      return `${head} (95% CI of the difference ${signed(d.ci95.low)} … ${signed(d.ci95.high)}: ${verdict})`;
    });
    const oneSeed = pairCounts(a, 0, 0).length < 2 || pairCounts(b, 0, 0).length < 2;
    sentences.push(`Confused pairs, ${valueA} vs ${valueB} (images${oneSeed ? "" : " per seed"}): ${parts.join("; ")}` +
      (oneSeed ? " — one seed on a side, so these counts are one draw, not a measured difference." : "."));
  }
  return sentences;
}

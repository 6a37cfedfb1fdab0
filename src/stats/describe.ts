// Statistics of a handful of numbers — one per seed — and of the difference
// between two such handfuls: the mean, the sample standard deviation, the
// range, the median and a 95 % confidence interval from Student's t
// distribution; for two groups, Welch's interval for the difference of their
// means (no assumption that the spreads are equal). The t quantiles come from
// jStat; nothing here knows about runs. Not here: which runs form a group (run-groups.ts), what a
// difference means in words (src/report/findings.ts).

import jstat from "jstat";
import type { Spread } from "./band.js";

const { jStat } = jstat;

/** The confidence level of every interval lenet-lab reports. */
export const CONFIDENCE = 0.95;

export interface Interval {
  low: number;
  high: number;
}

/** The spread of the values (std and stdErr NaN when n < 2) and the 95 % interval of their mean. */
export interface Description extends Spread {
  /** mean ± t(0.975, n − 1) · stdErr; null when n < 2. */
  ci95: Interval | null;
}

/** The two-sided 95 % quantile of Student's t: the half-width of an interval in standard errors. */
export function tCritical(degreesOfFreedom: number): number {
  return jStat.studentt.inv(1 - (1 - CONFIDENCE) / 2, degreesOfFreedom);
}

/** The middle value of `values` (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** n, mean, std, range and 95 % interval of the mean; every field NaN (n 0) for no values. */
export function describe(values: readonly number[]): Description {
  const n = values.length;
  if (n === 0) return { n: 0, mean: NaN, std: NaN, stdErr: NaN, min: NaN, max: NaN, ci95: null };
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (n < 2) return { n, mean, std: NaN, stdErr: NaN, min, max, ci95: null };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  const std = Math.sqrt(variance);
  const stdErr = std / Math.sqrt(n);
  const half = stdErr === 0 ? 0 : tCritical(n - 1) * stdErr;
  return { n, mean, std, stdErr, min, max, ci95: { low: mean - half, high: mean + half } };
}

export interface Difference {
  a: Description;
  b: Description;
  /** mean(a) − mean(b). */
  difference: number;
  /** √(s²a/na + s²b/nb); NaN when a group has fewer than 2 values. */
  stdErr: number;
  /** Welch–Satterthwaite degrees of freedom. */
  degreesOfFreedom: number;
  /** difference ± t(0.975, df) · stdErr; null when a group has fewer than 2 values. */
  ci95: Interval | null;
}

/**
 * Welch's 95 % interval for mean(a) − mean(b):
 *   se² = s²a/na + s²b/nb,  df = se⁴ / ((s²a/na)²/(na−1) + (s²b/nb)²/(nb−1)).
 * When both groups have no spread at all, the interval is the difference itself.
 */
export function welchDifference(a: readonly number[], b: readonly number[]): Difference {
  const da = describe(a);
  const db = describe(b);
  const difference = da.mean - db.mean;
  if (da.n < 2 || db.n < 2) return { a: da, b: db, difference, stdErr: NaN, degreesOfFreedom: NaN, ci95: null };
  const va = da.std ** 2 / da.n;
  const vb = db.std ** 2 / db.n;
  const stdErr = Math.sqrt(va + vb);
  if (stdErr === 0) {
    return { a: da, b: db, difference, stdErr, degreesOfFreedom: da.n + db.n - 2, ci95: { low: difference, high: difference } };
  }
  const degreesOfFreedom = (va + vb) ** 2 / (va ** 2 / (da.n - 1) + vb ** 2 / (db.n - 1));
  const half = tCritical(degreesOfFreedom) * stdErr;
  return { a: da, b: db, difference, stdErr, degreesOfFreedom, ci95: { low: difference - half, high: difference + half } };
}

/** True when the interval lies wholly on one side of 0. */
export function excludesZero(interval: Interval): boolean {
  return interval.low > 0 || interval.high < 0;
}

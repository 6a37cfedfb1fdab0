// A group's curves as one: at every step, how many of its runs logged a
// value there, and their mean, standard deviation, standard error, minimum
// and maximum — what a chart draws as a mean line with a band. Pure and
// free of Node, so the dashboard's page uses it too.

export interface CurvePoint {
  step: number;
  value: number;
}

/** How a handful of numbers spread: their count, mean, sample standard deviation, standard error and range. */
export interface Spread {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator). */
  std: number;
  /** std / √n. */
  stdErr: number;
  min: number;
  max: number;
}

/** A step of a group's curve: the spread of its runs' values there (n: runs with a value; std 0 when n = 1). */
export interface BandPoint extends Spread {
  step: number;
}

/** What a band spans around the mean. */
export const BAND_KINDS = ["minmax", "std", "stderr"] as const;
export type BandKind = (typeof BAND_KINDS)[number];

export const BAND_LABELS: Record<BandKind, string> = {
  minmax: "min–max over seeds",
  std: "mean ± 1 standard deviation",
  stderr: "mean ± 1 standard error",
};

/** The lower and upper edge of a band point. */
export function bandEdges(point: BandPoint, kind: BandKind): [number, number] {
  if (kind === "minmax") return [point.min, point.max];
  const half = kind === "std" ? point.std : point.stdErr;
  return [point.mean - half, point.mean + half];
}

/**
 * The curves of a group's runs merged by step. Non-finite values are left
 * out (a diverged run's NaN does not poison its group's mean).
 */
export function aggregateCurves(curves: readonly (readonly CurvePoint[])[]): BandPoint[] {
  const byStep = new Map<number, number[]>();
  for (const curve of curves) {
    for (const { step, value } of curve) {
      if (!Number.isFinite(value)) continue;
      let values = byStep.get(step);
      if (!values) byStep.set(step, (values = []));
      values.push(value);
    }
  }
  return [...byStep.entries()].sort(([a], [b]) => a - b).map(([step, values]) => {
    const n = values.length;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) {
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = sum / n;
    const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
    return { step, n, mean, std, stdErr: std / Math.sqrt(n), min, max };
  });
}

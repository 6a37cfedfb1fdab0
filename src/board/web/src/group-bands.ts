// A seed group's curve as a chart draws it: the mean line and the band's
// lower and upper edges for the chosen kind (min–max, ±1 standard deviation,
// ±1 standard error: band.ts's bandEdges), each smoothed with the chart's
// weight (smoothing.ts). The smoothing is linear with positive weights, so
// the smoothed mean stays inside the smoothed band. On a log scale, values
// ≤ 0 are left out, as for runs. Pure; no DOM.

import { bandEdges, type BandKind } from "../../../stats/band.js";
import type { GroupCurve } from "./api.js";
import { smoothDebiasedEma } from "./smoothing.js";

export interface BandCurve {
  steps: number[];
  /** Seeds with a value at each step. */
  n: number[];
  rawMean: (number | null)[];
  /** Smoothed (equal to rawMean without smoothing). */
  mean: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
}

export function bandCurveOf(curve: GroupCurve, kind: BandKind, smoothing: number, logScale: boolean): BandCurve {
  const drawable = (v: number) => (logScale && v <= 0 ? null : v);
  const rawMean: (number | null)[] = [];
  const lower: (number | null)[] = [];
  const upper: (number | null)[] = [];
  curve.steps.forEach((step, i) => {
    const point = { step, n: curve.n[i]!, mean: curve.mean[i]!, std: curve.std[i]!, stdErr: curve.stderr[i]!, min: curve.min[i]!, max: curve.max[i]! };
    const [low, high] = bandEdges(point, kind);
    rawMean.push(drawable(point.mean));
    lower.push(drawable(low));
    upper.push(drawable(high));
  });
  return {
    steps: curve.steps,
    n: curve.n,
    rawMean,
    mean: smoothDebiasedEma(rawMean, smoothing),
    lower: smoothDebiasedEma(lower, smoothing),
    upper: smoothDebiasedEma(upper, smoothing),
  };
}

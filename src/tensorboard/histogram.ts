// Histogram summaries: turns a list of numbers into a HistogramProto the way
// TensorFlow's C++ `histogram::Histogram` does (the classic `histo` field that
// TensorBoard's histogram and distribution dashboards read). Pure functions.
//
// Buckets are given by their right limits L[0] < L[1] < ...: value v is
// counted in the first bucket b with v < L[b] (values at or past the last
// limit go to the last bucket). Default limits are TensorFlow's:
// 0, ±1e-12·1.1^k for every k with 1e-12·1.1^k < 1e20, and ±DBL_MAX.
// Runs of empty buckets are collapsed into one, as TensorFlow's encoder does.
// Not here: the protobuf encoding (messages.ts) and the writer.

import type { HistogramMessage } from "./messages.js";

/**
 * How to bucket: `"tensorflow"` (the default exponential limits),
 * a number k (k equal-width buckets between the min and the max), or explicit
 * ascending edges e0 < e1 < ... < en (bucket i is [e_i, e_{i+1}); values
 * below e0 are counted in the first bucket and values at or above en in the
 * last, so no value is dropped; min and max record the true range).
 */
export type HistogramBins = "tensorflow" | number | readonly number[];

let defaultLimits: Float64Array | undefined;

/** TensorFlow's default bucket limits (right edges), built like TF builds them. */
export function tensorflowBucketLimits(): Float64Array {
  if (defaultLimits) return defaultLimits;
  const positive: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) positive.push(v);
  positive.push(Number.MAX_VALUE);
  const limits = [...positive.map((v) => -v).reverse(), 0, ...positive];
  defaultLimits = Float64Array.from(limits);
  return defaultLimits;
}

/** Index of the first limit strictly greater than `value`, clamped to the last bucket. */
export function bucketIndex(limits: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = limits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (limits[mid]! > value) hi = mid;
    else lo = mid + 1;
  }
  return Math.min(lo, limits.length - 1);
}

const LOG_GROWTH = Math.log(1.1);

/**
 * bucketIndex for TensorFlow's default limits, in constant time: the limit
 * nearest `value` follows from its logarithm (limits grow by 1.1 from 1e-12),
 * and a step or two along the true limits makes the answer exact.
 */
function tensorflowBucketIndex(limits: Float64Array, value: number): number {
  const positives = (limits.length - 1) / 2; // limits[positives] is 0
  const magnitude = Math.abs(value);
  const k = magnitude > 1e-12 ? Math.floor(Math.log(magnitude / 1e-12) / LOG_GROWTH) : -1; // ≈ largest k with 1e-12·1.1^k ≤ |v|
  let guess = value >= 0 ? positives + 2 + k : positives - 1 - k;
  guess = Math.max(0, Math.min(limits.length - 1, guess));
  while (guess > 0 && limits[guess - 1] > value) guess--;
  while (guess < limits.length - 1 && limits[guess] <= value) guess++;
  return guess;
}

function limitsFor(bins: HistogramBins, min: number, max: number): ArrayLike<number> {
  if (bins === "tensorflow") return tensorflowBucketLimits();
  if (typeof bins === "number") {
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`histogram bins must be a positive integer, got ${bins}`);
    if (min === max) return [max];
    const width = (max - min) / bins;
    return Array.from({ length: bins }, (_, i) => (i === bins - 1 ? max : min + (i + 1) * width));
  }
  if (bins.length < 2) throw new RangeError("histogram edges need at least two values");
  for (let i = 1; i < bins.length; i++) {
    if (!(bins[i]! > bins[i - 1]!)) throw new RangeError(`histogram edges must increase strictly (at index ${i})`);
  }
  return bins.slice(1);
}

/**
 * Builds a HistogramProto of `values`: min, max, num, sum, sum of squares,
 * bucket limits and counts. Throws a RangeError naming how many values are
 * NaN or infinite (those cannot be bucketed, and dropping them would hide a
 * diverging model). An empty input gives TensorFlow's empty histogram.
 */
export function buildHistogram(values: ArrayLike<number>, bins: HistogramBins = "tensorflow"): HistogramMessage {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  let nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) { nonFinite++; continue; }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
  }
  if (nonFinite > 0) throw new RangeError(`histogram input has ${nonFinite} NaN or infinite values of ${values.length}`);
  if (values.length === 0) {
    return { min: Number.MAX_VALUE, max: -Number.MAX_VALUE, num: 0, sum: 0, sumSquares: 0, bucketLimit: [Number.MAX_VALUE], bucket: [0] };
  }
  const limits = limitsFor(bins, min, max);
  const counts = new Float64Array(limits.length);
  if (bins === "tensorflow") {
    for (let i = 0; i < values.length; i++) counts[tensorflowBucketIndex(limits as Float64Array, values[i]!)]! += 1;
  } else {
    for (let i = 0; i < values.length; i++) counts[bucketIndex(limits, values[i]!)]! += 1;
  }
  const collapse = bins === "tensorflow";
  const bucketLimit: number[] = [];
  const bucket: number[] = [];
  for (let i = 0; i < counts.length; ) {
    let end = limits[i]!;
    const count = counts[i]!;
    i++;
    if (collapse && count === 0) {
      while (i < counts.length && counts[i] === 0) end = limits[i++]!;
    }
    bucketLimit.push(end);
    bucket.push(count);
  }
  return { min, max, num: values.length, sum, sumSquares, bucketLimit, bucket };
}

// Histogram buckets, checked against limits and counts computed independently
// (closed-form powers and a linear scan instead of TF's loop and a binary search).
import { describe, expect, test } from "vitest";
import { bucketIndex, buildHistogram, tensorflowBucketLimits } from "../../src/tensorboard/histogram.js";

/** The right limit of positive bucket k, in closed form. */
const closedFormLimit = (k: number): number => 1e-12 * Math.pow(1.1, k);

function linearIndex(limits: ArrayLike<number>, v: number): number {
  for (let i = 0; i < limits.length; i++) if (v < limits[i]!) return i;
  return limits.length - 1;
}

describe("TensorFlow's default bucket limits", () => {
  const limits = tensorflowBucketLimits();
  // Positive finite limits: every k >= 0 with 1e-12 * 1.1^k < 1e20, i.e. k <= 773 (32 ln 10 / ln 1.1 = 773.08).
  const positive = Math.floor((32 * Math.log(10)) / Math.log(1.1)) + 1;

  test("count and shape: -DBL_MAX, negatives, 0, positives, DBL_MAX", () => {
    expect(positive).toBe(774);
    expect(limits.length).toBe(2 * (positive + 1) + 1);
    expect(limits[0]).toBe(-Number.MAX_VALUE);
    expect(limits[positive + 1]).toBe(0);
    expect(limits[limits.length - 1]).toBe(Number.MAX_VALUE);
  });

  test("each positive limit is 1e-12·1.1^k, mirrored for negatives, strictly increasing", () => {
    for (let k = 0; k < positive; k++) {
      const limit = limits[positive + 2 + k]!;
      expect(Math.abs(limit - closedFormLimit(k)) / closedFormLimit(k)).toBeLessThan(1e-12);
      expect(limits[positive - k]).toBe(-limit);
    }
    expect(limits[2 * positive + 1]).toBeLessThan(1e20);
    expect(limits[2 * positive + 1]! * 1.1).toBeGreaterThanOrEqual(1e20);
    for (let i = 1; i < limits.length; i++) expect(limits[i]!).toBeGreaterThan(limits[i - 1]!);
  });

  test("binary search agrees with a linear scan", () => {
    const probes = [-1e30, -3, -1e-12, -1e-13, 0, 1e-13, 1e-12, 0.05, 0.5, 1, 2.5, 1e19, 1e25];
    for (const v of probes) expect(bucketIndex(limits, v)).toBe(linearIndex(limits, v));
  });
});

describe("buildHistogram", () => {
  test("statistics and counts for the default buckets", () => {
    const values = [0, 0, 0.5, -0.5, 0.6, 3, 1e-13]; // 0.6 / 0.5 > 1.1: different buckets
    const h = buildHistogram(values);
    expect(h).toMatchObject({ min: -0.5, max: 3, num: 7, sum: 3.6 + 1e-13 });
    expect(h.sumSquares).toBeCloseTo(0.25 + 0.25 + 0.6 * 0.6 + 9, 12);
    expect(h.bucket!.reduce((a, b) => a + b, 0)).toBe(7);
    // 0 and 1e-13 fall in [0, 1e-12): right limit 1e-12.
    const at = h.bucketLimit!.indexOf(1e-12);
    expect(h.bucket![at]).toBe(3);
    // 0.5 lies in [1e-12·1.1^k, 1e-12·1.1^(k+1)) with k = floor(log_1.1(0.5e12)); its bucket's limit is 1.1^(k+1)·1e-12.
    const k = Math.floor(Math.log(0.5e12) / Math.log(1.1));
    const half = h.bucketLimit!.findIndex((limit) => Math.abs(limit - closedFormLimit(k + 1)) < 1e-12 * closedFormLimit(k + 1));
    expect(h.bucket![half]).toBe(1);
    // Every value's bucket, by a linear scan of the limits.
    const limits = tensorflowBucketLimits();
    const expected = new Map<number, number>();
    for (const v of values) {
      const limit = limits[linearIndex(limits, v)]!;
      expected.set(limit, (expected.get(limit) ?? 0) + 1);
    }
    for (const [limit, count] of expected) expect(h.bucket![h.bucketLimit!.indexOf(limit)]).toBe(count);
  });

  test("runs of empty buckets collapse into one, as TensorFlow encodes them", () => {
    const h = buildHistogram([1, 1, 1]);
    // [-DBL_MAX .. limit before 1] empty, the bucket of 1, then the empty rest up to DBL_MAX.
    expect(h.bucket).toEqual([0, 3, 0]);
    expect(h.bucketLimit![2]).toBe(Number.MAX_VALUE);
    const limits = tensorflowBucketLimits();
    const index = linearIndex(limits, 1);
    expect(h.bucketLimit![0]).toBe(limits[index - 1]);
    expect(h.bucketLimit![1]).toBe(limits[index]);
    expect(h.bucketLimit![1]!).toBeGreaterThan(1);
    expect(limits[index - 1]!).toBeLessThanOrEqual(1);
  });

  test("no two adjacent empty buckets, and the counts add up, for random weights", () => {
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
    const values = Float32Array.from({ length: 5000 }, () => random() * 0.2);
    const h = buildHistogram(values);
    expect(h.bucket!.reduce((a, b) => a + b, 0)).toBe(5000);
    for (let i = 1; i < h.bucket!.length; i++) expect(h.bucket![i - 1]! + h.bucket![i]!).toBeGreaterThan(0);
  });

  test("k equal-width buckets between min and max", () => {
    const h = buildHistogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 5);
    expect(h.bucketLimit!.map((x) => +x.toFixed(9))).toEqual([1.8, 3.6, 5.4, 7.2, 9]);
    expect(h.bucket).toEqual([2, 2, 2, 2, 2]);
    expect(buildHistogram([0, 0, 0], 4)).toMatchObject({ bucketLimit: [0], bucket: [3], min: 0, max: 0 });
  });

  test("explicit edges keep every value (out-of-range ones go to the end buckets)", () => {
    const h = buildHistogram([-1, 0.5, 1, 2, 5], [0, 1, 2]);
    expect(h.bucketLimit).toEqual([1, 2]);
    expect(h.bucket).toEqual([2, 3]);
    expect(h).toMatchObject({ min: -1, max: 5, num: 5 });
    expect(() => buildHistogram([1], [0, 0])).toThrow(/increase strictly/);
  });

  test("empty input gives TensorFlow's empty histogram; NaN and infinity are refused", () => {
    expect(buildHistogram([])).toEqual({ min: Number.MAX_VALUE, max: -Number.MAX_VALUE, num: 0, sum: 0, sumSquares: 0, bucketLimit: [Number.MAX_VALUE], bucket: [0] });
    expect(() => buildHistogram([1, NaN, Infinity])).toThrow(/2 NaN or infinite values of 3/);
  });
});

describe("TensorFlow buckets, fast path", () => {
  test("puts every value in the bucket a binary search over the limits finds, at and around every limit", () => {
    const limits = tensorflowBucketLimits();
    const values: number[] = [0, -0, 1e-13, -1e-13, 1e21, -1e21, Number.MAX_VALUE, -Number.MAX_VALUE];
    for (const l of limits) if (Math.abs(l) < 1e300) values.push(l, l * (1 + 1e-15), l * (1 - 1e-15), -l);
    for (let i = 0; i < 20_000; i++) values.push(Math.sin(i * 12.9898) * 10 ** ((i % 30) - 15));
    const counts = new Float64Array(limits.length);
    for (const v of values) counts[bucketIndex(limits, v)]++;
    const histogram = buildHistogram(values);
    // The non-empty buckets must agree exactly (empty runs are collapsed in the histogram).
    const nonEmpty = (limitsOf: ArrayLike<number>, countsOf: ArrayLike<number>) =>
      Array.from(countsOf).flatMap((c, i) => (c > 0 ? [[limitsOf[i], c]] : []));
    expect(nonEmpty(histogram.bucketLimit!, histogram.bucket!)).toEqual(nonEmpty(limits, counts));
  });
});

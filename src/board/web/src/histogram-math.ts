// Arithmetic on histograms as the event files store them (bucket right edges
// and counts, plus min and max): re-binning onto a uniform grid for drawing,
// and percentiles for the "distributions" view. Counts inside a bucket are
// taken as spread uniformly over it; a bucket's left edge is the previous
// right edge (the first bucket starts at min), and every bucket is clipped
// to [min, max], as TensorBoard does. Also the ticks of the charts' value
// axes. Pure; no DOM.

export interface Histogram {
  min: number;
  max: number;
  limits: number[];
  counts: number[];
}

/** The buckets as [left, right, count] with edges clipped to [min, max]. */
export function bucketRanges(h: Histogram): [number, number, number][] {
  const out: [number, number, number][] = [];
  let left = h.min;
  for (let i = 0; i < h.counts.length; i++) {
    const right = Math.min(h.limits[i]!, h.max);
    const count = h.counts[i]!;
    if (count > 0) out.push([Math.max(left, h.min), Math.max(right, Math.max(left, h.min)), count]);
    left = Math.max(left, h.limits[i]!);
  }
  return out;
}

/** Counts on `bins` equal bins over [lo, hi]; a zero-width bucket lands in its bin whole. */
export function rebin(h: Histogram, lo: number, hi: number, bins: number): Float64Array {
  const out = new Float64Array(bins);
  const width = (hi - lo) / bins;
  if (!(width > 0)) {
    out[0] = h.counts.reduce((a, b) => a + b, 0);
    return out;
  }
  for (const [left, right, count] of bucketRanges(h)) {
    if (right <= left) {
      const bin = Math.min(bins - 1, Math.max(0, Math.floor((left - lo) / width)));
      out[bin]! += count;
      continue;
    }
    const first = Math.max(0, Math.floor((left - lo) / width));
    const last = Math.min(bins - 1, Math.floor((right - lo) / width));
    for (let b = first; b <= last; b++) {
      const overlap = Math.min(right, lo + (b + 1) * width) - Math.max(left, lo + b * width);
      if (overlap > 0) out[b]! += (count * overlap) / (right - left);
    }
  }
  return out;
}

/** TensorBoard's distribution bands, in basis points: min, ±1.5σ, ±1σ, ±0.5σ of a normal, median, max. */
export const DISTRIBUTION_BASIS_POINTS = [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000] as const;

/** The values below which the given fractions (0..1) of the counts lie, interpolating inside buckets. */
export function percentiles(h: Histogram, fractions: readonly number[]): number[] {
  const buckets = bucketRanges(h);
  const total = buckets.reduce((a, [, , c]) => a + c, 0);
  return fractions.map((fraction) => {
    if (total === 0) return NaN;
    if (fraction <= 0) return h.min;
    if (fraction >= 1) return h.max;
    const target = fraction * total;
    let seen = 0;
    for (const [left, right, count] of buckets) {
      if (seen + count >= target) return left + ((target - seen) / count) * (right - left);
      seen += count;
    }
    return h.max;
  });
}

/**
 * Tick values for an axis over [lo, hi]: multiples of a "nice" step (1, 2 or
 * 5 × a power of ten) chosen so that about `count` ticks fall inside, so 0 is
 * among them whenever lo ≤ 0 ≤ hi. One tick (lo) when the range is empty.
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) return Number.isFinite(lo) ? [lo] : [];
  const step = niceStep((hi - lo) / Math.max(1, count));
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step); k <= Math.floor(hi / step); k++) ticks.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return ticks;
}

/** The smallest of 1, 2, 5 × 10^n that is at least `raw` (> 0). */
export function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw * (1 - 1e-12))!;
}

/** A tick's label with as many decimals as the ticks' step needs ("−0.5", "0", "1.5"; 1e-4 and smaller steps in exponent form). */
export function tickLabel(value: number, step: number): string {
  if (value === 0) return "0";
  if (step < 1e-3 || Math.abs(value) >= 1e5) return value.toExponential(Math.max(0, Math.ceil(-Math.log10(step / Math.abs(value)) - 1e-9)));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return value.toFixed(decimals).replace("-", "−");
}

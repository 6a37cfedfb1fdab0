// Arithmetic on histograms as the event files store them (bucket right edges
// and counts, plus min and max): re-binning onto a uniform grid for drawing,
// and percentiles for the "distributions" view. Counts inside a bucket are
// taken as spread uniformly over it; a bucket's left edge is the previous
// right edge (the first bucket starts at min), and every bucket is clipped
// to [min, max], as TensorBoard does. Pure; no DOM.

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

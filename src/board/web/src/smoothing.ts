// TensorBoard's scalar smoothing: an exponential moving average, debiased so
// that the first points are not pulled towards 0.
//
//   last_i = w · last_{i-1} + (1 − w) · y_i,   last_0 = 0
//   smoothed_i = last_i / (1 − w^n_i)          n_i = finite points so far
//
// Non-finite points (NaN, ±Inf, or null for "no value") pass through
// unchanged and do not enter the average; a constant series stays constant.
// Pure; no DOM.

export function smoothDebiasedEma(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight >= 0 && weight < 1)) {
    if (weight !== 1) throw new RangeError(`smoothing weight must be in [0, 1], got ${weight}`);
  }
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (weight === 0 || finite.length === 0 || finite.every((v) => v === finite[0])) return [...values];
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    count++;
    const debias = weight === 1 ? 1 : 1 - Math.pow(weight, count);
    return last / debias;
  });
}

// Shared test helpers: seeded random arrays and a finite-difference gradient
// checker. Used by the layer tests; nothing here is under test itself.

import { RandomStream } from "../src/util/random.js";

/** n uniform values in [low, high), seeded. */
export function randomArray(n: number, seed: number, low = -1, high = 1): Float64Array {
  const random = new RandomStream(seed, 99);
  return Float64Array.from({ length: n }, () => low + (high - low) * random.nextFloat());
}

/**
 * n distinct values spaced at least `gap` apart, in random order (so that max
 * pooling has no near-ties and ReLU no inputs near its kink).
 */
export function distinctArray(n: number, seed: number, gap = 0.01): Float64Array {
  const random = new RandomStream(seed, 98);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  random.shuffle(order);
  return Float64Array.from(order, (k) => (k - n / 2) * gap + gap / 2);
}

/**
 * Central finite difference of f with respect to x[i]: (f(x+h) − f(x−h)) / 2h,
 * restoring x[i] afterwards.
 */
export function numericalDerivative(f: () => number, x: Float64Array | Float32Array, i: number, h: number): number {
  const saved = x[i];
  x[i] = saved + h;
  const plus = f();
  x[i] = saved - h;
  const minus = f();
  x[i] = saved;
  return (plus - minus) / (2 * h);
}

/** Σ a ⊙ b: turns a layer's output into a scalar whose gradient with respect to a is b. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** Largest |a − b| relative to max(|b|, floor), over all elements. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-8): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor));
  }
  return worst;
}

/**
 * Compares the analytic gradient `analytic` of f with respect to x against
 * central differences at every index in `indices` (all, when omitted);
 * returns the worst relative error.
 */
export function gradientError(
  f: () => number,
  x: Float64Array,
  analytic: ArrayLike<number>,
  h = 1e-4,
  indices: Iterable<number> = x.keys(),
): number {
  let worst = 0;
  for (const i of indices) {
    const numeric = numericalDerivative(f, x, i, h);
    // Relative error, measured against 1e-3 for derivatives smaller than that:
    // the rounding error of f itself (~1e-16 · |f| / h) would dominate below.
    const error = Math.abs(numeric - analytic[i]) / Math.max(Math.abs(numeric), Math.abs(analytic[i]), 1e-3);
    worst = Math.max(worst, error);
  }
  return worst;
}

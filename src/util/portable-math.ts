// e^x and ln x with the same bits in every JavaScript engine on every CPU.
//
// The language leaves Math.exp and Math.log "implementation-approximated":
// Node's V8 and a browser's V8 may differ in the last bit on the same machine
// (seen on a CI machine: a page's batch loss one ulp off Node's). The loss
// and the softmax the network trains on must not depend on where it runs, so
// they use these, built only from + − × ÷ and comparisons, which IEEE 754
// rounds the same everywhere. Both are within about one ulp of the true
// value, as Math's are.
//
//   exp: x = k·ln2 + r, |r| ≤ ln2/2, e^x = 2^k · e^r, e^r by its Taylor series
//        (terms to r^13/13!, below 2^-56 for |r| ≤ 0.35);
//   log: x = 2^e · m, m in [√½, √2), ln m = 2·atanh(s) with s = (m−1)/(m+1),
//        written as u − s·(u − R), u = m − 1 (exact), R = Σ 2·s^2n/(2n+1),
//        so that the largest term is exact and the rest are small.

/** ln 2 split so that k · LN2_HI is exact for every |k| < 2^21 (its last 21 bits are zero). */
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
const INV_LN2 = 1.4426950408889634;
const SQRT2 = 1.4142135623730951;
/** Above this e^x overflows to Infinity; below the other it underflows to 0. */
const EXP_OVERFLOW = 709.782712893384;
const EXP_UNDERFLOW = -745.1332191019412;

/** 1/n!, the Taylor coefficients of e^r after 1 + r (exact divisions of exact factorials, so the same everywhere). */
const F2 = 1 / 2, F3 = 1 / 6, F4 = 1 / 24, F5 = 1 / 120, F6 = 1 / 720, F7 = 1 / 5040, F8 = 1 / 40320, F9 = 1 / 362880,
  F10 = 1 / 3628800, F11 = 1 / 39916800, F12 = 1 / 479001600, F13 = 1 / 6227020800;

/** 2^k for k = −1074 … 1023, made by exact halving and doubling: POWERS[k + 1074]. */
const POWERS = (() => {
  const out = new Float64Array(1074 + 1024);
  let p = 1;
  for (let k = 0; k <= 1023; k++, p *= 2) out[k + 1074] = p;
  p = 1;
  for (let k = 0; k >= -1074; k--, p /= 2) out[k + 1074] = p;
  return out;
})();

/** e^x, the same bits in every engine. */
export function portableExp(x: number): number {
  if (!(x === x)) return x;
  if (x > EXP_OVERFLOW) return Infinity;
  if (x < EXP_UNDERFLOW) return 0;
  const k = Math.round(x * INV_LN2);
  const high = x - k * LN2_HI; // exact: k·LN2_HI is exact and within a factor 2 of x
  const r = high - k * LN2_LO;
  const rLow = (high - r) - k * LN2_LO; // what rounding r lost
  const tail = F2 + r * (F3 + r * (F4 + r * (F5 + r * (F6 + r * (F7 + r * (F8 + r * (F9 + r * (F10 + r * (F11 + r * (F12 + r * F13))))))))));
  // 1 + r with what its rounding loses kept aside (|r| < 1), then the small terms.
  const head = 1 + r;
  const er = head + (((1 - head) + r) + (rLow + r * r * tail));
  // One rounding at most: e^r · 2^k is exact for normal results and rounded once when subnormal.
  if (k > 1023) return er * 2 * POWERS[k - 1 + 1074]!;
  if (k < -1022) return er * POWERS[k + 54 + 1074]! * POWERS[-54 + 1074]!;
  return er * POWERS[k + 1074]!;
}

const bits = new DataView(new ArrayBuffer(8));
/** 2/(2n+1) for n = 1 … 10: the atanh series of portableLog. */
const LOG_SERIES = Array.from({ length: 10 }, (_, k) => 2 / (2 * k + 3));

/** ln x, the same bits in every engine. */
export function portableLog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return x;
  let shift = 0;
  if (x < POWERS[-1022 + 1074]!) { x *= POWERS[54 + 1074]!; shift = -54; } // subnormal: make it normal first
  bits.setFloat64(0, x);
  const high = bits.getUint32(0);
  let e = ((high >>> 20) & 0x7ff) - 1023 + shift;
  bits.setUint32(0, (high & 0x800fffff) | (1023 << 20));
  let m = bits.getFloat64(0);
  if (m > SQRT2) { m /= 2; e += 1; }
  const u = m - 1;
  const s = u / (2 + u);
  const t = s * s;
  let series = LOG_SERIES[9]!;
  for (let n = 8; n >= 0; n--) series = LOG_SERIES[n]! + t * series;
  // ln x = e·ln2 + u − s·(u − t·series): the two largest terms added with what their sum loses kept aside.
  const big = e * LN2_HI;
  const sum = big + u;
  const lost = (big - (sum - (sum - big))) + (u - (sum - big));
  return sum + (lost + (e * LN2_LO - s * (u - t * series)));
}

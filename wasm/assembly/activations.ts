// Element-wise activations, four lanes at a time: the WebAssembly twins of
// src/engine/layers/activations.ts (same formulas, same constants), for the
// kinds in its ACTIVATIONS order:
//
//   0 relu        y = max(0, x)                      y' = 1 if x > 0 else 0
//   1 sigmoid     y = 1 / (1 + e^-x)  (stable form)  y' = y (1 − y)
//   2 tanh        y = tanh x = −expm1(−2|x|) / (2 + expm1(−2|x|)) · sign x     y' = 1 − y²
//   3 leaky-relu  y = x if x > 0 else 0.01 x         y' = 1 or 0.01
//   4 elu         y = x if x > 0 else e^x − 1        y' = 1 or y + 1
//   5 gelu        y = x Φ(x), Φ from erf by Abramowitz & Stegun 7.1.26,
//                 written as Φ = 1 − E/2 (x ≥ 0) or E/2 (x < 0) with
//                 E = poly(t) e^{−x²/2}, so neither tail cancels     y' = Φ(x) + x φ(x)
//
// e^x is Cephes' expf in f32: x = n ln2 + r, |r| ≤ ln2/2, e^r − 1 by a degree-7
// polynomial (relative error ~1e-7), times 2^n built in the exponent bits.
// expm1 keeps e^r − 1 unrounded when n = 0, so small arguments lose nothing.
// Arguments are clamped at −87 (e^−87 ≈ 1.6e−38): smaller results are not
// subnormal here, a difference below 1e−37 in absolute terms.
//
// Forward overwrites out; backward writes dinp = (accumulate ? dinp : 0) + dout · f'.
// n need not be a multiple of 4: the last vector reads past the end (linear
// memory has the bytes) and stores only its valid lanes.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_MIN: f32 = -87.0;
const ROUNDER: f32 = 12582912.0; // 1.5 · 2^23
const LEAKY_SLOPE: f32 = 0.01;
const INV_SQRT2: f32 = 0.7071067811865476;
const INV_SQRT_2PI: f32 = 0.3989422804014327;

/** e^r − 1 for |r| ≤ ln2/2 (Cephes' polynomial, without the final + 1). */
@inline function expm1Reduced(r: v128): v128 {
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  return f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r);
}

/**
 * n = round(x / ln2) (x clamped below at EXP_MIN), returned as t = x/ln2 + ROUNDER:
 * adding 1.5·2^23 rounds to an integer (to nearest, ties to even, as
 * f32x4.nearest does) and leaves n + 2^22 in t's low mantissa bits.
 */
@inline function roundedLog2(x: v128): v128 {
  return f32x4.add(f32x4.mul(f32x4.pmax(x, f32x4.splat(EXP_MIN)), f32x4.splat(LOG2E)), f32x4.splat(ROUNDER));
}

/** n as a float, from t = roundedLog2(x). */
@inline function roundedN(t: v128): v128 {
  return f32x4.sub(t, f32x4.splat(ROUNDER));
}

/** r = x − n ln2 (x clamped as in roundedLog2). */
@inline function reducedArgument(x: v128, n: v128): v128 {
  const xc = f32x4.pmax(x, f32x4.splat(EXP_MIN));
  return f32x4.sub(f32x4.sub(xc, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
}

/**
 * 2^n for integral n in [−126, 127], from t = roundedLog2(x): the low bits of
 * t hold n + 2^22 (bit pattern 0x4B400000 + n), so (bits + 127) << 23 is n + 127
 * in the exponent field, everything above shifted out.
 */
@inline function pow2(t: v128): v128 {
  return i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
}

/** e^x, lane-wise (x ≤ 88). */
@inline function vexp(x: v128): v128 {
  const t = roundedLog2(x);
  const e = f32x4.add(expm1Reduced(reducedArgument(x, roundedN(t))), f32x4.splat(1));
  return f32x4.mul(e, pow2(t));
}

/** e^x − 1, lane-wise, accurate near 0 (x ≤ 88). */
@inline function vexpm1(x: v128): v128 {
  const t = roundedLog2(x);
  const n = roundedN(t);
  const q = expm1Reduced(reducedArgument(x, n));
  const far = f32x4.sub(f32x4.mul(f32x4.add(q, f32x4.splat(1)), pow2(t)), f32x4.splat(1));
  return v128.bitselect(q, far, f32x4.eq(n, f32x4.splat(0)));
}

const SIGN_MASK: i32 = 0x80000000;

/** 1 / (1 + e^−x) for x ≥ 0, e^x / (1 + e^x) below: e = e^−|x| never overflows; one division. */
@inline function sigmoidVec(x: v128): v128 {
  const e = vexp(v128.or(x, i32x4.splat(SIGN_MASK)));
  const numerator = v128.bitselect(f32x4.splat(1), e, f32x4.ge(x, f32x4.splat(0)));
  return f32x4.div(numerator, f32x4.add(f32x4.splat(1), e));
}

@inline function tanhVec(x: v128): v128 {
  const t = vexpm1(f32x4.mul(f32x4.abs(x), f32x4.splat(-2)));
  const magnitude = f32x4.div(f32x4.neg(t), f32x4.add(f32x4.splat(2), t));
  return v128.or(magnitude, v128.and(x, i32x4.splat(SIGN_MASK)));
}

/** Φ(x) given e^{−x²/2}. */
@inline function normalCdfVec(x: v128, gauss: v128): v128 {
  const a = f32x4.mul(f32x4.abs(x), f32x4.splat(INV_SQRT2));
  const t = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(0.3275911), a)));
  let p = f32x4.splat(1.061405429);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.453152027));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.421413741));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.284496736));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.254829592));
  const halfE = f32x4.mul(f32x4.mul(f32x4.mul(p, t), gauss), f32x4.splat(0.5));
  return v128.bitselect(f32x4.sub(f32x4.splat(1), halfE), halfE, f32x4.ge(x, f32x4.splat(0)));
}

@inline function gaussVec(x: v128): v128 {
  return vexp(f32x4.mul(f32x4.mul(x, x), f32x4.splat(-0.5)));
}

@inline function forwardVec(kind: i32, x: v128): v128 {
  const zero = f32x4.splat(0);
  switch (kind) {
    case 0: return f32x4.pmax(zero, x);
    case 1: return sigmoidVec(x);
    case 2: return tanhVec(x);
    case 3: return v128.bitselect(x, f32x4.mul(x, f32x4.splat(LEAKY_SLOPE)), f32x4.gt(x, zero));
    case 4: return v128.bitselect(x, vexpm1(x), f32x4.gt(x, zero));
    default: return f32x4.mul(x, normalCdfVec(x, gaussVec(x)));
  }
}

/** f'(x) · g, given x and y = f(x). */
@inline function backwardVec(kind: i32, g: v128, x: v128, y: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (kind) {
    case 0: return v128.and(g, f32x4.gt(x, zero));
    case 1: return f32x4.mul(g, f32x4.mul(y, f32x4.sub(one, y)));
    case 2: return f32x4.mul(g, f32x4.sub(one, f32x4.mul(y, y)));
    case 3: return v128.bitselect(g, f32x4.mul(g, f32x4.splat(LEAKY_SLOPE)), f32x4.gt(x, zero));
    case 4: return v128.bitselect(g, f32x4.mul(g, f32x4.add(y, one)), f32x4.gt(x, zero));
    default: {
      const gauss = gaussVec(x);
      const slope = f32x4.add(normalCdfVec(x, gauss), f32x4.mul(x, f32x4.mul(f32x4.splat(INV_SQRT_2PI), gauss)));
      return f32x4.mul(g, slope);
    }
  }
}

/** Stores the first `count` (1–3) lanes of v at p. */
@inline function storeLanes(p: usize, v: v128, count: i32): void {
  v128.store32_lane(p, v, 0);
  if (count > 1) v128.store32_lane(p, v, 1, 4);
  if (count > 2) v128.store32_lane(p, v, 2, 8);
}

@inline function forwardLoop(kind: i32, out: usize, inp: usize, n: i32): void {
  const vectorBytes = <usize>(n & ~3) * 4;
  let k: usize = 0;
  for (; k + 64 <= vectorBytes; k += 64) {
    const a = forwardVec(kind, v128.load(inp + k));
    const b = forwardVec(kind, v128.load(inp + k, 16));
    const c = forwardVec(kind, v128.load(inp + k, 32));
    const d = forwardVec(kind, v128.load(inp + k, 48));
    v128.store(out + k, a);
    v128.store(out + k, b, 16);
    v128.store(out + k, c, 32);
    v128.store(out + k, d, 48);
  }
  for (; k < vectorBytes; k += 16) v128.store(out + k, forwardVec(kind, v128.load(inp + k)));
  if (n & 3) storeLanes(out + k, forwardVec(kind, v128.load(inp + k)), n & 3);
}

@inline function backwardLoop(kind: i32, dinp: usize, dout: usize, inp: usize, out: usize, n: i32, accumulate: bool): void {
  const vectorBytes = <usize>(n & ~3) * 4;
  let k: usize = 0;
  for (; k + 32 <= vectorBytes; k += 32) {
    let d0 = backwardVec(kind, v128.load(dout + k), v128.load(inp + k), v128.load(out + k));
    let d1 = backwardVec(kind, v128.load(dout + k, 16), v128.load(inp + k, 16), v128.load(out + k, 16));
    if (accumulate) {
      d0 = f32x4.add(d0, v128.load(dinp + k));
      d1 = f32x4.add(d1, v128.load(dinp + k, 16));
    }
    v128.store(dinp + k, d0);
    v128.store(dinp + k, d1, 16);
  }
  for (; k < vectorBytes; k += 16) {
    let d = backwardVec(kind, v128.load(dout + k), v128.load(inp + k), v128.load(out + k));
    if (accumulate) d = f32x4.add(d, v128.load(dinp + k));
    v128.store(dinp + k, d);
  }
  if (n & 3) {
    let d = backwardVec(kind, v128.load(dout + k), v128.load(inp + k), v128.load(out + k));
    if (accumulate) d = f32x4.add(d, v128.load(dinp + k));
    storeLanes(dinp + k, d, n & 3);
  }
}

// One function per kind and direction, so that each loop is compiled for its
// own kind: written as six calls of one inlined loop, the optimizer folds the
// copies back into a single loop that switches on the kind at every vector.
function forwardRelu(out: usize, inp: usize, n: i32): void { forwardLoop(0, out, inp, n); }
function forwardSigmoid(out: usize, inp: usize, n: i32): void { forwardLoop(1, out, inp, n); }
function forwardTanh(out: usize, inp: usize, n: i32): void { forwardLoop(2, out, inp, n); }
function forwardLeakyRelu(out: usize, inp: usize, n: i32): void { forwardLoop(3, out, inp, n); }
function forwardElu(out: usize, inp: usize, n: i32): void { forwardLoop(4, out, inp, n); }
function forwardGelu(out: usize, inp: usize, n: i32): void { forwardLoop(5, out, inp, n); }
function backwardRelu(dinp: usize, dout: usize, inp: usize, out: usize, n: i32, accumulate: bool): void { backwardLoop(0, dinp, dout, inp, out, n, accumulate); }
function backwardSigmoid(dinp: usize, dout: usize, inp: usize, out: usize, n: i32, accumulate: bool): void { backwardLoop(1, dinp, dout, inp, out, n, accumulate); }
function backwardTanh(dinp: usize, dout: usize, inp: usize, out: usize, n: i32, accumulate: bool): void { backwardLoop(2, dinp, dout, inp, out, n, accumulate); }
function backwardLeakyRelu(dinp: usize, dout: usize, inp: usize, out: usize, n: i32, accumulate: bool): void { backwardLoop(3, dinp, dout, inp, out, n, accumulate); }
function backwardElu(dinp: usize, dout: usize, inp: usize, out: usize, n: i32, accumulate: bool): void { backwardLoop(4, dinp, dout, inp, out, n, accumulate); }
function backwardGelu(dinp: usize, dout: usize, inp: usize, out: usize, n: i32, accumulate: bool): void { backwardLoop(5, dinp, dout, inp, out, n, accumulate); }

/** out[k] = f(inp[k]) for k in [0, n); kind as in ACTIVATIONS. */
export function activationForward(kind: i32, out: usize, inp: usize, n: i32): void {
  switch (kind) {
    case 0: forwardRelu(out, inp, n); break;
    case 1: forwardSigmoid(out, inp, n); break;
    case 2: forwardTanh(out, inp, n); break;
    case 3: forwardLeakyRelu(out, inp, n); break;
    case 4: forwardElu(out, inp, n); break;
    default: forwardGelu(out, inp, n);
  }
}

/** dinp[k] = (accumulate ? dinp[k] : 0) + dout[k] · f'(inp[k]), with out = f(inp) from forward. */
export function activationBackward(kind: i32, dinp: usize, dout: usize, inp: usize, out: usize, n: i32, accumulate: bool): void {
  switch (kind) {
    case 0: backwardRelu(dinp, dout, inp, out, n, accumulate); break;
    case 1: backwardSigmoid(dinp, dout, inp, out, n, accumulate); break;
    case 2: backwardTanh(dinp, dout, inp, out, n, accumulate); break;
    case 3: backwardLeakyRelu(dinp, dout, inp, out, n, accumulate); break;
    case 4: backwardElu(dinp, dout, inp, out, n, accumulate); break;
    default: backwardGelu(dinp, dout, inp, out, n, accumulate);
  }
}

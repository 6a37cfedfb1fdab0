// Register-blocked matrix products over f32, with 128-bit SIMD (f32x4): the
// workhorse behind the convolutions (via im2col) and the dense layers.
// Not a general BLAS: row-major only, the two shapes LeNet needs.
//
// All pointers are byte offsets into linear memory; ld* are row strides in
// elements. Every output element is summed in the same order whichever block
// computes it (SIMD lanes round exactly as scalar f32 does), so a row of C
// does not depend on how many rows are computed with it: the forward pass of
// an image gives the same bits whatever batch or thread it is part of.
//
// Reads may run up to 3 elements past the end of a row of B (NN) or of A and
// B (never: NT reads exactly K); writes never leave C's rows.

import { madd, madd2x16 } from "./madd";

/**
 * "NN": C[m,n] = (accumulate ? C[m,n] : 0) + Σ_k A(m,k) · B[k,n]
 *
 * A(m,k) is read as scalars at a + (m·aRow + k·aCol)·4, so A may be stored
 * either way round (aRow = K, aCol = 1 for row-major A; aRow = 1, aCol = M
 * for Aᵀ stored row-major). B's rows (k) and C's rows (m) are contiguous in n.
 * Blocks of 4 rows × 8 columns (8 accumulators), then 2 rows × 16 and 1 row × 16
 * columns, each followed by 4-column and single columns.
 */
export function gemmNN(
  c: usize, ldc: i32,
  a: usize, aRow: i32, aCol: i32,
  b: usize, ldb: i32,
  M: i32, N: i32, K: i32,
  accumulate: bool,
): void {
  let m = 0;
  for (; m + 4 <= M; m += 4) {
    rowsNN4(c + <usize>(m * ldc) * 4, ldc, a + <usize>(m * aRow) * 4, aRow, aCol, b, ldb, N, K, accumulate);
  }
  for (; m + 2 <= M; m += 2) {
    rowsNN2(c + <usize>(m * ldc) * 4, ldc, a + <usize>(m * aRow) * 4, aRow, aCol, b, ldb, N, K, accumulate);
  }
  for (; m < M; m++) {
    rowsNN1(c + <usize>(m * ldc) * 4, a + <usize>(m * aRow) * 4, aCol, b, ldb, N, K, accumulate);
  }
}


function rowsNN4(c: usize, ldc: i32, a: usize, aRow: i32, aCol: i32, b: usize, ldb: i32, N: i32, K: i32, accumulate: bool): void {
  const aStep = <usize>aCol * 4;
  const bStep = <usize>ldb * 4;
  const r1 = <usize>aRow * 4, r2 = r1 * 2, r3 = r1 * 3;
  const c1 = <usize>ldc * 4, c2 = c1 * 2, c3 = c1 * 3;
  const zero = f32x4.splat(0);
  let n = 0;
  for (; n + 8 <= N; n += 8) {
    const cp = c + <usize>n * 4;
    let s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
    if (accumulate) {
      s00 = v128.load(cp); s01 = v128.load(cp, 16);
      s10 = v128.load(cp + c1); s11 = v128.load(cp + c1, 16);
      s20 = v128.load(cp + c2); s21 = v128.load(cp + c2, 16);
      s30 = v128.load(cp + c3); s31 = v128.load(cp + c3, 16);
    }
    let ap = a;
    let bp = b + <usize>n * 4;
    for (let k = 0; k < K; k++) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      let x = v128.load32_splat(ap);
      s00 = madd(s00, x, b0); s01 = madd(s01, x, b1);
      x = v128.load32_splat(ap + r1);
      s10 = madd(s10, x, b0); s11 = madd(s11, x, b1);
      x = v128.load32_splat(ap + r2);
      s20 = madd(s20, x, b0); s21 = madd(s21, x, b1);
      x = v128.load32_splat(ap + r3);
      s30 = madd(s30, x, b0); s31 = madd(s31, x, b1);
      ap += aStep;
      bp += bStep;
    }
    v128.store(cp, s00); v128.store(cp, s01, 16);
    v128.store(cp + c1, s10); v128.store(cp + c1, s11, 16);
    v128.store(cp + c2, s20); v128.store(cp + c2, s21, 16);
    v128.store(cp + c3, s30); v128.store(cp + c3, s31, 16);
  }
  for (; n + 4 <= N; n += 4) {
    const cp = c + <usize>n * 4;
    let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
    if (accumulate) {
      s0 = v128.load(cp); s1 = v128.load(cp + c1); s2 = v128.load(cp + c2); s3 = v128.load(cp + c3);
    }
    let ap = a;
    let bp = b + <usize>n * 4;
    for (let k = 0; k < K; k++) {
      const b0 = v128.load(bp);
      s0 = madd(s0, v128.load32_splat(ap), b0);
      s1 = madd(s1, v128.load32_splat(ap + r1), b0);
      s2 = madd(s2, v128.load32_splat(ap + r2), b0);
      s3 = madd(s3, v128.load32_splat(ap + r3), b0);
      ap += aStep;
      bp += bStep;
    }
    v128.store(cp, s0); v128.store(cp + c1, s1); v128.store(cp + c2, s2); v128.store(cp + c3, s3);
  }
  for (; n < N; n++) {
    const cp = c + <usize>n * 4;
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    if (accumulate) {
      s0 = load<f32>(cp); s1 = load<f32>(cp + c1); s2 = load<f32>(cp + c2); s3 = load<f32>(cp + c3);
    }
    let ap = a;
    let bp = b + <usize>n * 4;
    for (let k = 0; k < K; k++) {
      const y = load<f32>(bp);
      s0 = s0 + load<f32>(ap) * y;
      s1 = s1 + load<f32>(ap + r1) * y;
      s2 = s2 + load<f32>(ap + r2) * y;
      s3 = s3 + load<f32>(ap + r3) * y;
      ap += aStep;
      bp += bStep;
    }
    store<f32>(cp, s0); store<f32>(cp + c1, s1); store<f32>(cp + c2, s2); store<f32>(cp + c3, s3);
  }
}

function rowsNN2(c: usize, ldc: i32, a: usize, aRow: i32, aCol: i32, b: usize, ldb: i32, N: i32, K: i32, accumulate: bool): void {
  const aStep = <usize>aCol * 4;
  const bStep = <usize>ldb * 4;
  const r1 = <usize>aRow * 4;
  const c1 = <usize>ldc * 4;
  let n = 0;
  for (; n + 16 <= N; n += 16) {
    const cp = c + <usize>n * 4;
    const from0 = accumulate ? cp : 0, from1 = accumulate ? cp + c1 : 0;
    // One row of K steps, A's scalars aStep apart.
    madd2x16(cp, c1, false, from0, from1, a, a + r1, 1, 0, 0, K, aStep, b + <usize>n * 4, bStep);
  }
  // The remaining columns, one row at a time (the same sums in the same order).
  if (n < N) {
    rowsNN1(c + <usize>n * 4, a, aCol, b + <usize>n * 4, ldb, N - n, K, accumulate);
    rowsNN1(c + c1 + <usize>n * 4, a + r1, aCol, b + <usize>n * 4, ldb, N - n, K, accumulate);
  }
}

function rowsNN1(c: usize, a: usize, aCol: i32, b: usize, ldb: i32, N: i32, K: i32, accumulate: bool): void {
  const aStep = <usize>aCol * 4;
  const bStep = <usize>ldb * 4;
  const zero = f32x4.splat(0);
  let n = 0;
  for (; n + 16 <= N; n += 16) {
    const cp = c + <usize>n * 4;
    let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
    if (accumulate) {
      s0 = v128.load(cp); s1 = v128.load(cp, 16); s2 = v128.load(cp, 32); s3 = v128.load(cp, 48);
    }
    let ap = a;
    let bp = b + <usize>n * 4;
    for (let k = 0; k < K; k++) {
      const x = v128.load32_splat(ap);
      s0 = madd(s0, x, v128.load(bp));
      s1 = madd(s1, x, v128.load(bp, 16));
      s2 = madd(s2, x, v128.load(bp, 32));
      s3 = madd(s3, x, v128.load(bp, 48));
      ap += aStep;
      bp += bStep;
    }
    v128.store(cp, s0); v128.store(cp, s1, 16); v128.store(cp, s2, 32); v128.store(cp, s3, 48);
  }
  for (; n + 4 <= N; n += 4) {
    const cp = c + <usize>n * 4;
    let s0 = accumulate ? v128.load(cp) : zero;
    let ap = a;
    let bp = b + <usize>n * 4;
    for (let k = 0; k < K; k++) {
      s0 = madd(s0, v128.load32_splat(ap), v128.load(bp));
      ap += aStep;
      bp += bStep;
    }
    v128.store(cp, s0);
  }
  for (; n < N; n++) {
    const cp = c + <usize>n * 4;
    let s0: f32 = accumulate ? load<f32>(cp) : 0;
    let ap = a;
    let bp = b + <usize>n * 4;
    for (let k = 0; k < K; k++) {
      s0 = s0 + load<f32>(ap) * load<f32>(bp);
      ap += aStep;
      bp += bStep;
    }
    store<f32>(cp, s0);
  }
}

/**
 * "NT": C[m,n] = (accumulate ? C[m,n] : 0) + (bias ? bias[n] : 0) + Σ_k A[m,k] · B[n,k]
 *
 * A's rows (m) and B's rows (n) are contiguous in k: each output is a dot
 * product, summed in four SIMD lanes, reduced as (l0 + l2) + (l1 + l3), then
 * the k % 4 tail in scalar. Blocks of 4 rows × 2 columns (8 accumulators).
 * bias = 0 means none.
 */
export function gemmNT(
  c: usize, ldc: i32,
  a: usize, lda: i32,
  b: usize, ldb: i32,
  M: i32, N: i32, K: i32,
  accumulate: bool, bias: usize,
): void {
  const aRowBytes = <usize>lda * 4;
  const bRowBytes = <usize>ldb * 4;
  const cRowBytes = <usize>ldc * 4;
  let m = 0;
  for (; m + 4 <= M; m += 4) {
    const a0 = a + <usize>m * aRowBytes;
    const cRow = c + <usize>m * cRowBytes;
    let n = 0;
    for (; n + 2 <= N; n += 2) {
      dotBlock4x2(cRow + <usize>n * 4, cRowBytes, a0, aRowBytes, b + <usize>n * bRowBytes, bRowBytes, K, accumulate,
        bias === 0 ? 0 : bias + <usize>n * 4);
    }
    for (; n < N; n++) {
      const bn = b + <usize>n * bRowBytes;
      for (let r = 0; r < 4; r++) {
        dotOne(cRow + <usize>r * cRowBytes + <usize>n * 4, a0 + <usize>r * aRowBytes, bn, K, accumulate,
          bias === 0 ? 0 : bias + <usize>n * 4);
      }
    }
  }
  for (; m < M; m++) {
    const am = a + <usize>m * aRowBytes;
    const cRow = c + <usize>m * cRowBytes;
    for (let n = 0; n < N; n++) {
      dotOne(cRow + <usize>n * 4, am, b + <usize>n * bRowBytes, K, accumulate, bias === 0 ? 0 : bias + <usize>n * 4);
    }
  }
}

/** (l0 + l2) + (l1 + l3): the one lane reduction every NT output (and every lane sum in conv.ts and conv-weight-grad.ts) uses. */
@inline export function reduceLanes(s: v128): f32 {
  const t = f32x4.add(s, f32x4.shuffle(s, s, 2, 3, 0, 1));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1);
}

/** Writes one NT output at cp from its lane sums and scalar tail. */
@inline function finishDot(cp: usize, lanes: v128, tail: f32, accumulate: bool, biasPtr: usize): void {
  let base: f32 = accumulate ? load<f32>(cp) : 0;
  if (biasPtr !== 0) base = base + load<f32>(biasPtr);
  store<f32>(cp, base + (reduceLanes(lanes) + tail));
}

function dotOne(cp: usize, a: usize, b: usize, K: i32, accumulate: bool, biasPtr: usize): void {
  let s = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    s = madd(s, v128.load(a + <usize>k * 4), v128.load(b + <usize>k * 4));
  }
  let tail: f32 = 0;
  for (; k < K; k++) tail = tail + load<f32>(a + <usize>k * 4) * load<f32>(b + <usize>k * 4);
  finishDot(cp, s, tail, accumulate, biasPtr);
}

function dotBlock4x2(c: usize, cRowBytes: usize, a: usize, aRowBytes: usize, b: usize, bRowBytes: usize, K: i32, accumulate: bool, biasPtr: usize): void {
  const zero = f32x4.splat(0);
  let s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
  const a1 = a + aRowBytes, a2 = a1 + aRowBytes, a3 = a2 + aRowBytes;
  const b1 = b + bRowBytes;
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const off = <usize>k * 4;
    const y0 = v128.load(b + off);
    const y1 = v128.load(b1 + off);
    let x = v128.load(a + off);
    s00 = madd(s00, x, y0); s01 = madd(s01, x, y1);
    x = v128.load(a1 + off);
    s10 = madd(s10, x, y0); s11 = madd(s11, x, y1);
    x = v128.load(a2 + off);
    s20 = madd(s20, x, y0); s21 = madd(s21, x, y1);
    x = v128.load(a3 + off);
    s30 = madd(s30, x, y0); s31 = madd(s31, x, y1);
  }
  let t00: f32 = 0, t01: f32 = 0, t10: f32 = 0, t11: f32 = 0, t20: f32 = 0, t21: f32 = 0, t30: f32 = 0, t31: f32 = 0;
  for (; k < K; k++) {
    const off = <usize>k * 4;
    const y0 = load<f32>(b + off), y1 = load<f32>(b1 + off);
    const x0 = load<f32>(a + off), x1 = load<f32>(a1 + off), x2 = load<f32>(a2 + off), x3 = load<f32>(a3 + off);
    t00 = t00 + x0 * y0; t01 = t01 + x0 * y1;
    t10 = t10 + x1 * y0; t11 = t11 + x1 * y1;
    t20 = t20 + x2 * y0; t21 = t21 + x2 * y1;
    t30 = t30 + x3 * y0; t31 = t31 + x3 * y1;
  }
  const bias1: usize = biasPtr === 0 ? 0 : biasPtr + 4;
  finishDot(c, s00, t00, accumulate, biasPtr); finishDot(c + 4, s01, t01, accumulate, bias1);
  finishDot(c + cRowBytes, s10, t10, accumulate, biasPtr); finishDot(c + cRowBytes + 4, s11, t11, accumulate, bias1);
  const c2 = c + cRowBytes * 2, c3 = c + cRowBytes * 3;
  finishDot(c2, s20, t20, accumulate, biasPtr); finishDot(c2 + 4, s21, t21, accumulate, bias1);
  finishDot(c3, s30, t30, accumulate, biasPtr); finishDot(c3 + 4, s31, t31, accumulate, bias1);
}

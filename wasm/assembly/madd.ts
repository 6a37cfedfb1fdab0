// acc + x·y in each f32 lane: the one operation every product in the
// convolutions and the dense layers is made of; and madd2x16, the 2 × 16
// block of them that the matrix product and the convolutions across filters
// share.
//
// The module is built twice from the same source (wasm/asconfig.json): the
// plain build multiplies, rounds, adds and rounds again; the relaxed-SIMD
// build uses relaxed_madd, which V8 compiles to one fused multiply-add
// (rounded once) on CPUs that have FMA, as every x86-64 since 2013 and every
// 64-bit ARM does. The loader picks the relaxed build where the runtime can
// run it (src/engine/wasm/kernels.ts). The sums are the same sums in the same
// order either way; only their rounding differs.

/** acc + x·y per lane: fused in the relaxed-SIMD build, two roundings in the plain one. */
@inline export function madd(acc: v128, x: v128, y: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, y, acc);
  return f32x4.add(acc, f32x4.mul(x, y));
}

/**
 * The 2 × 16 block of multiply-adds that the fast products are made of (gemm's
 * rowsNN2, the convolution's forward and weight gradient across filters). Two
 * rows of 16 sums, started from the 16 floats at from0 and from1 (0: from
 * zero), add in order, for the steps s of the rows r,
 *   sum0 += x0[at] · b_k,   sum1 += x1[at] · b_k,   at = rowAt(r) + s·xStep,
 * where x0[at], x1[at] are the scalars at x0 + at, x1 + at (bytes), b_k the
 * 16 floats at b + k·bStep, k counting the steps across rows, and rowAt(r) =
 * r·rowStep, or the i32 rowOffsets[r] when rowOffsets is not 0. The sums go
 * to `to` (row 0) and to + toStride (row 1), or with `transposed` as 16 rows
 * of 2 (sum0, sum1) at to + f·toStride. The 8 vectors of sums stay in locals.
 */
@inline export function madd2x16(
  to: usize, toStride: usize, transposed: bool, from0: usize, from1: usize,
  x0: usize, x1: usize, rows: i32, rowStep: usize, rowOffsets: usize, steps: i32, xStep: usize,
  b: usize, bStep: usize,
): void {
  const zero = f32x4.splat(0);
  let s00 = zero, s01 = zero, s02 = zero, s03 = zero, s10 = zero, s11 = zero, s12 = zero, s13 = zero;
  if (from0 !== 0) {
    s00 = v128.load(from0); s01 = v128.load(from0, 16); s02 = v128.load(from0, 32); s03 = v128.load(from0, 48);
  }
  if (from1 !== 0) {
    s10 = v128.load(from1); s11 = v128.load(from1, 16); s12 = v128.load(from1, 32); s13 = v128.load(from1, 48);
  }
  const rowBytes = <usize>steps * bStep;
  let bp = b;
  for (let r = 0; r < rows; r++) {
    const rowAt = rowOffsets !== 0 ? <usize>load<i32>(rowOffsets + (<usize>r << 2)) : <usize>r * rowStep;
    let p0 = x0 + rowAt, p1 = x1 + rowAt;
    const rowEnd = bp + rowBytes;
    for (; bp < rowEnd; bp += bStep) {
      const u0 = v128.load32_splat(p0), u1 = v128.load32_splat(p1);
      let y = v128.load(bp);
      s00 = madd(s00, u0, y); s10 = madd(s10, u1, y);
      y = v128.load(bp, 16);
      s01 = madd(s01, u0, y); s11 = madd(s11, u1, y);
      y = v128.load(bp, 32);
      s02 = madd(s02, u0, y); s12 = madd(s12, u1, y);
      y = v128.load(bp, 48);
      s03 = madd(s03, u0, y); s13 = madd(s13, u1, y);
      p0 += xStep; p1 += xStep;
    }
  }
  if (transposed) {
    storePairs(to, toStride, s00, s10);
    storePairs(to + toStride * 4, toStride, s01, s11);
    storePairs(to + toStride * 8, toStride, s02, s12);
    storePairs(to + toStride * 12, toStride, s03, s13);
  } else {
    const to1 = to + toStride;
    v128.store(to, s00); v128.store(to, s01, 16); v128.store(to, s02, 32); v128.store(to, s03, 48);
    v128.store(to1, s10); v128.store(to1, s11, 16); v128.store(to1, s12, 32); v128.store(to1, s13, 48);
  }
}

/** Lanes f of r0, r1 (a 2 × 4 tile) stored as 4 rows of 2 floats (r0[f], r1[f]) at d + f·stride. */
@inline function storePairs(d: usize, stride: usize, r0: v128, r1: v128): void {
  const low = f32x4.shuffle(r0, r1, 0, 4, 1, 5), high = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  v128.store64_lane(d, low, 0);
  v128.store64_lane(d + stride, low, 1);
  v128.store64_lane(d + stride * 2, high, 0);
  v128.store64_lane(d + stride * 3, high, 1);
}

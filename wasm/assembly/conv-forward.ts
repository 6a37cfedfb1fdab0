// The forward strategies of the convolution (conv.ts, which picks one per
// shape, has the layouts and the math): out_b[OC, P] = bias + weight[OC, Q] ·
// col[Q, P], one image at a time, written (not accumulated) into out.
//   forwardDirect         OW a multiple of 4 (conv1): vectors along output rows
//   forwardAcrossFilters  OC a multiple of 16, P even (conv2): vectors across filters
//   forwardIm2col         any shape: im2col, then the matrix product
// All three sum each output in the same order (its bias, then weight · input
// over q = (c, i, j)), so they give the same bits. Not the place for the
// gradients (conv-weight-grad.ts, conv-input-grad.ts).

import { gemmNN } from "./gemm";
import { madd, madd2x16 } from "./madd";
import { im2col, tapRowOffsets, transpose } from "./conv-layout";

/**
 * forward for OW a multiple of 4, without im2col: two filters at a time (an
 * odd last filter is paired with itself), over blocks of 4, 3 or 1 vectors of
 * an output row, the weights of a tap splatted from memory.
 */
export function forwardDirect(
  out: usize, inp: usize, weight: usize, bias: usize,
  B: i32, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const OH = H - K + 1, OW = W - K + 1;
  const inBytes = <usize>(C * H * W) * 4;
  const planeBytes = <usize>(OH * OW) * 4;
  const outBytes = planeBytes * <usize>OC;
  const filterBytes = <usize>(C * K * K) * 4;
  for (let b = 0; b < B; b++) {
    const img = inp + <usize>b * inBytes;
    const outB = out + <usize>b * outBytes;
    for (let o = 0; o < OC; o += 2) {
      const o1 = o + 1 < OC ? o + 1 : o;
      const w0 = weight + <usize>o * filterBytes, w1 = weight + <usize>o1 * filterBytes;
      const bias0 = v128.load32_splat(bias + <usize>o * 4), bias1 = v128.load32_splat(bias + <usize>o1 * 4);
      const plane0 = outB + <usize>o * planeBytes, plane1 = outB + <usize>o1 * planeBytes;
      for (let y = 0; y < OH; y++) {
        const src = img + <usize>(y * W) * 4;
        const d0 = plane0 + <usize>(y * OW) * 4, d1 = plane1 + <usize>(y * OW) * 4;
        let x = 0;
        for (; x + 16 <= OW; x += 16) {
          const at = <usize>x * 4;
          directPair(4, d0 + at, d1 + at, src + at, w0, w1, bias0, bias1, C, H, W, K);
        }
        if (x + 12 <= OW) {
          const at = <usize>x * 4;
          directPair(3, d0 + at, d1 + at, src + at, w0, w1, bias0, bias1, C, H, W, K);
          x += 12;
        }
        for (; x < OW; x += 4) {
          const at = <usize>x * 4;
          directPair(1, d0 + at, d1 + at, src + at, w0, w1, bias0, bias1, C, H, W, K);
        }
      }
    }
  }
}

/**
 * 2 filters × `vectors` (4, 3 or 1) vectors of outputs of a row, at d0 and d1,
 * from the image at src (its row y, column x). Always called with a constant
 * `vectors`: each call inlines only the accumulators it uses.
 */
@inline function directPair(
  vectors: i32, d0: usize, d1: usize, src: usize, w0: usize, w1: usize, bias0: v128, bias1: v128,
  C: i32, H: i32, W: i32, K: i32,
): void {
  let s00 = bias0, s01 = bias0, s02 = bias0, s03 = bias0;
  let s10 = bias1, s11 = bias1, s12 = bias1, s13 = bias1;
  const rowBytes = <usize>W * 4;
  const planeBytes = <usize>(H * W) * 4;
  let wp0 = w0, wp1 = w1;
  for (let c = 0; c < C; c++) {
    let row = src + <usize>c * planeBytes;
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        const p = row + <usize>j * 4;
        const a0 = v128.load32_splat(wp0), a1 = v128.load32_splat(wp1);
        let x = v128.load(p);
        s00 = madd(s00, a0, x); s10 = madd(s10, a1, x);
        if (vectors >= 3) {
          x = v128.load(p, 16);
          s01 = madd(s01, a0, x); s11 = madd(s11, a1, x);
          x = v128.load(p, 32);
          s02 = madd(s02, a0, x); s12 = madd(s12, a1, x);
        }
        if (vectors == 4) {
          x = v128.load(p, 48);
          s03 = madd(s03, a0, x); s13 = madd(s13, a1, x);
        }
        wp0 += 4;
        wp1 += 4;
      }
      row += rowBytes;
    }
  }
  v128.store(d0, s00); v128.store(d1, s10);
  if (vectors >= 3) {
    v128.store(d0, s01, 16); v128.store(d0, s02, 32);
    v128.store(d1, s11, 16); v128.store(d1, s12, 32);
  }
  if (vectors == 4) {
    v128.store(d0, s03, 48); v128.store(d1, s13, 48);
  }
}

/**
 * forward for OC a multiple of 16 and OH·OW even, without im2col: blocks of
 * 2 output positions × 16 filters (madd2x16), the lanes running across filters
 * (4 positions × 8 filters was slower: twice the scalar input loads per
 * product). The weights are transposed once into col as [Q, OC], followed by
 * the byte offset in an image of every row (c, i) of taps (tapRowOffsets); an
 * input is then a scalar at image + offset(p) + offset(c, i) + 4j. Each block
 * starts from the bias and goes out as 16 filter rows of 2 positions, the
 * [OC, OH·OW] layout.
 */
export function forwardAcrossFilters(
  out: usize, inp: usize, weight: usize, bias: usize, col: usize,
  B: i32, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const OH = H - K + 1, OW = W - K + 1;
  const P = OH * OW, Q = C * K * K;
  const transposed = col;
  const rowOffsets = col + <usize>(Q * OC) * 4;
  transpose(transposed, weight, OC, Q);
  tapRowOffsets(rowOffsets, C, H, W, K);
  const inBytes = <usize>(C * H * W) * 4;
  const outBytes = <usize>(OC * P) * 4;
  const mapBytes = <usize>P * 4;
  const filterRowBytes = <usize>OC * 4;
  for (let b = 0; b < B; b++) {
    const img = inp + <usize>b * inBytes;
    const outB = out + <usize>b * outBytes;
    for (let p = 0; p < P; p += 2) {
      const i0 = img + <usize>pixelOffset(p, OW, W), i1 = img + <usize>pixelOffset(p + 1, OW, W);
      for (let o = 0; o < OC; o += 16) {
        const biasO = bias + <usize>o * 4;
        // From the bias, over the C·K rows of K taps; out as filter rows of the 2 positions.
        madd2x16(outB + <usize>(o * P + p) * 4, mapBytes, true, biasO, biasO,
          i0, i1, C * K, 0, rowOffsets, K, 4, transposed + <usize>o * 4, filterRowBytes);
      }
    }
  }
}

/** Byte offset in an input map of output position p's top-left input. */
@inline function pixelOffset(p: i32, OW: i32, W: i32): i32 {
  const y = p / OW;
  return (y * W + (p - y * OW)) * 4;
}

/**
 * forward for any shape: out_b = bias + weight · col_b, col_b = im2col(inp_b)
 * in the scratch, the product on gemmNN with every row of out_b filled with its
 * bias first.
 */
@inline export function forwardIm2col(
  out: usize, inp: usize, weight: usize, bias: usize, col: usize,
  B: i32, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const OH = H - K + 1, OW = W - K + 1;
  const P = OH * OW, Q = C * K * K;
  const inBytes = <usize>(C * H * W) * 4;
  const outBytes = <usize>(OC * P) * 4;
  for (let b = 0; b < B; b++) {
    const outB = out + <usize>b * outBytes;
    im2col(col, inp + <usize>b * inBytes, C, H, W, K);
    for (let o = 0; o < OC; o++) fillRow(outB + <usize>(o * P) * 4, load<f32>(bias + <usize>o * 4), P);
    gemmNN(outB, P, weight, Q, 1, col, P, OC, P, Q, true);
  }
}

/** p[0..n) = value. */
export function fillRow(p: usize, value: f32, n: i32): void {
  const v = f32x4.splat(value);
  const vectorBytes = <usize>(n & ~3) * 4;
  const bytes = <usize>n * 4;
  let x: usize = 0;
  for (; x < vectorBytes; x += 16) v128.store(p + x, v);
  for (; x < bytes; x += 4) store<f32>(p + x, value);
}

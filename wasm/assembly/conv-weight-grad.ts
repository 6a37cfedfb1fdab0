// The weight-gradient strategies of the convolution (conv.ts, which picks one
// per shape, has the layouts and the math), each accumulating B images:
//   dweight[o, (c,i,j)] += Σ_b Σ_(y,x) dout_b[o, y, x] · inp_b[c, y+i, x+j]
//                        (= dout_b[OC, P] · col_b[Q, P]ᵀ)
//   filterGradientAlongRows  K = 5, OW a multiple of 4 (conv1): vectors along output rows
//   filterGradientByImage    image by image, either vectors across filters (OC a
//                            multiple of 16, Q even: conv2) or, for any shape,
//                            im2col and the matrix product
// Along rows and across filters sum in their own order (along rows, or over
// positions), not the product's four-lane dot products, so their bits differ
// from the product's; all three ways are tested against the reference. Not the place for
// the bias or input gradients (conv.ts, conv-input-grad.ts).

import { gemmNT, reduceLanes } from "./gemm";
import { madd, madd2x16 } from "./madd";
import { addTransposed, im2col, transpose } from "./conv-layout";

/**
 * dweight[o, (c,i,j)] += Σ_b Σ_(y,x) dout_b[o, y, x] · inp_b[c, y+i, x+j], for
 * K = 5 and OW a multiple of 4. For one filter and one row i of taps, five
 * accumulators (j = 0..4) run along the output rows of every image, 4 outputs
 * per vector (the inputs read unaligned at x + j), and are reduced once at
 * the end. (Two filters at a time, ten accumulators, was slower on conv1: V8
 * ran out of vector registers; BENCHMARKS.md has the timing.)
 */
export function filterGradientAlongRows(
  dweight: usize, dout: usize, inp: usize, B: i32, C: i32, H: i32, W: i32, OC: i32,
): void {
  const K = 5; // the five accumulators below
  const OH = H - K + 1, OW = W - K + 1;
  const P = OH * OW, Q = C * K * K;
  const inBytes = <usize>(C * H * W) * 4;
  const mapBytes = <usize>P * 4;
  const outBytes = <usize>OC * mapBytes;
  const outRowBytes = <usize>OW * 4;
  const inRowBytes = <usize>W * 4;
  const zero = f32x4.splat(0);
  for (let o = 0; o < OC; o++) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < K; i++) {
        let a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero;
        for (let b = 0; b < B; b++) {
          let dp = dout + <usize>b * outBytes + <usize>o * mapBytes;
          let ip = inp + <usize>b * inBytes + <usize>((c * H + i) * W) * 4;
          for (let y = 0; y < OH; y++) {
            for (let x: usize = 0; x < outRowBytes; x += 16) {
              const d0 = v128.load(dp + x);
              a0 = madd(a0, d0, v128.load(ip + x));
              a1 = madd(a1, d0, v128.load(ip + x, 4));
              a2 = madd(a2, d0, v128.load(ip + x, 8));
              a3 = madd(a3, d0, v128.load(ip + x, 12));
              a4 = madd(a4, d0, v128.load(ip + x, 16));
            }
            dp += outRowBytes;
            ip += inRowBytes;
          }
        }
        const w0 = dweight + <usize>(o * Q + (c * K + i) * K) * 4;
        addLanes(w0, a0); addLanes(w0 + 4, a1); addLanes(w0 + 8, a2); addLanes(w0 + 12, a3); addLanes(w0 + 16, a4);
      }
    }
  }
}

/** *p += the sum of s's four lanes. */
@inline function addLanes(p: usize, s: v128): void {
  store<f32>(p, load<f32>(p) + reduceLanes(s));
}

/**
 * dweight += the weight gradient of B images, for the shapes the row kernel
 * above does not take: image by image, either vectors across filters
 * (acrossFilters: OC a multiple of 16, Q even) or im2col and the matrix
 * product. Both may sum into dweightᵀ[Q, OC], kept in the scratch after what
 * the strategy itself uses there and added into dweight, transposed, once at
 * the end.
 */
export function filterGradientByImage(
  dweight: usize, dout: usize, inp: usize, col: usize, B: i32, C: i32, H: i32, W: i32, OC: i32, K: i32, acrossFilters: bool,
): void {
  const P = (H - K + 1) * (W - K + 1), Q = C * K * K;
  const inBytes = <usize>(C * H * W) * 4;
  const outBytes = <usize>(OC * P) * 4;
  // Across filters, dweightᵀ follows doutᵀ[P, OC]; with im2col, col[Q, P] and a guard of 4 floats.
  // The product sums into dweightᵀ when there are too few filters to fill its 4-row blocks.
  const transposed = acrossFilters || OC < 8;
  const dweightT = col + <usize>(acrossFilters ? P * OC : Q * P + 4) * 4;
  if (transposed) memory.fill(dweightT, 0, <usize>(Q * OC) * 4);
  for (let b = 0; b < B; b++) {
    const img = inp + <usize>b * inBytes, doutB = dout + <usize>b * outBytes;
    if (acrossFilters) imageAcrossFilters(dweightT, doutB, img, col, C, H, W, OC, K);
    else imageIm2col(transposed ? dweightT : dweight, transposed, doutB, img, col, C, H, W, OC, K);
  }
  if (transposed) addTransposed(dweight, dweightT, OC, Q);
}

/**
 * dweightᵀ[Q, OC] += one image's weight gradient, vectors across filters.
 * dout_b is transposed into col as doutᵀ[P, OC]; then two taps q, q+1 × 16
 * filters (madd2x16) add input(q, p) · doutᵀ[p, :] over the positions p in
 * order, the inputs read as scalars at image + offset(q) + offset(p), row by
 * output row.
 */
function imageAcrossFilters(
  dweightT: usize, doutB: usize, img: usize, doutT: usize, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const OH = H - K + 1, OW = W - K + 1;
  const Q = C * K * K;
  const filterRowBytes = <usize>OC * 4;
  const inRowBytes = <usize>W * 4;
  transpose(doutT, doutB, OC, OH * OW);
  for (let q = 0; q < Q; q += 2) {
    const i0 = img + <usize>tapOffset(q, H, W, K), i1 = img + <usize>tapOffset(q + 1, H, W, K);
    for (let o = 0; o < OC; o += 16) {
      const d0 = dweightT + <usize>(q * OC + o) * 4;
      // dweightᵀ rows q, q+1 += over the OH output rows of OW positions, inputs 4 bytes apart.
      madd2x16(d0, filterRowBytes, false, d0, d0 + filterRowBytes,
        i0, i1, OH, inRowBytes, 0, OW, 4, doutT + <usize>o * 4, filterRowBytes);
    }
  }
}

/** Byte offset in an image [C, H, W] of tap q = (c, i, j)'s input for output (0, 0). */
@inline function tapOffset(q: i32, H: i32, W: i32, K: i32): i32 {
  const c = q / (K * K), r = q - c * K * K;
  const i = r / K;
  return ((c * H + i) * W + (r - i * K)) * 4;
}

/**
 * One image's weight gradient through im2col, for any shape: dweight[OC, Q]
 * += dout_b · colᵀ, or (transposed) dweightᵀ[Q, OC] += col · dout_bᵀ.
 */
function imageIm2col(
  target: usize, transposed: bool, doutB: usize, img: usize, col: usize, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const P = (H - K + 1) * (W - K + 1), Q = C * K * K;
  im2col(col, img, C, H, W, K);
  if (transposed) gemmNT(target, OC, col, P, doutB, P, Q, OC, P, true, 0);
  else gemmNT(target, Q, doutB, P, col, P, OC, Q, P, true, 0);
}

// 2-D convolution, stride 1, no padding ("VALID"), as LeNet-5 uses it: the
// WebAssembly twin of src/engine/layers/conv2d.ts (same layouts, same sums),
// defined as matrix products over an im2col matrix, one image at a time.
// This file holds the two entry points, the bias gradient and the choice of
// strategy for each shape; the strategies are in the files next to it:
//
//   conv-forward.ts      forward: along output rows, across filters, or the im2col product
//   conv-weight-grad.ts  backward-filter: along output rows, across filters, or the im2col product
//   conv-input-grad.ts   backward-input: the product weightᵀ · dout and col2im
//   conv-layout.ts       im2col, col2im, and the transposes the weight gradients use
//
// Not the place for padding, strides or dilation.
//
// Layouts (NCHW): inp [B, C, H, W], weight [OC, C, K, K], bias [OC],
// out [B, OC, OH, OW] with OH = H − K + 1, OW = W − K + 1; P = OH·OW, Q = C·K·K.
//
//   col[q = (c,i,j), p = (y,x)] = inp[b, c, y+i, x+j]            (im2col, [Q, P])
//   forward          out_b[OC, P]  = bias + weight[OC, Q] · col[Q, P]
//   backward-filter  dweight[OC, Q] += dout_b[OC, P] · col[Q, P]ᵀ
//   backward-bias    dbias[OC]      += Σ_p dout_b[OC, p]
//   backward-input   dcol[Q, P]     = weightᵀ[Q, OC] · dout_b[OC, P],
//                    dinp[b, c, y+i, x+j] += dcol[(c,i,j), (y,x)]    (col2im)
//
// `col` is a scratch area of at least Q·P + 4 + Q·OC floats, private to the
// caller's thread. Pointers are byte offsets; every function works on images [0, B)
// starting at the pointers given, so a thread passes its own slice.
//
// Forward skips the im2col copy where the shapes allow, and computes the same
// sums directly from the image: each output starts at its bias and adds
// weight · input over q = (c, i, j) in order, as the matrix product does, so
// the bits are the same. With an output width that is a multiple of 4
// (conv1's 28) the vectors run along output rows (forwardDirect); with 16k
// filters and an even number of outputs per map (conv2's 16 and 10×10) they
// run across filters (forwardAcrossFilters). Both beat the product on LeNet's
// shapes; the timings are in BENCHMARKS.md ("Kernel timings that were in
// conv.ts' comments").
//
// Backward-filter skips im2col the same way (conv2dBackward says where), but
// sums in its own order (along rows or over positions, not the product's
// four-lane dot products), so its bits differ from the product's; it is
// tested against the reference like every kernel. Backward-input is still the
// product and col2im (conv-input-grad.ts says why), and the larger part of
// conv2's backward.

import { reduceLanes } from "./gemm";
import { forwardAcrossFilters, forwardDirect, forwardIm2col } from "./conv-forward";
import { inputGradient } from "./conv-input-grad";
import { filterGradientAlongRows, filterGradientByImage } from "./conv-weight-grad";

/** Writes (overwrites) out for B images. */
export function conv2dForward(
  out: usize, inp: usize, weight: usize, bias: usize, col: usize,
  B: i32, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const OH = H - K + 1, OW = W - K + 1;
  const P = OH * OW;
  if ((OW & 3) === 0) {
    forwardDirect(out, inp, weight, bias, B, C, H, W, OC, K);
  } else if ((OC & 15) === 0 && (P & 1) === 0) {
    forwardAcrossFilters(out, inp, weight, bias, col, B, C, H, W, OC, K);
  } else {
    forwardIm2col(out, inp, weight, bias, col, B, C, H, W, OC, K);
  }
}

/**
 * Accumulates (+=) the gradients of B images into dweight, dbias and, unless
 * dinp is 0 (the network's input needs none), dinp.
 *
 * The weight gradient is summed straight from the input where the shapes
 * allow, without im2col: along output rows for K = 5 with an output width
 * that is a multiple of 4 (conv1, filterGradientAlongRows), across filters for 16k filters (conv2,
 * filterGradientByImage); other shapes take the im2col product (filterGradientByImage too). The
 * input gradient is a product (dcol = weightᵀ · dout_b) and col2im.
 */
export function conv2dBackward(
  dinp: usize, dweight: usize, dbias: usize, dout: usize, inp: usize, weight: usize, col: usize,
  B: i32, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const OH = H - K + 1, OW = W - K + 1;
  const P = OH * OW, Q = C * K * K;
  // The weight gradient first: its strategies keep sums in the scratch across all B images.
  if (K === 5 && (OW & 3) === 0) {
    filterGradientAlongRows(dweight, dout, inp, B, C, H, W, OC);
  } else {
    filterGradientByImage(dweight, dout, inp, col, B, C, H, W, OC, K, (OC & 15) === 0 && (Q & 1) === 0 && OC <= Q);
  }
  // Then, image by image, the bias gradient and the input gradient (whose dcol takes the scratch).
  const inBytes = <usize>(C * H * W) * 4;
  const outBytes = <usize>(OC * P) * 4;
  for (let b = 0; b < B; b++) {
    const doutB = dout + <usize>b * outBytes;
    for (let o = 0; o < OC; o++) {
      const biasPtr = dbias + <usize>o * 4;
      store<f32>(biasPtr, load<f32>(biasPtr) + sumRow(doutB + <usize>(o * P) * 4, P));
    }
    if (dinp !== 0) inputGradient(dinp + <usize>b * inBytes, doutB, weight, col, C, H, W, OC, K);
  }
}

/** Σ p[0..n): the vectors in four lanes reduced as (l0 + l2) + (l1 + l3), plus the n % 4 tail summed apart. */
export function sumRow(p: usize, n: i32): f32 {
  let s = f32x4.splat(0);
  const vectorBytes = <usize>(n & ~3) * 4;
  const bytes = <usize>n * 4;
  let x: usize = 0;
  for (; x < vectorBytes; x += 16) s = f32x4.add(s, v128.load(p + x));
  let tail: f32 = 0;
  for (; x < bytes; x += 4) tail += load<f32>(p + x);
  return reduceLanes(s) + tail;
}

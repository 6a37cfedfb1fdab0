// 2-D convolution, stride 1, no padding ("VALID"), as LeNet-5 uses it: the
// WebAssembly twin of src/engine/layers/conv2d.ts (same layouts, same sums),
// computed one image at a time as matrix products over an im2col matrix.
// Not the place for padding, strides or dilation.
//
// Layouts (NCHW): inp [B, C, H, W], weight [OC, C, K, K], bias [OC],
// out [B, OC, OH, OW] with OH = H − K + 1, OW = W − K + 1; P = OH·OW, Q = C·K·K.
//
//   col[q = (c,i,j), p = (y,x)] = inp[b, c, y+i, x+j]            (im2col, [Q, P])
//   forward          out_b[OC, P]  = bias + weight[OC, Q] · col[Q, P]
//   backward-filter  dweight[OC, Q] += dout_b[OC, P] · col[Q, P]ᵀ
//   backward-input   dcol[Q, P]     = weightᵀ[Q, OC] · dout_b[OC, P],
//                    dinp[b, c, y+i, x+j] += dcol[(c,i,j), (y,x)]    (col2im)
//
// `col` is a scratch area of at least Q·P + 4 + Q·OC floats, private to the
// caller's thread. Pointers are byte offsets; every function works on images [0, B)
// starting at the pointers given, so a thread passes its own slice.

import { gemmNN, gemmNT } from "./gemm";

/** Writes (overwrites) out for B images. */
export function conv2dForward(
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

/**
 * Accumulates (+=) the gradients of B images into dweight, dbias and, unless
 * dinp is 0 (the network's input needs none), dinp.
 */
export function conv2dBackward(
  dinp: usize, dweight: usize, dbias: usize, dout: usize, inp: usize, weight: usize, col: usize,
  B: i32, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const OH = H - K + 1, OW = W - K + 1;
  const P = OH * OW, Q = C * K * K;
  const inBytes = <usize>(C * H * W) * 4;
  const outBytes = <usize>(OC * P) * 4;
  // With few filters (conv1's 6) the weight gradient is summed transposed,
  // dweightᵀ[Q, OC], whose Q rows fill the 4-row blocks of gemmNT.
  const transposed = OC < 8;
  const dweightT = col + <usize>(Q * P + 4) * 4;
  if (transposed) memory.fill(dweightT, 0, <usize>(Q * OC) * 4);
  for (let b = 0; b < B; b++) {
    const doutB = dout + <usize>b * outBytes;
    for (let o = 0; o < OC; o++) {
      const biasPtr = dbias + <usize>o * 4;
      store<f32>(biasPtr, load<f32>(biasPtr) + sumRow(doutB + <usize>(o * P) * 4, P));
    }
    im2col(col, inp + <usize>b * inBytes, C, H, W, K);
    if (transposed) gemmNT(dweightT, OC, col, P, doutB, P, Q, OC, P, true, 0);
    else gemmNT(dweight, Q, doutB, P, col, P, OC, Q, P, true, 0);
    if (dinp !== 0) {
      gemmNN(col, P, weight, 1, Q, doutB, P, Q, P, OC, false);
      col2imAdd(dinp + <usize>b * inBytes, col, C, H, W, K);
    }
  }
  if (transposed) {
    for (let o = 0; o < OC; o++) {
      for (let q = 0; q < Q; q++) {
        const at = dweight + <usize>(o * Q + q) * 4;
        store<f32>(at, load<f32>(at) + load<f32>(dweightT + <usize>(q * OC + o) * 4));
      }
    }
  }
}

/**
 * col[(c,i,j), (y,x)] = img[c, y+i, x+j] for one image [C, H, W]. Copies whole
 * vectors: a row may write up to 3 values past its end (into the next row,
 * which is written afterwards, or into the scratch's 4 spare floats) and read
 * up to 3 past the image row (linear memory always has them; they land only
 * in those overwritten places).
 */
function im2col(col: usize, img: usize, C: i32, H: i32, W: i32, K: i32): void {
  const OH = H - K + 1, OW = W - K + 1;
  const rowBytes = <usize>OW * 4;
  let dst = col;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        let src = img + <usize>((c * H + i) * W + j) * 4;
        for (let y = 0; y < OH; y++) {
          for (let x: usize = 0; x < rowBytes; x += 16) v128.store(dst + x, v128.load(src + x));
          dst += rowBytes;
          src += <usize>W * 4;
        }
      }
    }
  }
}

/** img[c, y+i, x+j] += col[(c,i,j), (y,x)]; writes only inside the image. */
function col2imAdd(img: usize, col: usize, C: i32, H: i32, W: i32, K: i32): void {
  const OH = H - K + 1, OW = W - K + 1;
  const vectorBytes = <usize>(OW & ~3) * 4;
  const rowBytes = <usize>OW * 4;
  let src = col;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        let dst = img + <usize>((c * H + i) * W + j) * 4;
        for (let y = 0; y < OH; y++) {
          let x: usize = 0;
          for (; x < vectorBytes; x += 16) v128.store(dst + x, f32x4.add(v128.load(dst + x), v128.load(src + x)));
          for (; x < rowBytes; x += 4) store<f32>(dst + x, load<f32>(dst + x) + load<f32>(src + x));
          src += rowBytes;
          dst += <usize>W * 4;
        }
      }
    }
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

/** Σ p[0..n). */
export function sumRow(p: usize, n: i32): f32 {
  let s = f32x4.splat(0);
  const vectorBytes = <usize>(n & ~3) * 4;
  const bytes = <usize>n * 4;
  let x: usize = 0;
  for (; x < vectorBytes; x += 16) s = f32x4.add(s, v128.load(p + x));
  let tail: f32 = 0;
  for (; x < bytes; x += 4) tail += load<f32>(p + x);
  const t = f32x4.add(s, f32x4.shuffle(s, s, 2, 3, 0, 1));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + tail;
}

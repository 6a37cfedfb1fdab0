// 2-D convolution, stride 1, no padding ("VALID"), as LeNet-5 uses it: the
// WebAssembly twin of src/engine/layers/conv2d.ts (same layouts, same sums),
// defined as matrix products over an im2col matrix, one image at a time.
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
//
// Forward skips the im2col copy where the shapes allow, and computes the same
// sums directly from the image: each output starts at its bias and adds
// weight · input over q = (c, i, j) in order, as the matrix product does, so
// the bits are the same. With an output width that is a multiple of 4
// (conv1's 28) the vectors run along output rows (forwardDirect); with 16k
// filters and an even number of outputs per map (conv2's 16 and 10×10) they
// run across filters (forwardAcrossFilters). Measured per image on the
// development machine: conv1 9.1 → 7.0 µs, conv2 15.7 → 12.8 µs.
//
// Backward-filter skips im2col the same way (conv2dBackward says where), but
// sums in its own order (along rows or over positions, not the product's
// four-lane dot products), so its bits differ from the product's; it is
// tested against the reference like every kernel. Measured per image, the
// relaxed-SIMD build: conv1 backward 9.1 → 7.5 µs, conv2 backward 31.9 →
// 24.8 µs (of which backward-input, still product and col2im, ~14.5 µs).

import { gemmNN, gemmNT, reduceLanes } from "./gemm";
import { madd } from "./madd";

/** Writes (overwrites) out for B images. */
export function conv2dForward(
  out: usize, inp: usize, weight: usize, bias: usize, col: usize,
  B: i32, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const OH = H - K + 1, OW = W - K + 1;
  const P = OH * OW, Q = C * K * K;
  if ((OW & 3) === 0) {
    forwardDirect(out, inp, weight, bias, B, C, H, W, OC, K);
    return;
  }
  if ((OC & 15) === 0 && (P & 1) === 0) {
    forwardAcrossFilters(out, inp, weight, bias, col, B, C, H, W, OC, K);
    return;
  }
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
 * forward for OW a multiple of 4, without im2col: two filters at a time (an
 * odd last filter is paired with itself), over blocks of 4, 3 or 1 vectors of
 * an output row, the weights of a tap splatted from memory.
 */
function forwardDirect(
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
          directPair4(d0 + at, d1 + at, src + at, w0, w1, bias0, bias1, C, H, W, K);
        }
        if (x + 12 <= OW) {
          const at = <usize>x * 4;
          directPair3(d0 + at, d1 + at, src + at, w0, w1, bias0, bias1, C, H, W, K);
          x += 12;
        }
        for (; x < OW; x += 4) {
          const at = <usize>x * 4;
          directPair1(d0 + at, d1 + at, src + at, w0, w1, bias0, bias1, C, H, W, K);
        }
      }
    }
  }
}

/** 2 filters × 16 outputs of a row, at d0 and d1, from the image at src (its row y, column x). */
function directPair4(d0: usize, d1: usize, src: usize, w0: usize, w1: usize, bias0: v128, bias1: v128, C: i32, H: i32, W: i32, K: i32): void {
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
        x = v128.load(p, 16);
        s01 = madd(s01, a0, x); s11 = madd(s11, a1, x);
        x = v128.load(p, 32);
        s02 = madd(s02, a0, x); s12 = madd(s12, a1, x);
        x = v128.load(p, 48);
        s03 = madd(s03, a0, x); s13 = madd(s13, a1, x);
        wp0 += 4;
        wp1 += 4;
      }
      row += rowBytes;
    }
  }
  v128.store(d0, s00); v128.store(d0, s01, 16); v128.store(d0, s02, 32); v128.store(d0, s03, 48);
  v128.store(d1, s10); v128.store(d1, s11, 16); v128.store(d1, s12, 32); v128.store(d1, s13, 48);
}

/** 2 filters × 12 outputs of a row (see directPair4). */
function directPair3(d0: usize, d1: usize, src: usize, w0: usize, w1: usize, bias0: v128, bias1: v128, C: i32, H: i32, W: i32, K: i32): void {
  let s00 = bias0, s01 = bias0, s02 = bias0;
  let s10 = bias1, s11 = bias1, s12 = bias1;
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
        x = v128.load(p, 16);
        s01 = madd(s01, a0, x); s11 = madd(s11, a1, x);
        x = v128.load(p, 32);
        s02 = madd(s02, a0, x); s12 = madd(s12, a1, x);
        wp0 += 4;
        wp1 += 4;
      }
      row += rowBytes;
    }
  }
  v128.store(d0, s00); v128.store(d0, s01, 16); v128.store(d0, s02, 32);
  v128.store(d1, s10); v128.store(d1, s11, 16); v128.store(d1, s12, 32);
}

/** 2 filters × 4 outputs of a row (see directPair4). */
function directPair1(d0: usize, d1: usize, src: usize, w0: usize, w1: usize, bias0: v128, bias1: v128, C: i32, H: i32, W: i32, K: i32): void {
  let s0 = bias0, s1 = bias1;
  const rowBytes = <usize>W * 4;
  const planeBytes = <usize>(H * W) * 4;
  let wp0 = w0, wp1 = w1;
  for (let c = 0; c < C; c++) {
    let row = src + <usize>c * planeBytes;
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        const x = v128.load(row + <usize>j * 4);
        s0 = madd(s0, v128.load32_splat(wp0), x);
        s1 = madd(s1, v128.load32_splat(wp1), x);
        wp0 += 4;
        wp1 += 4;
      }
      row += rowBytes;
    }
  }
  v128.store(d0, s0);
  v128.store(d1, s1);
}

/**
 * forward for OC a multiple of 16 and OH·OW even, without im2col: blocks of
 * 2 output positions × 16 filters, the lanes running across filters (4
 * positions × 8 filters was slower: twice the scalar input loads per product).
 * The weights are transposed once into col as [Q, OC], followed by the byte
 * offset of every tap q = (c, i, j) in an image; an input is then a scalar at
 * image + offset(p) + offset(q). Each 2 × 4 tile (positions × filters) goes
 * out as 4 filter rows of 2 positions, the [OC, OH·OW] layout.
 */
function forwardAcrossFilters(
  out: usize, inp: usize, weight: usize, bias: usize, col: usize,
  B: i32, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const OH = H - K + 1, OW = W - K + 1;
  const P = OH * OW, Q = C * K * K;
  const transposed = col;
  const offsets = col + <usize>(Q * OC) * 4;
  for (let o = 0; o < OC; o++) {
    for (let q = 0; q < Q; q++) {
      store<f32>(transposed + <usize>(q * OC + o) * 4, load<f32>(weight + <usize>(o * Q + q) * 4));
    }
  }
  let q = 0;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) store<i32>(offsets + <usize>(q++) * 4, ((c * H + i) * W + j) * 4);
    }
  }
  const inBytes = <usize>(C * H * W) * 4;
  const outBytes = <usize>(OC * P) * 4;
  const mapBytes = <usize>P * 4;
  const filterRowBytes = <usize>OC * 4;
  const offsetsEnd = offsets + <usize>Q * 4;
  for (let b = 0; b < B; b++) {
    const img = inp + <usize>b * inBytes;
    const outB = out + <usize>b * outBytes;
    for (let p = 0; p < P; p += 2) {
      const i0 = img + <usize>pixelOffset(p, OW, W), i1 = img + <usize>pixelOffset(p + 1, OW, W);
      for (let o = 0; o < OC; o += 16) {
        acrossFiltersBlock(outB + <usize>(o * P + p) * 4, mapBytes, i0, i1,
          transposed + <usize>o * 4, filterRowBytes, offsets, offsetsEnd, bias + <usize>o * 4);
      }
    }
  }
}

/** Byte offset in an input map of output position p's top-left input. */
@inline function pixelOffset(p: i32, OW: i32, W: i32): i32 {
  const y = p / OW;
  return (y * W + (p - y * OW)) * 4;
}

/** 2 positions (inputs at i0, i1) × 16 filters (weights at w, one row of OC per tap), written at d in [OC, P]. */
function acrossFiltersBlock(
  d: usize, mapBytes: usize, i0: usize, i1: usize,
  w: usize, filterRowBytes: usize, offsets: usize, offsetsEnd: usize, bias: usize,
): void {
  const bias0 = v128.load(bias), bias1 = v128.load(bias, 16), bias2 = v128.load(bias, 32), bias3 = v128.load(bias, 48);
  let s00 = bias0, s01 = bias1, s02 = bias2, s03 = bias3, s10 = bias0, s11 = bias1, s12 = bias2, s13 = bias3;
  let wp = w;
  for (let op = offsets; op < offsetsEnd; op += 4) {
    const off = <usize>load<i32>(op);
    const x0 = v128.load32_splat(i0 + off), x1 = v128.load32_splat(i1 + off);
    let y = v128.load(wp);
    s00 = madd(s00, x0, y); s10 = madd(s10, x1, y);
    y = v128.load(wp, 16);
    s01 = madd(s01, x0, y); s11 = madd(s11, x1, y);
    y = v128.load(wp, 32);
    s02 = madd(s02, x0, y); s12 = madd(s12, x1, y);
    y = v128.load(wp, 48);
    s03 = madd(s03, x0, y); s13 = madd(s13, x1, y);
    wp += filterRowBytes;
  }
  storePairs(d, mapBytes, s00, s10);
  storePairs(d + mapBytes * 4, mapBytes, s01, s11);
  storePairs(d + mapBytes * 8, mapBytes, s02, s12);
  storePairs(d + mapBytes * 12, mapBytes, s03, s13);
}

/** Rows r0, r1 (positions) of a 2 × 4 tile whose lanes are filters, stored as 4 filter rows of 2 positions. */
@inline function storePairs(d: usize, mapBytes: usize, r0: v128, r1: v128): void {
  const low = f32x4.shuffle(r0, r1, 0, 4, 1, 5), high = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  v128.store64_lane(d, low, 0);
  v128.store64_lane(d + mapBytes, low, 1);
  v128.store64_lane(d + mapBytes * 2, high, 0);
  v128.store64_lane(d + mapBytes * 3, high, 1);
}


/**
 * Accumulates (+=) the gradients of B images into dweight, dbias and, unless
 * dinp is 0 (the network's input needs none), dinp.
 *
 * The weight gradient is summed straight from the input where the shapes
 * allow, without im2col: along output rows for K = 5 with an output width
 * that is a multiple of 4 (conv1, filterGradientAlongRows), across filters for 16k filters (conv2,
 * filterGradientAcrossFilters); other shapes take the im2col product. The
 * input gradient is a product (dcol = weightᵀ · dout_b) and col2im.
 */
export function conv2dBackward(
  dinp: usize, dweight: usize, dbias: usize, dout: usize, inp: usize, weight: usize, col: usize,
  B: i32, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const OH = H - K + 1, OW = W - K + 1;
  const P = OH * OW, Q = C * K * K;
  const inBytes = <usize>(C * H * W) * 4;
  const outBytes = <usize>(OC * P) * 4;
  for (let b = 0; b < B; b++) {
    const doutB = dout + <usize>b * outBytes;
    for (let o = 0; o < OC; o++) {
      const biasPtr = dbias + <usize>o * 4;
      store<f32>(biasPtr, load<f32>(biasPtr) + sumRow(doutB + <usize>(o * P) * 4, P));
    }
  }
  if (K === 5 && (OW & 3) === 0) {
    filterGradientAlongRows(dweight, dout, inp, B, C, H, W, OC);
  } else if ((OC & 15) === 0 && (Q & 1) === 0 && OC <= Q) {
    filterGradientAcrossFilters(dweight, dout, inp, col, B, C, H, W, OC, K);
  } else {
    filterGradientIm2col(dweight, dout, inp, col, B, C, H, W, OC, K);
  }
  if (dinp === 0) return;
  for (let b = 0; b < B; b++) {
    gemmNN(col, P, weight, 1, Q, dout + <usize>b * outBytes, P, Q, P, OC, false);
    col2imAdd(dinp + <usize>b * inBytes, col, C, H, W, K);
  }
}

/**
 * dweight[o, (c,i,j)] += Σ_b Σ_(y,x) dout_b[o, y, x] · inp_b[c, y+i, x+j], for
 * K = 5 and OW a multiple of 4. For one filter and one row i of taps, five
 * accumulators (j = 0..4) run along the output rows of every image, 4 outputs
 * per vector (the inputs read unaligned at x + j), and are reduced once at
 * the end. (Two filters at a time, ten accumulators, measured 50 % slower on
 * conv1: V8 ran out of vector registers.)
 */
function filterGradientAlongRows(
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
 * dweight += the weight gradient of B images, for OC a multiple of 16 and Q
 * even: vectors across filters. For each image, dout_b is transposed into
 * col as doutᵀ[P, OC]; then two taps q, q+1 × 16 filters (8 accumulators,
 * kept as dweightᵀ[Q, OC] in col after doutᵀ) add input(q, p) · doutᵀ[p, :]
 * over the positions p in order, the inputs read as scalars at
 * image + offset(q) + offset(p). dweightᵀ is added into dweight at the end.
 */
function filterGradientAcrossFilters(
  dweight: usize, dout: usize, inp: usize, col: usize, B: i32, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const OH = H - K + 1, OW = W - K + 1;
  const P = OH * OW, Q = C * K * K;
  const inBytes = <usize>(C * H * W) * 4;
  const outBytes = <usize>(OC * P) * 4;
  const filterRowBytes = <usize>OC * 4;
  const inRowBytes = <usize>W * 4;
  const doutT = col;
  const dweightT = col + <usize>(P * OC) * 4;
  memory.fill(dweightT, 0, <usize>(Q * OC) * 4);
  for (let b = 0; b < B; b++) {
    const doutB = dout + <usize>b * outBytes;
    const img = inp + <usize>b * inBytes;
    transpose(doutT, doutB, OC, P);
    for (let q = 0; q < Q; q += 2) {
      const i0 = img + <usize>tapOffset(q, H, W, K), i1 = img + <usize>tapOffset(q + 1, H, W, K);
      for (let o = 0; o < OC; o += 16) {
        const d0 = dweightT + <usize>(q * OC + o) * 4, d1 = d0 + filterRowBytes;
        let s00 = v128.load(d0), s01 = v128.load(d0, 16), s02 = v128.load(d0, 32), s03 = v128.load(d0, 48);
        let s10 = v128.load(d1), s11 = v128.load(d1, 16), s12 = v128.load(d1, 32), s13 = v128.load(d1, 48);
        let tp = doutT + <usize>o * 4;
        let rowStart: usize = 0;
        for (let y = 0; y < OH; y++) {
          let p0 = i0 + rowStart, p1 = i1 + rowStart;
          const rowEnd = p0 + <usize>OW * 4;
          for (; p0 < rowEnd; p0 += 4, p1 += 4) {
            const x0 = v128.load32_splat(p0), x1 = v128.load32_splat(p1);
            let v = v128.load(tp);
            s00 = madd(s00, x0, v); s10 = madd(s10, x1, v);
            v = v128.load(tp, 16);
            s01 = madd(s01, x0, v); s11 = madd(s11, x1, v);
            v = v128.load(tp, 32);
            s02 = madd(s02, x0, v); s12 = madd(s12, x1, v);
            v = v128.load(tp, 48);
            s03 = madd(s03, x0, v); s13 = madd(s13, x1, v);
            tp += filterRowBytes;
          }
          rowStart += inRowBytes;
        }
        v128.store(d0, s00); v128.store(d0, s01, 16); v128.store(d0, s02, 32); v128.store(d0, s03, 48);
        v128.store(d1, s10); v128.store(d1, s11, 16); v128.store(d1, s12, 32); v128.store(d1, s13, 48);
      }
    }
  }
  addTransposed(dweight, dweightT, OC, Q);
}

/** dst[cols, rows] = srcᵀ for a [rows, cols] src; 4 × 4 tiles in vectors where both are multiples of 4. */
function transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  if ((rows & 3) !== 0 || (cols & 3) !== 0) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) store<f32>(dst + <usize>(c * rows + r) * 4, load<f32>(src + <usize>(r * cols + c) * 4));
    }
    return;
  }
  const srcRow = <usize>cols * 4, dstRow = <usize>rows * 4;
  for (let r = 0; r < rows; r += 4) {
    const s = src + <usize>r * srcRow;
    const d = dst + <usize>r * 4;
    for (let c = 0; c < cols; c += 4) {
      const sc = s + <usize>c * 4;
      const a = v128.load(sc), b = v128.load(sc + srcRow), e = v128.load(sc + srcRow * 2), f = v128.load(sc + srcRow * 3);
      const ab0 = f32x4.shuffle(a, b, 0, 4, 1, 5), ab1 = f32x4.shuffle(a, b, 2, 6, 3, 7);
      const ef0 = f32x4.shuffle(e, f, 0, 4, 1, 5), ef1 = f32x4.shuffle(e, f, 2, 6, 3, 7);
      const dc = d + <usize>c * dstRow;
      v128.store(dc, f32x4.shuffle(ab0, ef0, 0, 1, 4, 5));
      v128.store(dc + dstRow, f32x4.shuffle(ab0, ef0, 2, 3, 6, 7));
      v128.store(dc + dstRow * 2, f32x4.shuffle(ab1, ef1, 0, 1, 4, 5));
      v128.store(dc + dstRow * 3, f32x4.shuffle(ab1, ef1, 2, 3, 6, 7));
    }
  }
}

/** Byte offset in an image [C, H, W] of tap q = (c, i, j)'s input for output (0, 0). */
@inline function tapOffset(q: i32, H: i32, W: i32, K: i32): i32 {
  const c = q / (K * K), r = q - c * K * K;
  const i = r / K;
  return ((c * H + i) * W + (r - i * K)) * 4;
}

/** dst[o, q] += srcᵀ[q, o] for a [rows, cols] dst. */
function addTransposed(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let o = 0; o < rows; o++) {
    for (let q = 0; q < cols; q++) {
      const at = dst + <usize>(o * cols + q) * 4;
      store<f32>(at, load<f32>(at) + load<f32>(src + <usize>(q * rows + o) * 4));
    }
  }
}

/**
 * dweight += the weight gradient of B images through im2col, for any shape:
 * dweight[OC, Q] += dout_b · colᵀ, or with few filters dweightᵀ[Q, OC] (whose
 * Q rows fill the 4-row blocks of gemmNT) added transposed at the end.
 */
function filterGradientIm2col(
  dweight: usize, dout: usize, inp: usize, col: usize, B: i32, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const OH = H - K + 1, OW = W - K + 1;
  const P = OH * OW, Q = C * K * K;
  const inBytes = <usize>(C * H * W) * 4;
  const outBytes = <usize>(OC * P) * 4;
  const transposed = OC < 8;
  const dweightT = col + <usize>(Q * P + 4) * 4;
  if (transposed) memory.fill(dweightT, 0, <usize>(Q * OC) * 4);
  for (let b = 0; b < B; b++) {
    const doutB = dout + <usize>b * outBytes;
    im2col(col, inp + <usize>b * inBytes, C, H, W, K);
    if (transposed) gemmNT(dweightT, OC, col, P, doutB, P, Q, OC, P, true, 0);
    else gemmNT(dweight, Q, doutB, P, col, P, OC, Q, P, true, 0);
  }
  if (transposed) addTransposed(dweight, dweightT, OC, Q);
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
          if (x + 8 <= rowBytes) {
            v128.store64_lane(dst + x, f32x4.add(v128.load64_zero(dst + x), v128.load64_zero(src + x)), 0);
            x += 8;
          }
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
  return reduceLanes(s) + tail;
}

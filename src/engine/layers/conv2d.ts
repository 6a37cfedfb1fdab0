// 2-D convolution, stride 1, no padding ("VALID"), as LeNet-5 uses it.
// Reference kernels in plain TypeScript over Float32Arrays: not the fast path
// (that is the WebAssembly backend), but free of per-element allocation and
// arranged so that V8 keeps the hot values in registers.
//
// Layouts (NCHW, as PyTorch):
//   inp    [B, C, H, W]
//   weight [OC, C, K, K]
//   bias   [OC]
//   out    [B, OC, OH, OW]   with OH = H − K + 1, OW = W − K + 1
//
// Forward:  out[b,o,y,x] = bias[o] + Σ_{c,i,j} weight[o,c,i,j] · inp[b,c,y+i,x+j]
// Backward: dweight[o,c,i,j]  += Σ_{b,y,x} dout[b,o,y,x] · inp[b,c,y+i,x+j]
//           dbias[o]          += Σ_{b,y,x} dout[b,o,y,x]
//           dinp[b,c,y+i,x+j] += Σ_o dout[b,o,y,x] · weight[o,c,i,j]
//
// How the loops go: every kernel works on one kernel row (i) and one image row
// at a time, sliding a window of K consecutive values along x, so that each
// value is loaded once per row and the K weights of the row stay in registers.
// K = 5 (LeNet) takes unrolled row functions, which also handle two channels
// per pass where two rows share their input; any other K takes plain loops
// that compute the same sums.

import { FloatArray } from "../float-array.js";

/** Writes (overwrites) out. */
export function conv2dForward(
  out: FloatArray,
  inp: FloatArray,
  weight: FloatArray,
  bias: FloatArray,
  B: number, C: number, H: number, W: number, OC: number, K: number,
): void {
  const OH = H - K + 1;
  const OW = W - K + 1;
  const outPlane = OH * OW;
  const weightsPerOutput = C * K * K;
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < OC; o++) {
      const outBase = (b * OC + o) * outPlane;
      out.fill(bias[o], outBase, outBase + outPlane);
    }
    // Output channels o and o+1 read the same input rows: do them together.
    for (let o = 0; o < OC; ) {
      const paired = K === 5 && o + 1 < OC;
      const outBase = (b * OC + o) * outPlane;
      for (let c = 0; c < C; c++) {
        const inBase = (b * C + c) * H * W;
        for (let i = 0; i < K; i++) {
          const wRow = ((o * C + c) * K + i) * K;
          for (let y = 0; y < OH; y++) {
            const outRow = outBase + y * OW;
            const inRow = inBase + (y + i) * W;
            if (paired) {
              correlateRowPair5(out, outRow, outRow + outPlane, inp, inRow, weight, wRow, wRow + weightsPerOutput, OW);
            } else {
              correlateRow(out, outRow, inp, inRow, weight, wRow, K, OW);
            }
          }
        }
      }
      o += paired ? 2 : 1;
    }
  }
}

/**
 * Accumulates (+=) into dweight, dbias and, unless it is null (the network's
 * input needs no gradient), dinp.
 */
export function conv2dBackward(
  dinp: FloatArray | null,
  dweight: FloatArray,
  dbias: FloatArray,
  dout: FloatArray,
  inp: FloatArray,
  weight: FloatArray,
  B: number, C: number, H: number, W: number, OC: number, K: number,
): void {
  const OH = H - K + 1;
  const OW = W - K + 1;
  const outPlane = OH * OW;
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < OC; o++) {
      const outBase = (b * OC + o) * outPlane;
      let biasSum = 0;
      for (let k = 0; k < outPlane; k++) biasSum += dout[outBase + k];
      dbias[o] += biasSum;
      for (let c = 0; c < C; c++) {
        const inBase = (b * C + c) * H * W;
        for (let i = 0; i < K; i++) {
          const wRow = ((o * C + c) * K + i) * K;
          for (let y = 0; y < OH; y++) {
            accumulateRowProducts(dweight, wRow, dout, outBase + y * OW, inp, inBase + (y + i) * W, K, OW);
          }
        }
      }
    }
  }
  if (dinp !== null) conv2dBackwardInput(dinp, dout, weight, B, C, H, W, OC, K);
}

/**
 * dinp[b,c,y+i,x+j] += Σ_o dout[b,o,y,x] · weight[o,c,i,j], one dout row and
 * one kernel row at a time; input channels c and c+1 read the same dout row
 * and go together.
 */
function conv2dBackwardInput(
  dinp: FloatArray,
  dout: FloatArray,
  weight: FloatArray,
  B: number, C: number, H: number, W: number, OC: number, K: number,
): void {
  const OH = H - K + 1;
  const OW = W - K + 1;
  const inPlane = H * W;
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < OC; o++) {
      const outBase = (b * OC + o) * OH * OW;
      for (let c = 0; c < C; ) {
        const paired = K === 5 && c + 1 < C;
        const inBase = (b * C + c) * inPlane;
        for (let i = 0; i < K; i++) {
          const wRow = ((o * C + c) * K + i) * K;
          for (let y = 0; y < OH; y++) {
            const inRow = inBase + (y + i) * W;
            const outRow = outBase + y * OW;
            if (paired) {
              scatterRowPair5(dinp, inRow, inRow + inPlane, dout, outRow, weight, wRow, wRow + K * K, OW);
            } else {
              scatterRow(dinp, inRow, dout, outRow, weight, wRow, K, OW);
            }
          }
        }
        c += paired ? 2 : 1;
      }
    }
  }
}

/** out[outRow + x] += Σ_j w[wRow + j] · inp[inRow + x + j]  for x in [0, n). */
function correlateRow(
  out: FloatArray, outRow: number,
  inp: FloatArray, inRow: number,
  w: FloatArray, wRow: number,
  K: number, n: number,
): void {
  for (let x = 0; x < n; x++) {
    let sum = 0;
    for (let j = 0; j < K; j++) sum += w[wRow + j] * inp[inRow + x + j];
    out[outRow + x] += sum;
  }
}

/** correlateRow for K = 5 into two output rows with their own weights (two output channels). */
function correlateRowPair5(
  out: FloatArray, outRowA: number, outRowB: number,
  inp: FloatArray, inRow: number,
  w: FloatArray, wRowA: number, wRowB: number,
  n: number,
): void {
  const a0 = w[wRowA], a1 = w[wRowA + 1], a2 = w[wRowA + 2], a3 = w[wRowA + 3], a4 = w[wRowA + 4];
  const b0 = w[wRowB], b1 = w[wRowB + 1], b2 = w[wRowB + 2], b3 = w[wRowB + 3], b4 = w[wRowB + 4];
  let x0 = inp[inRow], x1 = inp[inRow + 1], x2 = inp[inRow + 2], x3 = inp[inRow + 3];
  for (let x = 0; x < n; x++) {
    const x4 = inp[inRow + x + 4];
    out[outRowA + x] += a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3 + a4 * x4;
    out[outRowB + x] += b0 * x0 + b1 * x1 + b2 * x2 + b3 * x3 + b4 * x4;
    x0 = x1; x1 = x2; x2 = x3; x3 = x4;
  }
}

/** out[outRow + x + j] += w[wRow + j] · d[dRow + x]  for x in [0, n), j in [0, K). */
function scatterRow(
  out: FloatArray, outRow: number,
  d: FloatArray, dRow: number,
  w: FloatArray, wRow: number,
  K: number, n: number,
): void {
  for (let x = 0; x < n; x++) {
    const g = d[dRow + x];
    for (let j = 0; j < K; j++) out[outRow + x + j] += w[wRow + j] * g;
  }
}

/**
 * scatterRow for K = 5 into two output rows with their own weights (two input
 * channels), written as a gather over the n + 4 outputs: output u takes
 * Σ_j w_j · d[u − j], with the last five d values held in registers.
 */
function scatterRowPair5(
  out: FloatArray, outRowA: number, outRowB: number,
  d: FloatArray, dRow: number,
  w: FloatArray, wRowA: number, wRowB: number,
  n: number,
): void {
  const a0 = w[wRowA], a1 = w[wRowA + 1], a2 = w[wRowA + 2], a3 = w[wRowA + 3], a4 = w[wRowA + 4];
  const b0 = w[wRowB], b1 = w[wRowB + 1], b2 = w[wRowB + 2], b3 = w[wRowB + 3], b4 = w[wRowB + 4];
  let d1 = 0, d2 = 0, d3 = 0, d4 = 0; // d[u−1] … d[u−4], zero before the row starts
  for (let u = 0; u < n; u++) {
    const d0 = d[dRow + u];
    out[outRowA + u] += a0 * d0 + a1 * d1 + a2 * d2 + a3 * d3 + a4 * d4;
    out[outRowB + u] += b0 * d0 + b1 * d1 + b2 * d2 + b3 * d3 + b4 * d4;
    d4 = d3; d3 = d2; d2 = d1; d1 = d0;
  }
  // The row's last four outputs see only the tail of d.
  out[outRowA + n] += a1 * d1 + a2 * d2 + a3 * d3 + a4 * d4;
  out[outRowA + n + 1] += a2 * d1 + a3 * d2 + a4 * d3;
  out[outRowA + n + 2] += a3 * d1 + a4 * d2;
  out[outRowA + n + 3] += a4 * d1;
  out[outRowB + n] += b1 * d1 + b2 * d2 + b3 * d3 + b4 * d4;
  out[outRowB + n + 1] += b2 * d1 + b3 * d2 + b4 * d3;
  out[outRowB + n + 2] += b3 * d1 + b4 * d2;
  out[outRowB + n + 3] += b4 * d1;
}

/** dw[wRow + j] += Σ_x d[dRow + x] · inp[inRow + x + j]  for j in [0, K). */
function accumulateRowProducts(
  dw: FloatArray, wRow: number,
  d: FloatArray, dRow: number,
  inp: FloatArray, inRow: number,
  K: number, n: number,
): void {
  if (K === 5) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    let a0 = inp[inRow], a1 = inp[inRow + 1], a2 = inp[inRow + 2], a3 = inp[inRow + 3];
    for (let x = 0; x < n; x++) {
      const a4 = inp[inRow + x + 4];
      const g = d[dRow + x];
      s0 += g * a0; s1 += g * a1; s2 += g * a2; s3 += g * a3; s4 += g * a4;
      a0 = a1; a1 = a2; a2 = a3; a3 = a4;
    }
    dw[wRow] += s0; dw[wRow + 1] += s1; dw[wRow + 2] += s2; dw[wRow + 3] += s3; dw[wRow + 4] += s4;
    return;
  }
  for (let j = 0; j < K; j++) {
    let sum = 0;
    for (let x = 0; x < n; x++) sum += d[dRow + x] * inp[inRow + x + j];
    dw[wRow + j] += sum;
  }
}

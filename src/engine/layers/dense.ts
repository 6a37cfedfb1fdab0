// Fully connected layer (LeNet-5's fc1, fc2, fc3).
//
// Layouts (as PyTorch's nn.Linear):
//   inp    [B, IN]
//   weight [OUT, IN]
//   bias   [OUT]
//   out    [B, OUT]
//
// Forward:  out[b,o] = bias[o] + Σ_i weight[o,i] · inp[b,i]
// Backward: dweight[o,i] += Σ_b dout[b,o] · inp[b,i]
//           dbias[o]     += Σ_b dout[b,o]
//           dinp[b,i]    += Σ_o dout[b,o] · weight[o,i]
//
// Every loop handles four rows at once (four images in forward and in the
// weight gradient, four outputs in the input gradient) so that each value
// loaded is used four times and four independent sums run side by side; the
// rows left over take the same loop one at a time.

import { FloatArray } from "../float-array.js";

/** Writes (overwrites) out. */
export function denseForward(
  out: FloatArray,
  inp: FloatArray,
  weight: FloatArray,
  bias: FloatArray,
  B: number, IN: number, OUT: number,
): void {
  let b = 0;
  for (; b + 4 <= B; b += 4) {
    const r0 = b * IN, r1 = r0 + IN, r2 = r1 + IN, r3 = r2 + IN;
    for (let o = 0; o < OUT; o++) {
      const wRow = o * IN;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let i = 0; i < IN; i++) {
        const w = weight[wRow + i];
        s0 += w * inp[r0 + i];
        s1 += w * inp[r1 + i];
        s2 += w * inp[r2 + i];
        s3 += w * inp[r3 + i];
      }
      const bo = bias[o];
      out[b * OUT + o] = bo + s0;
      out[(b + 1) * OUT + o] = bo + s1;
      out[(b + 2) * OUT + o] = bo + s2;
      out[(b + 3) * OUT + o] = bo + s3;
    }
  }
  for (; b < B; b++) {
    const r0 = b * IN;
    for (let o = 0; o < OUT; o++) {
      const wRow = o * IN;
      let s0 = 0;
      for (let i = 0; i < IN; i++) s0 += weight[wRow + i] * inp[r0 + i];
      out[b * OUT + o] = bias[o] + s0;
    }
  }
}

/** Accumulates (+=) into dweight, dbias and, unless it is null, dinp. */
export function denseBackward(
  dinp: FloatArray | null,
  dweight: FloatArray,
  dbias: FloatArray,
  dout: FloatArray,
  inp: FloatArray,
  weight: FloatArray,
  B: number, IN: number, OUT: number,
): void {
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < OUT; o++) dbias[o] += dout[b * OUT + o];
  }

  // dweight[o,:] += Σ_b dout[b,o] · inp[b,:], four images at a time.
  for (let o = 0; o < OUT; o++) {
    const wRow = o * IN;
    let b = 0;
    for (; b + 4 <= B; b += 4) {
      const g0 = dout[b * OUT + o], g1 = dout[(b + 1) * OUT + o];
      const g2 = dout[(b + 2) * OUT + o], g3 = dout[(b + 3) * OUT + o];
      const r0 = b * IN, r1 = r0 + IN, r2 = r1 + IN, r3 = r2 + IN;
      for (let i = 0; i < IN; i++) {
        dweight[wRow + i] += g0 * inp[r0 + i] + g1 * inp[r1 + i] + g2 * inp[r2 + i] + g3 * inp[r3 + i];
      }
    }
    for (; b < B; b++) {
      const g0 = dout[b * OUT + o];
      const r0 = b * IN;
      for (let i = 0; i < IN; i++) dweight[wRow + i] += g0 * inp[r0 + i];
    }
  }

  if (dinp === null) return;
  // dinp[b,:] += Σ_o dout[b,o] · weight[o,:], four outputs at a time.
  for (let b = 0; b < B; b++) {
    const inRow = b * IN;
    const gRow = b * OUT;
    let o = 0;
    for (; o + 4 <= OUT; o += 4) {
      const g0 = dout[gRow + o], g1 = dout[gRow + o + 1], g2 = dout[gRow + o + 2], g3 = dout[gRow + o + 3];
      const w0 = o * IN, w1 = w0 + IN, w2 = w1 + IN, w3 = w2 + IN;
      for (let i = 0; i < IN; i++) {
        dinp[inRow + i] += g0 * weight[w0 + i] + g1 * weight[w1 + i] + g2 * weight[w2 + i] + g3 * weight[w3 + i];
      }
    }
    for (; o < OUT; o++) {
      const g0 = dout[gRow + o];
      const w0 = o * IN;
      for (let i = 0; i < IN; i++) dinp[inRow + i] += g0 * weight[w0 + i];
    }
  }
}

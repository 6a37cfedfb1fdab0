// Max pooling 2×2, stride 2 (LeNet-5's pool1 and pool2). H and W must be even.
//
// Layouts (NCHW): inp [B, C, H, W] → out [B, C, H/2, W/2].
// Forward stores, per output, which of the four inputs won (argmax, 0..3 as
// dy·2 + dx); backward routes the gradient only to that input. Ties go to the
// first maximum in row-major order, as PyTorch's max_pool2d does.
//
// Forward:  out[b,c,y,x] = max_{dy,dx ∈ {0,1}} inp[b,c,2y+dy,2x+dx]
// Backward: dinp[b,c,2y+dy*,2x+dx*] += dout[b,c,y,x]   (dy*, dx* the argmax)

import { FloatArray } from "../float-array.js";

/** Writes out and argmax (both [B, C, H/2, W/2]). */
export function maxPoolForward(
  out: FloatArray,
  argmax: Uint8Array,
  inp: FloatArray,
  B: number, C: number, H: number, W: number,
): void {
  const OH = H >> 1;
  const OW = W >> 1;
  const planes = B * C;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const inBase = p * H * W;
    for (let y = 0; y < OH; y++) {
      const row0 = inBase + 2 * y * W;
      const row1 = row0 + W;
      for (let x = 0; x < OW; x++, o++) {
        let best = inp[row0 + 2 * x];
        let which = 0;
        const v1 = inp[row0 + 2 * x + 1];
        if (v1 > best) { best = v1; which = 1; }
        const v2 = inp[row1 + 2 * x];
        if (v2 > best) { best = v2; which = 2; }
        const v3 = inp[row1 + 2 * x + 1];
        if (v3 > best) { best = v3; which = 3; }
        out[o] = best;
        argmax[o] = which;
      }
    }
  }
}

/** Accumulates (+=) into dinp. */
export function maxPoolBackward(
  dinp: FloatArray,
  dout: FloatArray,
  argmax: Uint8Array,
  B: number, C: number, H: number, W: number,
): void {
  const OH = H >> 1;
  const OW = W >> 1;
  const planes = B * C;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const inBase = p * H * W;
    for (let y = 0; y < OH; y++) {
      for (let x = 0; x < OW; x++, o++) {
        const which = argmax[o];
        dinp[inBase + (2 * y + (which >> 1)) * W + 2 * x + (which & 1)] += dout[o];
      }
    }
  }
}

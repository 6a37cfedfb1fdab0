// Fully connected layer (LeNet-5's fc1, fc2, fc3): the WebAssembly twin of
// src/engine/layers/dense.ts, as matrix products (see gemm.ts).
//
// Layouts (as PyTorch's nn.Linear): inp [B, IN], weight [OUT, IN], bias [OUT], out [B, OUT].
//
//   forward   out[b,o]      = bias[o] + Σ_i weight[o,i] · inp[b,i]    (NT: dot products along i)
//   backward  dweight[o,i] += Σ_b dout[b,o] · inp[b,i]                (NN with doutᵀ read as scalars)
//             dbias[o]     += Σ_b dout[b,o]
//             dinp[b,i]    (+)= Σ_o dout[b,o] · weight[o,i]            (NN)

import { gemmNN, gemmNT } from "./gemm";

/** Writes (overwrites) out [B, OUT]. */
export function denseForward(out: usize, inp: usize, weight: usize, bias: usize, B: i32, IN: i32, OUT: i32): void {
  gemmNT(out, OUT, inp, IN, weight, IN, B, OUT, IN, false, bias);
}

/**
 * Accumulates (+=) into dweight and dbias; dinp (unless 0) is accumulated
 * into when accumulateInput, else overwritten.
 */
export function denseBackward(
  dinp: usize, dweight: usize, dbias: usize, dout: usize, inp: usize, weight: usize,
  B: i32, IN: i32, OUT: i32, accumulateInput: bool,
): void {
  const vectorBytes = <usize>(OUT & ~3) * 4;
  const rowBytes = <usize>OUT * 4;
  for (let b = 0; b < B; b++) {
    const row = dout + <usize>b * rowBytes;
    let x: usize = 0;
    for (; x < vectorBytes; x += 16) v128.store(dbias + x, f32x4.add(v128.load(dbias + x), v128.load(row + x)));
    for (; x < rowBytes; x += 4) store<f32>(dbias + x, load<f32>(dbias + x) + load<f32>(row + x));
  }
  gemmNN(dweight, IN, dout, 1, OUT, inp, IN, OUT, IN, B, true);
  if (dinp !== 0) gemmNN(dinp, IN, dout, OUT, 1, weight, IN, B, IN, OUT, accumulateInput);
}

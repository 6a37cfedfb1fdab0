// The input gradient of the convolution (conv.ts has the layouts and the
// math), for any shape, one image at a time:
//   dcol[Q, P] = weightᵀ[Q, OC] · dout_b[OC, P]                  (gemmNN, weight read transposed)
//   dinp[b, c, y+i, x+j] += dcol[(c,i,j), (y,x)]                  (col2imAdd)
// dcol overwrites the scratch; dinp accumulates. It stays a product and a
// col2im for every shape: the product runs near the multiply-add bound
// already, and a col2im folded into it would compute more lanes (the map's
// padding columns) than it saves (BENCHMARKS.md, "Weight gradients without
// im2col"). Not the place for the weight or bias gradients (conv-weight-grad.ts,
// conv.ts).

import { gemmNN } from "./gemm";
import { col2imAdd } from "./conv-layout";

/** dinp += the input gradient of B images; col holds each image's dcol [Q, P] in turn. */
@inline export function inputGradient(
  dinp: usize, dout: usize, weight: usize, col: usize,
  B: i32, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const OH = H - K + 1, OW = W - K + 1;
  const P = OH * OW, Q = C * K * K;
  const inBytes = <usize>(C * H * W) * 4;
  const outBytes = <usize>(OC * P) * 4;
  for (let b = 0; b < B; b++) {
    gemmNN(col, P, weight, 1, Q, dout + <usize>b * outBytes, P, Q, P, OC, false);
    col2imAdd(dinp + <usize>b * inBytes, col, C, H, W, K);
  }
}

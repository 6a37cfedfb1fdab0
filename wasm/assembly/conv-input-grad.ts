// The input gradient of the convolution (conv.ts has the layouts and the
// math), for any shape, of one image (conv2dBackward loops over the images):
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

/** dinp_b += the input gradient of one image (dinp_b [C, H, W], dout_b [OC, OH, OW]); col takes its dcol [Q, P]. */
@inline export function inputGradient(
  dinpB: usize, doutB: usize, weight: usize, col: usize, C: i32, H: i32, W: i32, OC: i32, K: i32,
): void {
  const P = (H - K + 1) * (W - K + 1), Q = C * K * K;
  gemmNN(col, P, weight, 1, Q, doutB, P, Q, P, OC, false);
  col2imAdd(dinpB, col, C, H, W, K);
}

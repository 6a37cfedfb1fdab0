// Finite-difference gradient checks of every layer, in float64. Each layer's
// output is reduced to a scalar L = Σ out ⊙ R with a fixed random R, so the
// analytic gradients are backward(dout = R), and each is compared with
// (L(x + h) − L(x − h)) / 2h. Inputs are spaced away from ReLU's kink and from
// max-pooling ties, where the derivative does not exist.

import { describe, expect, it } from "vitest";
import { ACTIVATIONS, activationBackward, activationForward } from "../../src/engine/layers/activations.js";
import { conv2dBackward, conv2dForward } from "../../src/engine/layers/conv2d.js";
import { denseBackward, denseForward } from "../../src/engine/layers/dense.js";
import { maxPoolBackward, maxPoolForward } from "../../src/engine/layers/maxpool.js";
import { softmaxCrossEntropyBackward, softmaxCrossEntropyForward } from "../../src/engine/layers/softmax-cross-entropy.js";
import { distinctArray, dot, gradientError, randomArray } from "../helpers.js";

const TOLERANCE = 1e-6;

describe("conv2d gradients", () => {
  // LeNet's two shapes, and odd ones: K = 3 (the general path), a single
  // output channel (no channel pairs) and an odd number of input channels.
  const shapes = [
    { B: 2, C: 1, H: 9, W: 8, OC: 6, K: 5 },
    { B: 2, C: 6, H: 8, W: 8, OC: 16, K: 5 },
    { B: 1, C: 3, H: 7, W: 6, OC: 1, K: 5 },
    { B: 2, C: 2, H: 5, W: 6, OC: 3, K: 3 },
  ];
  for (const s of shapes) {
    it(`matches finite differences for ${JSON.stringify(s)}`, () => {
      const { B, C, H, W, OC, K } = s;
      const OH = H - K + 1, OW = W - K + 1;
      const inp = randomArray(B * C * H * W, 1);
      const weight = randomArray(OC * C * K * K, 2);
      const bias = randomArray(OC, 3);
      const R = randomArray(B * OC * OH * OW, 4);
      const out = new Float64Array(B * OC * OH * OW);
      const L = () => { conv2dForward(out, inp, weight, bias, B, C, H, W, OC, K); return dot(out, R); };

      const dinp = new Float64Array(inp.length);
      const dweight = new Float64Array(weight.length);
      const dbias = new Float64Array(bias.length);
      conv2dBackward(dinp, dweight, dbias, R, inp, weight, B, C, H, W, OC, K);

      expect(gradientError(L, inp, dinp)).toBeLessThan(TOLERANCE);
      expect(gradientError(L, weight, dweight)).toBeLessThan(TOLERANCE);
      expect(gradientError(L, bias, dbias)).toBeLessThan(TOLERANCE);
    });
  }

  it("accumulates into existing gradients instead of overwriting them", () => {
    const B = 1, C = 2, H = 6, W = 6, OC = 2, K = 5;
    const inp = randomArray(B * C * H * W, 5);
    const weight = randomArray(OC * C * K * K, 6);
    const R = randomArray(B * OC * 4, 7);
    const once = { dinp: new Float64Array(inp.length), dw: new Float64Array(weight.length), db: new Float64Array(OC) };
    const twice = { dinp: new Float64Array(inp.length), dw: new Float64Array(weight.length), db: new Float64Array(OC) };
    conv2dBackward(once.dinp, once.dw, once.db, R, inp, weight, B, C, H, W, OC, K);
    for (let k = 0; k < 2; k++) conv2dBackward(twice.dinp, twice.dw, twice.db, R, inp, weight, B, C, H, W, OC, K);
    for (const key of ["dinp", "dw", "db"] as const) {
      once[key].forEach((v, i) => expect(twice[key][i]).toBeCloseTo(2 * v, 12));
    }
  });
});

describe("dense gradients", () => {
  for (const s of [{ B: 5, IN: 13, OUT: 7 }, { B: 4, IN: 8, OUT: 4 }, { B: 1, IN: 3, OUT: 1 }]) {
    it(`matches finite differences for ${JSON.stringify(s)}`, () => {
      const { B, IN, OUT } = s;
      const inp = randomArray(B * IN, 11);
      const weight = randomArray(OUT * IN, 12);
      const bias = randomArray(OUT, 13);
      const R = randomArray(B * OUT, 14);
      const out = new Float64Array(B * OUT);
      const L = () => { denseForward(out, inp, weight, bias, B, IN, OUT); return dot(out, R); };
      const dinp = new Float64Array(inp.length);
      const dweight = new Float64Array(weight.length);
      const dbias = new Float64Array(bias.length);
      denseBackward(dinp, dweight, dbias, R, inp, weight, B, IN, OUT);
      expect(gradientError(L, inp, dinp)).toBeLessThan(TOLERANCE);
      expect(gradientError(L, weight, dweight)).toBeLessThan(TOLERANCE);
      expect(gradientError(L, bias, dbias)).toBeLessThan(TOLERANCE);
    });
  }
});

describe("max pool gradients", () => {
  it("matches finite differences away from ties", () => {
    const B = 2, C = 3, H = 6, W = 8;
    const inp = distinctArray(B * C * H * W, 21);
    const R = randomArray(B * C * (H / 2) * (W / 2), 22);
    const out = new Float64Array(R.length);
    const argmax = new Uint8Array(R.length);
    const L = () => { maxPoolForward(out, argmax, inp, B, C, H, W); return dot(out, R); };
    L();
    const dinp = new Float64Array(inp.length);
    maxPoolBackward(dinp, R, argmax, B, C, H, W);
    expect(gradientError(L, inp, dinp, 1e-4)).toBeLessThan(TOLERANCE);
  });

  it("routes each gradient to the first maximum on a tie, as PyTorch does", () => {
    const inp = Float64Array.from([1, 1, 1, 1]);
    const out = new Float64Array(1);
    const argmax = new Uint8Array(1);
    maxPoolForward(out, argmax, inp, 1, 1, 2, 2);
    const dinp = new Float64Array(4);
    maxPoolBackward(dinp, Float64Array.from([5]), argmax, 1, 1, 2, 2);
    expect(Array.from(dinp)).toEqual([5, 0, 0, 0]);
  });
});

describe("activation gradients", () => {
  for (const kind of ACTIVATIONS) {
    it(`${kind} matches finite differences`, () => {
      // Values in [-3, 3], at least 0.005 from 0 (ReLU's kink).
      const inp = distinctArray(200, 31, 0.03);
      const R = randomArray(inp.length, 32);
      const out = new Float64Array(inp.length);
      const L = () => { activationForward(kind, out, inp, inp.length); return dot(out, R); };
      L();
      const dinp = new Float64Array(inp.length);
      activationBackward(kind, dinp, R, inp, out, inp.length);
      // GELU's forward uses an erf approximation (error < 1.5e-7) whose own
      // derivative is not exactly the Gaussian density backward uses; the two
      // agree to ~1e-5, far below float32 training noise.
      expect(gradientError(L, inp, dinp)).toBeLessThan(kind === "gelu" ? 1e-4 : TOLERANCE);
    });
  }

  it("sigmoid saturates without overflowing for large |x|", () => {
    const inp = Float64Array.from([-1000, -50, 0, 50, 1000]);
    const out = new Float64Array(5);
    activationForward("sigmoid", out, inp, 5);
    expect(Array.from(out)).toEqual([0, expect.closeTo(1.9287e-22, 25), 0.5, 1, 1]);
  });
});

describe("softmax cross-entropy", () => {
  it("gradient matches finite differences", () => {
    const B = 4, C = 10;
    const logits = randomArray(B * C, 41, -3, 3);
    const labels = [3, 0, 9, 5];
    const probabilities = new Float64Array(B * C);
    const L = () => softmaxCrossEntropyForward(probabilities, logits, labels, B, C).loss;
    L();
    const dlogits = new Float64Array(B * C);
    softmaxCrossEntropyBackward(dlogits, probabilities, labels, B, C);
    expect(gradientError(L, logits, dlogits)).toBeLessThan(TOLERANCE);
  });

  it("stays finite for huge logits and equals the closed form", () => {
    const logits = Float64Array.from([1000, 0, -1000, 1000, 999, 0]);
    const probabilities = new Float64Array(6);
    const { loss, correct } = softmaxCrossEntropyForward(probabilities, logits, [1, 1], 2, 3);
    // Row 1: −log softmax(z)[1] = 1000 + log(1 + e^-1000 + e^-2000) ≈ 1000.
    // Row 2: −log(e^999 / (e^1000 + e^999 + 1)) = log(1 + e) ≈ 1.3133.
    expect(loss).toBeCloseTo((1000 + Math.log1p(Math.E)) / 2, 9);
    expect(correct).toBe(0);
    expect(probabilities.every(Number.isFinite)).toBe(true);
  });
});

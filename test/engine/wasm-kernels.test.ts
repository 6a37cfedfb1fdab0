// Every WebAssembly kernel against the plain TypeScript reference kernel
// (computed in float64 from the same float32-rounded inputs), on LeNet-5's
// shapes and on odd ones (widths that are not multiples of 4, K ≠ 5, one
// image). Bound: relative difference ≤ 1e-4 (see relativeDifference).
// Both builds of the module are tested: the relaxed-SIMD one (fused
// multiply-adds) that the backend uses where the runtime runs it, and the
// plain one it falls back to; and, where they were built, the native kernels
// (AVX-512) that take over the convolutions and dense layers.

import { describe, expect, it } from "vitest";
import { ACTIVATIONS, activationBackward, activationForward } from "../../src/engine/layers/activations.js";
import { conv2dBackward, conv2dForward } from "../../src/engine/layers/conv2d.js";
import { denseBackward, denseForward } from "../../src/engine/layers/dense.js";
import { maxPoolBackward, maxPoolForward } from "../../src/engine/layers/maxpool.js";
import { ParameterSet } from "../../src/engine/parameters.js";
import { createOptimizer } from "../../src/optim/optimizers.js";
import { fillBatch } from "../../src/data/batches.js";
import { INPUT_VALUES_PER_IMAGE, LENET_IMAGE_SIDE, LENET_INPUT_PADDING, PIXELS_PER_IMAGE } from "../../src/engine/architecture.js";
import { distinctArray, randomArray } from "../helpers.js";
import { NATIVE, TESTED_KERNELS, TestMemory, float32Values, relativeDifference } from "./wasm-helpers.js";

const TOLERANCE = 1e-4;
let seed = 1;
const random = (n: number, low = -1, high = 1) => float32Values(randomArray(n, seed++, low, high));

describe.each(TESTED_KERNELS)("%s build", (build) => {
  describe("wasm conv2d", () => {
    const shapes = [
      { name: "LeNet conv1", B: 2, C: 1, H: 32, W: 32, OC: 6, K: 5 },
      { name: "LeNet conv2", B: 3, C: 6, H: 14, W: 14, OC: 16, K: 5 },
      { name: "odd: 3×9×11, K 3, 5 filters", B: 3, C: 3, H: 9, W: 11, OC: 5, K: 3 },
      { name: "odd: one image, 2×7×6, K 5", B: 1, C: 2, H: 7, W: 6, OC: 3, K: 5 },
      { name: "odd: K 1, 7 filters", B: 2, C: 4, H: 5, W: 3, OC: 7, K: 1 },
      // Output widths that are multiples of 4 take the direct forward (no im2col): 4, 3 and 1 vectors, an odd filter count.
      { name: "direct: 3×6×30, K 3, 5 filters (width 28)", B: 2, C: 3, H: 6, W: 30, OC: 5, K: 3 },
      { name: "direct: 2×9×12, K 5, 3 filters (width 8)", B: 2, C: 2, H: 9, W: 12, OC: 3, K: 5 },
      { name: "direct: one image, 1×6×20, K 5, 1 filter (width 16)", B: 1, C: 1, H: 6, W: 20, OC: 1, K: 5 },
      // 16k filters and an even number of outputs per map: the forward across filters (no im2col).
      { name: "across filters: 2×8×7, K 3, 32 filters", B: 2, C: 2, H: 8, W: 7, OC: 32, K: 3 },
      // Backward sums the weight gradient without im2col along rows (K 5, width 4k: conv1 and the "direct"
      // shapes above) and across filters (16k filters, no more than the taps: conv2 and this one).
      { name: "across filters: 3×7×9, K 3, 16 filters", B: 3, C: 3, H: 7, W: 9, OC: 16, K: 3 },
    ];
    for (const { name, B, C, H, W, OC, K } of shapes) {
      it(`forward and backward match the reference (${name})`, () => {
        const OH = H - K + 1, OW = W - K + 1;
        const inp = random(B * C * H * W);
        const weight = random(OC * C * K * K, -0.3, 0.3);
        const bias = random(OC);
        const dout = random(B * OC * OH * OW);
        const dinp0 = random(B * C * H * W);
        const dweight0 = random(OC * C * K * K);
        const dbias0 = random(OC);

        const m = new TestMemory(build);
        const pInp = m.put(inp), pW = m.put(weight), pB = m.put(bias), pDout = m.put(dout);
        const pOut = m.alloc(B * OC * OH * OW);
        const pCol = m.alloc(C * K * K * (OH * OW + OC) + 4);
        m.kernels.conv2dForward(pOut, pInp, pW, pB, pCol, B, C, H, W, OC, K);
        const expectedOut = new Float64Array(B * OC * OH * OW);
        conv2dForward(expectedOut, inp, weight, bias, B, C, H, W, OC, K);
        expect(relativeDifference(m.read(pOut, expectedOut.length), expectedOut)).toBeLessThan(TOLERANCE);

        // Backward accumulates onto whatever the gradients held.
        const pDinp = m.put(dinp0), pDw = m.put(dweight0), pDb = m.put(dbias0);
        m.kernels.conv2dBackward(pDinp, pDw, pDb, pDout, pInp, pW, pCol, B, C, H, W, OC, K);
        const dinp = dinp0.slice(), dweight = dweight0.slice(), dbias = dbias0.slice();
        conv2dBackward(dinp, dweight, dbias, dout, inp, weight, B, C, H, W, OC, K);
        expect(relativeDifference(m.read(pDinp, dinp.length), dinp)).toBeLessThan(TOLERANCE);
        expect(relativeDifference(m.read(pDw, dweight.length), dweight)).toBeLessThan(TOLERANCE);
        expect(relativeDifference(m.read(pDb, dbias.length), dbias)).toBeLessThan(TOLERANCE);

        // Without an input gradient (conv1), only the parameter gradients move.
        const pDw2 = m.put(dweight0);
        m.kernels.conv2dBackward(0, pDw2, m.put(dbias0), pDout, pInp, pW, pCol, B, C, H, W, OC, K);
        expect(relativeDifference(m.read(pDw2, dweight.length), dweight)).toBeLessThan(TOLERANCE);
      });
    }

    // The forwards without im2col sum the same products in the same order as the matrix product.
    const im2colShapes = [
      { name: "conv1, direct", B: 2, C: 1, H: 32, W: 32, OC: 6, K: 5 },
      { name: "conv2, across filters", B: 2, C: 6, H: 14, W: 14, OC: 16, K: 5 },
    ];
    for (const { name, B, C, H, W, OC, K } of im2colShapes) {
      it(`forward gives the bits of bias + weight · im2col, summed in q order (${name})`, () => {
        const OH = H - K + 1, OW = W - K + 1, P = OH * OW, Q = C * K * K;
        const inp = random(B * C * H * W), weight = random(OC * Q, -0.3, 0.3), bias = random(OC);
        const m = new TestMemory(build);
        const pInp = m.put(inp), pW = m.put(weight), pB = m.put(bias), pOut = m.alloc(B * OC * P);
        m.kernels.conv2dForward(pOut, pInp, pW, pB, m.alloc(Q * (P + OC) + 4), B, C, H, W, OC, K);
        for (let b = 0; b < B; b++) {
          const col = new Float32Array(Q * P);
          for (let c = 0; c < C; c++) {
            for (let i = 0; i < K; i++) {
              for (let j = 0; j < K; j++) {
                for (let y = 0; y < OH; y++) {
                  for (let x = 0; x < OW; x++) {
                    col[((c * K + i) * K + j) * P + y * OW + x] = inp[((b * C + c) * H + y + i) * W + x + j];
                  }
                }
              }
            }
          }
          const product = m.put(Float32Array.from({ length: OC * P }, (_, k) => bias[Math.floor(k / P)]));
          m.kernels.gemmNN(product, P, pW, Q, 1, m.put(col), P, OC, P, Q, 1);
          expect(Array.from(m.read(pOut + b * OC * P * 4, OC * P))).toEqual(Array.from(m.read(product, OC * P)));
        }
      });
    }
  });

  describe("wasm dense", () => {
    const shapes = [
      { name: "LeNet fc1", B: 9, IN: 400, OUT: 120 },
      { name: "LeNet fc2", B: 4, IN: 120, OUT: 84 },
      { name: "LeNet fc3", B: 7, IN: 84, OUT: 10 },
      { name: "odd: 1 image, 7 → 3", B: 1, IN: 7, OUT: 3 },
      { name: "odd: 6 images, 13 → 5", B: 6, IN: 13, OUT: 5 },
    ];
    for (const { name, B, IN, OUT } of shapes) {
      it(`forward and backward match the reference (${name})`, () => {
        const inp = random(B * IN), weight = random(OUT * IN, -0.3, 0.3), bias = random(OUT), dout = random(B * OUT);
        const dinp0 = random(B * IN), dweight0 = random(OUT * IN), dbias0 = random(OUT);
        const m = new TestMemory(build);
        const pInp = m.put(inp), pW = m.put(weight), pB = m.put(bias), pDout = m.put(dout);
        const pOut = m.alloc(B * OUT);
        m.kernels.denseForward(pOut, pInp, pW, pB, B, IN, OUT);
        const out = new Float64Array(B * OUT);
        denseForward(out, inp, weight, bias, B, IN, OUT);
        expect(relativeDifference(m.read(pOut, out.length), out)).toBeLessThan(TOLERANCE);

        const dinp = dinp0.slice(), dweight = dweight0.slice(), dbias = dbias0.slice();
        denseBackward(dinp, dweight, dbias, dout, inp, weight, B, IN, OUT);
        const pDinp = m.put(dinp0), pDw = m.put(dweight0), pDb = m.put(dbias0);
        m.kernels.denseBackward(pDinp, pDw, pDb, pDout, pInp, pW, B, IN, OUT, 1);
        expect(relativeDifference(m.read(pDinp, dinp.length), dinp)).toBeLessThan(TOLERANCE);
        expect(relativeDifference(m.read(pDw, dweight.length), dweight)).toBeLessThan(TOLERANCE);
        expect(relativeDifference(m.read(pDb, dbias.length), dbias)).toBeLessThan(TOLERANCE);

        // accumulateInput = 0 overwrites the input gradient.
        const fresh = new Float64Array(B * IN);
        denseBackward(fresh, new Float64Array(OUT * IN), new Float64Array(OUT), dout, inp, weight, B, IN, OUT);
        const pOver = m.put(dinp0);
        m.kernels.denseBackward(pOver, m.alloc(OUT * IN), m.alloc(OUT), pDout, pInp, pW, B, IN, OUT, 0);
        expect(relativeDifference(m.read(pOver, fresh.length), fresh)).toBeLessThan(TOLERANCE);
      });
    }

    it("a row of the output does not depend on the rows computed with it (batch-independent forward)", () => {
      const IN = 85, OUT = 11, B = 7;
      const inp = random(B * IN), weight = random(OUT * IN), bias = random(OUT);
      const m = new TestMemory(build);
      const pInp = m.put(inp), pW = m.put(weight), pB = m.put(bias), pOut = m.alloc(B * OUT), pOne = m.alloc(OUT);
      m.kernels.denseForward(pOut, pInp, pW, pB, B, IN, OUT);
      const all = m.read(pOut, B * OUT);
      for (let b = 0; b < B; b++) {
        m.kernels.denseForward(pOne, pInp + b * IN * 4, pW, pB, 1, IN, OUT);
        expect(Array.from(m.read(pOne, OUT))).toEqual(Array.from(all.subarray(b * OUT, (b + 1) * OUT)));
      }
    });
  });

  describe("wasm max pool", () => {
    const shapes = [
      { name: "LeNet pool1", B: 2, C: 6, H: 28, W: 28 },
      { name: "LeNet pool2", B: 3, C: 16, H: 10, W: 10 },
      { name: "odd: 6×10 (5 outputs a row)", B: 3, C: 5, H: 6, W: 10 },
      { name: "odd: 2×2", B: 1, C: 1, H: 2, W: 2 },
      // Wider than the native kernels' 32 columns a step: a full step and a part of one.
      { name: "wide: 4×44", B: 2, C: 2, H: 4, W: 44 },
    ];
    for (const { name, B, C, H, W } of shapes) {
      it(`forward and backward equal the reference exactly (${name})`, () => {
        const n = B * C * H * W, outN = n / 4;
        const inp = float32Values(distinctArray(n, seed++, 0.001));
        const dout = random(outN);
        const dinp0 = random(n);
        const m = new TestMemory(build);
        const pInp = m.put(inp), pOut = m.alloc(outN), pDout = m.put(dout);
        m.kernels.maxPoolForward(pOut, pInp, B, C, H, W);
        const out = new Float64Array(outN), argmax = new Uint8Array(outN);
        maxPoolForward(out, argmax, inp, B, C, H, W);
        expect(Array.from(m.read(pOut, outN))).toEqual(Array.from(Float32Array.from(out)));

        const dinp = dinp0.slice();
        maxPoolBackward(dinp, dout, argmax, B, C, H, W);
        const pDinp = m.put(dinp0);
        m.kernels.maxPoolBackward(pDinp, pDout, pInp, pOut, B, C, H, W, 1);
        expect(relativeDifference(m.read(pDinp, n), dinp)).toBeLessThan(1e-6);

        const fresh = new Float64Array(n);
        maxPoolBackward(fresh, dout, argmax, B, C, H, W);
        const pOver = m.put(dinp0);
        m.kernels.maxPoolBackward(pOver, pDout, pInp, pOut, B, C, H, W, 0);
        expect(Array.from(m.read(pOver, n))).toEqual(Array.from(Float32Array.from(fresh)));
      });
    }

    it("routes ties to the first maximum in row-major order, as the reference does", () => {
      const inp = [1, 3, 3, 3, 0, 0, 0, 0, 2, 2, 2, 2, 5, 5, 5, 5]; // [1,1,4,4]: windows with ties
      const m = new TestMemory(build);
      const pInp = m.put(inp), pOut = m.alloc(4), pDout = m.put([1, 2, 3, 4]), pDinp = m.alloc(16);
      m.kernels.maxPoolForward(pOut, pInp, 1, 1, 4, 4);
      m.kernels.maxPoolBackward(pDinp, pDout, pInp, pOut, 1, 1, 4, 4, 0);
      const out = new Float64Array(4), argmax = new Uint8Array(4), dinp = new Float64Array(16);
      maxPoolForward(out, argmax, Float64Array.from(inp), 1, 1, 4, 4);
      maxPoolBackward(dinp, Float64Array.from([1, 2, 3, 4]), argmax, 1, 1, 4, 4);
      expect(Array.from(m.read(pDinp, 16))).toEqual(Array.from(dinp));
    });
  });

  describe("wasm activations", () => {
    for (const activation of ACTIVATIONS) {
      for (const n of [4704 * 2, 7]) {
        it(`${activation}: forward and backward match the reference (n = ${n})`, () => {
          const kind = ACTIVATIONS.indexOf(activation);
          // Mostly [-6, 6], plus the far tails and values near 0.
          const inp = random(n, -6, 6);
          const extremes = [-90, -30, -9, 9, 30, 1e-5, -1e-5, 0.3, -0.3];
          for (let i = 0; i < extremes.length && i < n; i++) inp[i * 3 % n] = extremes[i];
          const dout = random(n);
          const dinp0 = random(n);
          const out = new Float64Array(n);
          activationForward(activation, out, inp, n);
          const m = new TestMemory(build);
          const pInp = m.put(inp), pOut = m.alloc(n), pDout = m.put(dout);
          m.kernels.activationForward(kind, pOut, pInp, n);
          const wasmOut = m.read(pOut, n);
          expect(relativeDifference(wasmOut, out, 1e-6)).toBeLessThan(TOLERANCE);

          // Backward given the same forward output (the float32 one both backends store).
          const out32 = Float64Array.from(wasmOut);
          const dinp = dinp0.slice();
          activationBackward(activation, dinp, dout, inp, out32, n);
          const pDinp = m.put(dinp0);
          m.kernels.activationBackward(kind, pDinp, pDout, pInp, pOut, n, 1);
          expect(relativeDifference(m.read(pDinp, n), dinp)).toBeLessThan(TOLERANCE);

          const fresh = new Float64Array(n);
          activationBackward(activation, fresh, dout, inp, out32, n);
          const pOver = m.put(dinp0);
          m.kernels.activationBackward(kind, pOver, pDout, pInp, pOut, n, 0);
          expect(relativeDifference(m.read(pOver, n), fresh, 1e-3)).toBeLessThan(TOLERANCE);
        });
      }
    }
  });

  describe("wasm optimizer updates", () => {
    for (const name of ["sgd", "adam", "adamw"] as const) {
      it(`${name}: three steps match torch's formulas as src/optim computes them`, () => {
        const n = 1003;
        const params = new ParameterSet([{ name: "w", shape: [n], kind: "weight" }]);
        params.values.set(random(n));
        const m = new TestMemory(build);
        const pP = m.put(params.values), pG = m.alloc(n), pM = m.alloc(n), pV = m.alloc(n);
        const reference = createOptimizer(name, params);
        for (let t = 1; t <= 3; t++) {
          const g = random(n);
          params.grads.set(g);
          new Float32Array(m.memory.buffer, pG, n).set(g);
          reference.step(0.01);
          if (name === "sgd") m.kernels.sgdStep(pP, pG, n, 0.01);
          else m.kernels.adamStep(pP, pG, pM, pV, n, 0.01 / (1 - 0.9 ** t), 0.9, 0.999, Math.sqrt(1 - 0.999 ** t), 1e-8, name === "adamw" ? 0.01 * 0.01 : 0);
        }
        // Parameters near 0 carry the rounding of those near 1 (float32 vs the reference's float64 arithmetic).
        expect(relativeDifference(m.read(pP, n), params.values, 1e-2)).toBeLessThan(TOLERANCE);
      });
    }

    it("addInto adds element-wise, including a tail that is not a multiple of 4", () => {
      const a = random(11), b = random(11);
      const m = new TestMemory(build);
      const pA = m.put(a), pB = m.put(b);
      m.kernels.addInto(pA, pB, 11);
      expect(Array.from(m.read(pA, 11))).toEqual(Array.from(Float32Array.from(a, (x, i) => Math.fround(Math.fround(x) + Math.fround(b[i])))));
    });
  });

  describe("wasm firstNonFinite", () => {
    it("finds the first NaN or infinity wherever it is (in a block of 64, in the tail), and −1 when all are finite", () => {
      const n = 64 * 5 + 11;
      const m = new TestMemory(build);
      const values = random(n);
      const p = m.put(values);
      expect(m.kernels.firstNonFinite(p, n)).toBe(-1);
      const view = new Float32Array(m.memory.buffer, p, n);
      for (const [at, bad] of [[0, NaN], [63, Infinity], [64, -Infinity], [200, NaN], [n - 1, NaN], [n - 11, Infinity]] as const) {
        view.set(values);
        view[at] = bad;
        if (at + 5 < n) view[at + 5] = NaN; // a later one must not be the answer
        expect(m.kernels.firstNonFinite(p, n), `${bad} at ${at}`).toBe(at);
      }
      view.set(values);
      view[3] = 3.4e38 * 2; // overflows float32 to infinity when stored
      expect(m.kernels.firstNonFinite(p, n)).toBe(3);
      expect(m.kernels.firstNonFinite(p, 0)).toBe(-1);
    });
  });

  describe("wasm padImages", () => {
    // The kernel has its sizes built in (wasm/assembly/pixels.ts); this holds them to the architecture's.
    it("gives exactly fillBatch's values for every byte value, with the zero border of the architecture's padding", () => {
      const count = 3;
      const images = new Uint8Array(count * PIXELS_PER_IMAGE);
      for (let i = 0; i < images.length; i++) images[i] = (i * 7 + (i >> 8)) % 256; // every value, in every column
      const set = { images, labels: new Uint8Array(count), count, rows: LENET_IMAGE_SIDE, cols: LENET_IMAGE_SIDE };
      const expected = new Float32Array(count * INPUT_VALUES_PER_IMAGE).fill(NaN);
      fillBatch(expected, new Int32Array(count), set, [0, 1, 2], LENET_INPUT_PADDING);
      const m = new TestMemory(build);
      const src = m.alloc(images.length / 4);
      new Uint8Array(m.memory.buffer, src, images.length).set(images);
      const out = m.put(new Float32Array(count * INPUT_VALUES_PER_IMAGE).fill(NaN));
      m.kernels.padImages(out, src, count);
      expect(Array.from(m.read(out, count * INPUT_VALUES_PER_IMAGE))).toEqual(Array.from(expected));
    });
  });
});

describe.skipIf(!TESTED_KERNELS.includes(NATIVE))("native relu and sigmoid", () => {
  // The native kernels compute these two themselves, with wasm's operations in wasm's order: the bits must be the
  // wasm kernels' (a run's numbers must not change with the kernels that compute its activations), everywhere:
  // the far tails, the clamp at −87, ±0, subnormals, NaN and a length that is not a multiple of 16 lanes.
  const edges = [-0, 0, -87, -87.5, -88, -100, 88, 100, 1e-40, -1e-40, 1e-30, -1e-30, 0.5, -0.5, 15.9, -15.9, NaN, -3.4e38, 3.4e38];
  for (const activation of ["relu", "sigmoid"] as const) {
    for (const n of [4704 * 2 + 5, 7]) {
      it(`${activation}: forward and backward give the wasm kernels' bits (n = ${n})`, () => {
        const kind = ACTIVATIONS.indexOf(activation);
        const inp = random(n, -20, 20);
        edges.forEach((value, i) => (inp[(i * 5) % n] = value));
        const dout = random(n), dinp0 = random(n);
        const results = (m: TestMemory) => {
          const pInp = m.put(inp), pOut = m.alloc(n), pDout = m.put(dout), pAcc = m.put(dinp0), pOver = m.put(dinp0);
          m.kernels.activationForward(kind, pOut, pInp, n);
          m.kernels.activationBackward(kind, pAcc, pDout, pInp, pOut, n, 1);
          m.kernels.activationBackward(kind, pOver, pDout, pInp, pOut, n, 0);
          return [m.read(pOut, n), m.read(pAcc, n), m.read(pOver, n)].map((values) => new Uint32Array(values.buffer));
        };
        const native = results(new TestMemory(NATIVE));
        const wasm = results(new TestMemory("relaxed-simd"));
        const plain = results(new TestMemory("simd"));
        ["forward", "backward accumulating", "backward overwriting"].forEach((what, k) => {
          expect(native[k], what).toEqual(wasm[k]);
          expect(plain[k], what).toEqual(wasm[k]);
        });
      });
    }
  }

  it("leaves the other kinds to the wasm kernels, which compute them", () => {
    const n = 37;
    const inp = random(n, -5, 5);
    const results = (m: TestMemory) => {
      const pInp = m.put(inp), pOut = m.alloc(n);
      m.kernels.activationForward(ACTIVATIONS.indexOf("tanh"), pOut, pInp, n);
      return m.read(pOut, n);
    };
    const native = results(new TestMemory(NATIVE));
    expect(native).toEqual(results(new TestMemory("relaxed-simd")));
    expect(native.every((y, k) => Math.abs(y - Math.tanh(inp[k])) < 1e-6)).toBe(true);
  });
});

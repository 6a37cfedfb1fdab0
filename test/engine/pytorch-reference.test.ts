// LeNet-5 against an independent reference: PyTorch 1.13 in float64, on a
// fixed input and fixed weights (test/fixtures/make_pytorch_reference.py made
// test/fixtures/pytorch-reference.json; this test needs no Python). Our engine
// runs in float32, so values agree to float32 precision, not exactly.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ACTIVATIONS, ActivationName } from "../../src/engine/layers/activations.js";
import { LENET_PARAMETERS } from "../../src/engine/architecture.js";
import { LeNet5 } from "../../src/engine/lenet.js";
import { torchName } from "../../src/engine/parameters.js";

interface StridedGrad { stride: number; values: number[]; sum: number; l2: number }
interface ActivationCase {
  loss: number;
  logits: number[];
  probabilities: number[];
  fc2: number[];
  conv1: number[];
  pool1: number[];
  conv2: number[];
  pool2: number[];
  grads: Record<string, number[] | StridedGrad>;
}
const reference = JSON.parse(readFileSync(new URL("../fixtures/pytorch-reference.json", import.meta.url), "utf8")) as {
  paramOrder: string[];
  labels: number[];
  activations: Record<ActivationName, ActivationCase>;
};

const B = 3;

/** The fixture's formula weights and input (see its paramFormula and inputFormula). */
function buildModel(activation: ActivationName): { model: LeNet5; input: Float32Array } {
  const model = new LeNet5({ activation });
  reference.paramOrder.forEach((name, k) => {
    const p = model.params.get(name.replace(".", "/"));
    for (let i = 0; i < p.value.length; i++) p.value[i] = Math.fround(0.15 * Math.sin(0.37 * i + 1.3 * k + 0.2));
  });
  const input = new Float32Array(B * 32 * 32);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < 32; h++) {
      for (let w = 0; w < 32; w++) input[b * 1024 + h * 32 + w] = Math.fround(0.5 + 0.5 * Math.sin(0.11 * (h * 32 + w) + 0.7 * b));
    }
  }
  return { model, input };
}

/** Worst |actual − expected| relative to the largest |expected| of the tensor. */
function scaledError(actual: ArrayLike<number>, expected: ArrayLike<number>, stride = 1): number {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i * stride] - expected[i]));
  return worst / scale;
}

describe("LeNet-5 against PyTorch (float64 reference)", () => {
  it("uses the parameter names, order and shapes of PyTorch's state_dict", () => {
    expect(LENET_PARAMETERS.map((p) => torchName(p.name))).toEqual(reference.paramOrder);
  });

  for (const activation of ACTIVATIONS) {
    describe(activation, () => {
      const expected = reference.activations[activation];
      const { model, input } = buildModel(activation);
      const logits = Array.from(model.forward(input, B));
      const maps = model.featureMaps();
      const { loss } = model.loss(reference.labels);
      model.backward(reference.labels);

      it("forward: every stage, the logits, probabilities and loss", () => {
        for (const stage of ["conv1", "pool1", "conv2", "pool2", "fc2", "probabilities"] as const) {
          expect(scaledError(maps[stage], expected[stage]), stage).toBeLessThan(1e-5);
        }
        expect(scaledError(logits, expected.logits)).toBeLessThan(1e-5);
        expect(loss).toBeCloseTo(expected.loss, 5);
      });

      it("backward: the gradient of every parameter", () => {
        for (const name of reference.paramOrder) {
          const grad = model.params.get(name.replace(".", "/")).grad;
          const g = expected.grads[name];
          if (Array.isArray(g)) {
            expect(grad.length, name).toBe(g.length);
            expect(scaledError(grad, g), name).toBeLessThan(1e-4);
          } else {
            expect(scaledError(grad, g.values, g.stride), name).toBeLessThan(1e-4);
            const l2 = Math.sqrt(grad.reduce((s, v) => s + v * v, 0));
            expect(Math.abs(l2 - g.l2) / g.l2, `${name} L2 norm`).toBeLessThan(1e-4);
          }
        }
      });
    });
  }
});

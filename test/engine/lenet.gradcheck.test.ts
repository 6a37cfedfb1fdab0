// Whole-network gradient check: LeNet5.backward against central differences
// of LeNet5.forward + loss, for the parameter with the largest gradient in
// every tensor. The network runs in float32, so h is large (1e-2) and the
// tolerance loose; the layer checks (float64) and the PyTorch comparison are
// the precise ones. This one proves the layers are wired together correctly.

import { describe, expect, it } from "vitest";
import { LeNet5 } from "../../src/engine/lenet.js";
import { RandomStream } from "../../src/util/random.js";

describe("LeNet-5 whole-network gradient", () => {
  for (const activation of ["tanh", "sigmoid", "relu"] as const) {
    it(`${activation}: backward matches finite differences`, () => {
      const B = 4;
      const model = new LeNet5({ activation, seed: 7, initStd: 0.3 });
      const random = new RandomStream(3, 0);
      const input = Float32Array.from({ length: B * 1024 }, () => random.nextFloat());
      const labels = [1, 4, 7, 9];
      const lossAt = () => { model.forward(input, B); return model.loss(labels).loss; };
      lossAt();
      model.backward(labels);

      for (const p of model.params.list) {
        let best = 0;
        for (let i = 1; i < p.grad.length; i++) if (Math.abs(p.grad[i]) > Math.abs(p.grad[best])) best = i;
        const analytic = p.grad[best];
        const h = 1e-2;
        const saved = p.value[best];
        p.value[best] = saved + h;
        const plus = lossAt();
        p.value[best] = saved - h;
        const minus = lossAt();
        p.value[best] = saved;
        const numeric = (plus - minus) / (2 * h);
        expect(Math.abs(numeric - analytic) / Math.max(Math.abs(analytic), 1e-3), `${p.name}[${best}]`).toBeLessThan(0.03);
      }
    });
  }
});

// Each optimizer's update on a known example, against torch.optim (float64,
// from test/fixtures/pytorch-reference.json): three steps from p0 with three
// fixed gradients.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ParameterSet } from "../../src/engine/parameters.js";
import { OPTIMIZERS, OptimizerName, createOptimizer } from "../../src/optim/optimizers.js";

const reference = JSON.parse(readFileSync(new URL("../fixtures/pytorch-reference.json", import.meta.url), "utf8")).optimizers as {
  p0: number[];
  grads: number[][];
  cases: Record<OptimizerName, { hyperparameters: { lr: number }; steps: number[][] }>;
};

function freshParams(): ParameterSet {
  const params = new ParameterSet([{ name: "p", shape: [5], kind: "weight" }]);
  params.values.set(reference.p0);
  return params;
}

describe("optimizers against torch.optim", () => {
  for (const name of OPTIMIZERS) {
    it(`${name}: three steps match PyTorch`, () => {
      const expected = reference.cases[name];
      const params = freshParams();
      const optimizer = createOptimizer(name, params);
      reference.grads.forEach((g, t) => {
        params.grads.set(g);
        optimizer.step(expected.hyperparameters.lr);
        expected.steps[t].forEach((v, i) => expect(params.values[i]).toBeCloseTo(v, 6));
      });
    });
  }

  it("saving and restoring state continues the same trajectory", () => {
    const straight = freshParams();
    const a = createOptimizer("adam", straight);
    for (const g of reference.grads) { straight.grads.set(g); a.step(0.01); }

    const resumed = freshParams();
    const first = createOptimizer("adam", resumed);
    resumed.grads.set(reference.grads[0]);
    first.step(0.01);
    const state = first.getState();
    const second = createOptimizer("adam", resumed);
    second.setState(state);
    for (const g of reference.grads.slice(1)) { resumed.grads.set(g); second.step(0.01); }
    expect(Array.from(resumed.values)).toEqual(Array.from(straight.values));
  });
});

// The WebAssembly LeNet-5 against the plain TypeScript one on real MNIST
// images: same initial weights, same logits, loss, gradients and feature maps
// (within float32 tolerance), for every activation, on one thread. Both run
// in float32 and sum in different orders, so values that cancel to near 0
// are measured against 1 % of their array's largest value (NETWORK_FLOOR).

import { describe, expect, it } from "vitest";
import { fillBatch } from "../../src/data/batches.js";
import { loadDataset } from "../../src/data/datasets.js";
import { ACTIVATIONS } from "../../src/engine/layers/activations.js";
import { LeNet5 } from "../../src/engine/lenet.js";
import { FeatureMaps } from "../../src/engine/network.js";
import { WasmLeNet5 } from "../../src/engine/wasm/wasm-lenet.js";
import { relativeDifference } from "./wasm-helpers.js";

const mnist = loadDataset();
const NETWORK_FLOOR = 1e-2;

function batch(start: number, B: number) {
  const input = new Float32Array(B * 1024);
  const labels = new Int32Array(B);
  fillBatch(input, labels, mnist.train, Int32Array.from({ length: B }, (_, k) => start + k));
  return { input, labels };
}

describe("WasmLeNet5 on one thread", () => {
  it("starts from exactly the weights LeNet5 starts from for the same seed and initialisation", () => {
    const options = { activation: "relu" as const, seed: 7, initMean: 0.01, initStd: 0.05 };
    const wasm = new WasmLeNet5(options);
    const js = new LeNet5(options);
    expect(Array.from(wasm.params.values)).toEqual(Array.from(js.params.values));
    expect(wasm.params.list.map((p) => [p.name, p.shape])).toEqual(js.params.list.map((p) => [p.name, p.shape]));
    expect(wasm.params.grads.length).toBe(js.params.count);
  });

  for (const activation of ACTIVATIONS) {
    it(`${activation}: logits, loss, gradients and feature maps match LeNet5`, () => {
      const wasm = new WasmLeNet5({ activation, seed: 3 });
      const js = new LeNet5({ activation, seed: 3 });
      const { input, labels } = batch(100, 13);
      const jsLogits = js.forward(input, 13).slice();
      const wasmLogits = wasm.forward(input, 13);
      expect(relativeDifference(wasmLogits, jsLogits, NETWORK_FLOOR)).toBeLessThan(1e-4);
      const jsLoss = js.loss(labels), wasmLoss = wasm.loss(labels);
      expect(wasmLoss.correct).toBe(jsLoss.correct);
      expect(Math.abs(wasmLoss.loss - jsLoss.loss) / jsLoss.loss).toBeLessThan(1e-5);

      const jsMaps = js.featureMaps(), wasmMaps = wasm.featureMaps();
      for (const stage of Object.keys(jsMaps) as (keyof FeatureMaps)[]) {
        expect(wasmMaps[stage].length, stage).toBe(jsMaps[stage].length);
        expect(relativeDifference(wasmMaps[stage], jsMaps[stage], NETWORK_FLOOR), stage).toBeLessThan(1e-4);
      }
      expect(relativeDifference(wasm.fc2Features(), js.fc2Features(), NETWORK_FLOOR)).toBeLessThan(1e-4);

      js.backward(labels);
      wasm.backward(labels);
      for (const p of js.params.list) {
        expect(relativeDifference(wasm.params.get(p.name).grad, p.grad, NETWORK_FLOOR), p.name).toBeLessThan(1e-4);
      }
    });
  }

  it("grows for a larger batch and keeps the parameter views valid", () => {
    const wasm = new WasmLeNet5({ activation: "sigmoid", seed: 1 });
    const values = wasm.params.values;
    const small = batch(0, 3);
    const first = wasm.forward(small.input, 3).slice();
    const large = batch(0, 300);
    const logits = wasm.forward(large.input, 300);
    expect(wasm.layout.capacity).toBeGreaterThanOrEqual(300);
    // The first three images of the large batch are the small batch: the same bits.
    expect(Array.from(logits.subarray(0, 30))).toEqual(Array.from(first));
    expect(wasm.params.values).toBe(values);
    values[0] += 1; // a change through the old view reaches the network
    expect(Array.from(wasm.forward(small.input, 3))).not.toEqual(Array.from(first));
  });

  it("refuses input that is shorter than the batch", () => {
    const wasm = new WasmLeNet5({ activation: "relu" });
    expect(() => wasm.forward(new Float32Array(1024), 2)).toThrow(/a batch of 2 needs 2048/);
  });
});

// The WebAssembly LeNet-5 (on the kernels this process chose: the native ones
// where they are, else the wasm build) against the plain TypeScript one on real MNIST
// images: same initial weights, same logits, loss, gradients and feature maps
// (within float32 tolerance), for every activation, on one thread. Both run
// in float32 and sum in different orders, so values that cancel to near 0
// are measured against 1 % of their array's largest value (NETWORK_FLOOR).

import { describe, expect, it } from "vitest";
import { fillBatch } from "../../src/data/batches.js";
import { loadDataset } from "../../src/data/datasets.js";
import { INPUT_VALUES_PER_IMAGE, LENET, LENET_INPUT_PADDING } from "../../src/engine/architecture.js";
import { ACTIVATIONS } from "../../src/engine/layers/activations.js";
import { LeNet5 } from "../../src/engine/lenet.js";
import { FeatureMaps } from "../../src/engine/network.js";
import { relativeDifference } from "./wasm-helpers.js";
import { oneThreadNetwork } from "../../src/engine/backend.js";

const mnist = loadDataset();
const NETWORK_FLOOR = 1e-2;

function batch(start: number, B: number) {
  const input = new Float32Array(B * INPUT_VALUES_PER_IMAGE);
  const labels = new Int32Array(B);
  fillBatch(input, labels, mnist.train, Int32Array.from({ length: B }, (_, k) => start + k), LENET_INPUT_PADDING);
  return { input, labels };
}

describe("WasmLeNet5 on one thread", () => {
  it("starts from exactly the weights LeNet5 starts from for the same seed and initialisation", () => {
    const options = { activation: "relu" as const, seed: 7, initMean: 0.01, initStd: 0.05 };
    const wasm = oneThreadNetwork(options);
    const js = new LeNet5(options);
    expect(Array.from(wasm.params.values)).toEqual(Array.from(js.params.values));
    expect(wasm.params.list.map((p) => [p.name, p.shape])).toEqual(js.params.list.map((p) => [p.name, p.shape]));
    expect(wasm.params.grads.length).toBe(js.params.count);
  });

  it("starts from zeros when told its weights come next (initialize: false), as LeNet5 does", () => {
    const options = { activation: "relu" as const, seed: 7, initialize: false };
    const wasm = oneThreadNetwork(options);
    const js = new LeNet5(options);
    expect(oneThreadNetwork({ ...options, initialize: true }).params.values.some((v) => v !== 0)).toBe(true);
    expect(wasm.params.values.every((v) => v === 0)).toBe(true);
    expect(js.params.values.every((v) => v === 0)).toBe(true);
  });

  for (const activation of ACTIVATIONS) {
    it(`${activation}: logits, loss, gradients and feature maps match LeNet5`, () => {
      const wasm = oneThreadNetwork({ activation, seed: 3 });
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

  // Forward pools before activating (lenet-passes.ts) and leaves conv1 and
  // conv2 to backward: gradients straight after forward, with no look at
  // the feature maps in between, must match too, and so must the maps after.
  for (const activation of ACTIVATIONS) {
    it(`${activation}: gradients straight after forward, then the feature maps, match LeNet5`, () => {
      const wasm = oneThreadNetwork({ activation, seed: 5 });
      const js = new LeNet5({ activation, seed: 5 });
      const { input, labels } = batch(300, 11);
      js.forward(input, 11);
      wasm.forward(input, 11);
      js.loss(labels);
      wasm.loss(labels);
      js.backward(labels);
      wasm.backward(labels);
      for (const p of js.params.list) {
        expect(relativeDifference(wasm.params.get(p.name).grad, p.grad, NETWORK_FLOOR), p.name).toBeLessThan(1e-4);
      }
      const jsMaps = js.featureMaps(), wasmMaps = wasm.featureMaps();
      for (const stage of ["conv1", "pool1", "conv2", "pool2"] as const) {
        expect(relativeDifference(wasmMaps[stage], jsMaps[stage], NETWORK_FLOOR), stage).toBeLessThan(1e-4);
      }
    });
  }

  it("relu: pooling first gives the bits of pooling the activated maps", () => {
    const wasm = oneThreadNetwork({ activation: "relu", seed: 2 });
    const { input } = batch(0, 5);
    wasm.forward(input, 5);
    const maps = wasm.featureMaps();
    const pool = (map: Float32Array, channels: number, side: number) => {
      const half = side / 2;
      const out = new Float32Array(5 * channels * half * half);
      for (let plane = 0; plane < 5 * channels; plane++) {
        for (let y = 0; y < half; y++) {
          for (let x = 0; x < half; x++) {
            const at = plane * side * side + 2 * y * side + 2 * x;
            out[(plane * half + y) * half + x] = Math.max(map[at], map[at + 1], map[at + side], map[at + side + 1]);
          }
        }
      }
      return out;
    };
    expect(Array.from(maps.pool1)).toEqual(Array.from(pool(maps.conv1, LENET.conv1Channels, LENET.conv1Side)));
    expect(Array.from(maps.pool2)).toEqual(Array.from(pool(maps.conv2, LENET.conv2Channels, LENET.conv2Side)));
  });

  it("grows for a larger batch and keeps the parameter views valid", () => {
    const wasm = oneThreadNetwork({ activation: "sigmoid", seed: 1 });
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
    const wasm = oneThreadNetwork({ activation: "relu" });
    expect(() => wasm.forward(new Float32Array(1024), 2)).toThrow(/a batch of 2 needs 2048/);
  });
});

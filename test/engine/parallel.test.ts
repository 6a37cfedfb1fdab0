// The WebAssembly LeNet-5 on two threads (the main thread and one worker,
// both real) against the same network on one: forward passes, gradients and
// whole training runs give the same bits whatever the thread count. The
// worker runs the compiled dist/ files, which `npm test` builds first.

import { describe, expect, it } from "vitest";
import { fillBatch } from "../../src/data/batches.js";
import { loadDataset } from "../../src/data/datasets.js";
import { INPUT_VALUES_PER_IMAGE, LENET_INPUT_PADDING } from "../../src/engine/architecture.js";
import { splitEvenly } from "../../src/engine/parallel/thread-pool.js";
import { startNodeThreadPool } from "../../src/engine/parallel/node-threads.js";
import { createSharedMemory } from "../../src/engine/wasm/kernels.js";
import { kernelModule } from "../../src/engine/wasm/kernel-files.js";
import { shardSumTree } from "../../src/engine/wasm/lenet-passes.js";
import { gradientShard, gradientShards } from "../../src/engine/wasm/memory-layout.js";
import { updateRanges } from "../../src/engine/wasm/parameter-update.js";
import { WasmLeNet5 } from "../../src/engine/wasm/wasm-lenet.js";
import { defaultThreads, nodeKernelHost, oneThreadNetwork } from "../../src/engine/backend.js";
import { forwardImageSet } from "../../src/train/image-staging.js";
import { LeNet5 } from "../../src/engine/lenet.js";
import { ConfigError, resolveRunConfig } from "../../src/train/config.js";
import { train } from "../../src/train/train.js";

const mnist = loadDataset();

function batch(start: number, B: number) {
  const input = new Float32Array(B * INPUT_VALUES_PER_IMAGE);
  const labels = new Int32Array(B);
  fillBatch(input, labels, mnist.train, Int32Array.from({ length: B }, (_, k) => start + k), LENET_INPUT_PADDING);
  return { input, labels };
}

describe("splitEvenly", () => {
  it("splits images, shards or parameters into contiguous ranges that cover them, sizes at most one apart", () => {
    expect(splitEvenly(64, 2)).toEqual([[0, 32], [32, 64]]);
    expect(splitEvenly(13, 3)).toEqual([[0, 4], [4, 8], [8, 13]]);
    expect(splitEvenly(1, 2)).toEqual([[0, 0], [0, 1]]);
    expect(splitEvenly(4, 1)).toEqual([[0, 4]]);
    expect(splitEvenly(4, 3)).toEqual([[0, 1], [1, 2], [2, 4]]);
    expect(splitEvenly(2, 4)).toEqual([[0, 0], [0, 1], [1, 1], [1, 2]]);
  });
});

describe("gradient shards", () => {
  it("cut a batch into contiguous pieces of at least 16 images, at most 16 of them, that depend on the batch alone", () => {
    expect([1, 31, 32, 64, 100, 256, 5000].map(gradientShards)).toEqual([1, 1, 2, 4, 6, 16, 16]);
    for (const B of [1, 31, 64, 100, 5000]) {
      const pieces = Array.from({ length: gradientShards(B) }, (_, s) => gradientShard(B, s));
      expect(pieces[0][0]).toBe(0);
      expect(pieces[pieces.length - 1][1]).toBe(B);
      pieces.slice(1).forEach(([start], s) => expect(start).toBe(pieces[s][1]));
      if (pieces.length > 1) expect(Math.min(...pieces.map(([a, b]) => b - a))).toBeGreaterThanOrEqual(16);
    }
  });

  it("are summed in a fixed tree of halves, children first", () => {
    expect(shardSumTree(1)).toEqual([]);
    expect(shardSumTree(2)).toEqual([[0, 1, 2]]);
    expect(shardSumTree(3)).toEqual([[1, 2, 3], [0, 1, 3]]);
    expect(shardSumTree(4)).toEqual([[0, 1, 2], [2, 3, 4], [0, 2, 4]]);
  });

  it("an update's parameter ranges cover the list in whole vectors of four", () => {
    for (const [count, threads] of [[61706, 2], [61706, 3], [10, 4], [7, 16]] as const) {
      const ranges = updateRanges(count, threads);
      expect(ranges).toHaveLength(threads);
      expect(ranges[0]![0]).toBe(0);
      expect(ranges.at(-1)![1]).toBe(count);
      ranges.forEach(([a, b], t) => {
        expect(a % 4, `${count}/${threads}`).toBe(0);
        expect(b).toBeGreaterThanOrEqual(a);
        if (t > 0) expect(a).toBe(ranges[t - 1]![1]);
      });
    }
  });
});

describe("--backend and --threads", () => {
  it("default to wasm on every core; js runs on one thread", () => {
    expect(resolveRunConfig({}).backend).toBe("wasm");
    expect(resolveRunConfig({}).threads).toBe(defaultThreads());
    expect(resolveRunConfig({ backend: "js" }).threads).toBe(1);
    expect(resolveRunConfig({ backend: " WASM ", threads: "3" })).toMatchObject({ backend: "wasm", threads: 3 });
  });

  it("refuse what cannot run, naming the way out", () => {
    expect(() => resolveRunConfig({ backend: "gpu" })).toThrow(ConfigError);
    expect(() => resolveRunConfig({ backend: "gpu" })).toThrow(/valid backends: wasm, js/);
    expect(() => resolveRunConfig({ threads: "0" })).toThrow(/--threads must be an integer ≥ 1/);
    expect(() => resolveRunConfig({ threads: "2.5" })).toThrow(ConfigError);
    expect(() => resolveRunConfig({ threads: "1000" })).toThrow(/≤ 30/);
    expect(() => resolveRunConfig({ backend: "js", threads: "2" })).toThrow(/needs --backend wasm/);
  });
});

describe("WasmLeNet5 on two threads", () => {
  it("forward and gradients give the bits of one thread", async () => {
    const one = oneThreadNetwork({ activation: "tanh", seed: 2 });
    const two = await WasmLeNet5.create({ activation: "tanh", seed: 2, threads: 2 }, nodeKernelHost());
    try {
      expect(two.threads).toBe(2);
      const { input, labels } = batch(500, 64);
      expect(Array.from(two.forward(input, 64))).toEqual(Array.from(one.forward(input, 64)));
      expect(Array.from(two.featureMaps().conv2)).toEqual(Array.from(one.featureMaps().conv2));
      expect(two.loss(labels)).toEqual(one.loss(labels));
      one.backward(labels);
      two.backward(labels);
      // Gradient shards depend on the batch alone, so the sums are the same bits on any thread count.
      expect(Array.from(two.params.grads)).toEqual(Array.from(one.params.grads));
      const first = two.params.grads.slice();
      two.forward(input, 64);
      two.loss(labels);
      two.backward(labels);
      expect(Array.from(two.params.grads)).toEqual(Array.from(first));

      // Evaluation-sized batches (the second half goes to the worker) and odd sizes.
      const big = batch(1000, 501);
      expect(Array.from(two.forward(big.input, 501))).toEqual(Array.from(one.forward(big.input, 501)));
    } finally {
      await two.dispose();
    }
    // After dispose the network goes on alone on the main thread.
    const { input } = batch(0, 16);
    expect(two.forward(input, 16).length).toBe(160);
  });

  it("forwardImageSet: pixels scaled by the threads give the bits of fillBatch + forward", async () => {
    const two = await WasmLeNet5.create({ activation: "relu", seed: 4, threads: 2 }, nodeKernelHost());
    const js = new LeNet5({ activation: "relu", seed: 4 });
    try {
      for (const indices of [Int32Array.from({ length: 40 }, (_, k) => 300 + k), Int32Array.from({ length: 37 }, (_, k) => (k * 7919) % 10000)]) {
        const B = indices.length;
        const input = new Float32Array(B * INPUT_VALUES_PER_IMAGE), labels = new Int32Array(B);
        fillBatch(input, labels, mnist.test, indices, LENET_INPUT_PADDING);
        const expected = Array.from(two.forward(input, B));
        const viaPixels = new Int32Array(B);
        expect(Array.from(forwardImageSet(two, mnist.test, indices, B, new Float32Array(0), viaPixels))).toEqual(expected);
        expect(viaPixels).toEqual(labels);
        const mapsViaPixels = Array.from(two.featureMaps().conv1);
        two.forward(input, B);
        expect(mapsViaPixels).toEqual(Array.from(two.featureMaps().conv1));
        // The js backend goes through fillBatch.
        const jsLabels = new Int32Array(B);
        expect(Array.from(forwardImageSet(js, mnist.test, indices, B, new Float32Array(B * INPUT_VALUES_PER_IMAGE), jsLabels))).toEqual(Array.from(js.forward(input, B)));
        expect(jsLabels).toEqual(labels);
      }
    } finally {
      await two.dispose();
    }
  });

  it("runs a command dispatched the moment the workers say they are ready (a race that once hung CI)", async () => {
    // The worker used to read its starting sequence after saying "ready", so a
    // command dispatched at once could be slept through, the main thread then
    // waiting for ever. Nothing here stands between ready and dispatch, and an
    // unknown op makes the command cheap: each worker must run it and report it.
    const module = kernelModule();
    for (let attempt = 0; attempt < 40; attempt++) {
      const pool = await startNodeThreadPool(3, createSharedMemory(1), module);
      try {
        pool.dispatch(99, 0, [[0, 1], [0, 1], [0, 1]]);
        expect(() => pool.join()).toThrow(/worker thread 1 failed: .*unknown op 99/);
      } finally {
        await pool.close();
      }
    }
  });

  it.each([["sigmoid", "sgd"], ["relu", "adamw"]])("training (%s, %s, the update shared by the threads): the same losses and weights, bit for bit, on 1, 2 and 3 threads", async (activation, optimizer) => {
    const run = async (threads: string) => {
      const losses: number[] = [];
      const config = resolveRunConfig({ logdir: "unused", activation, optimizer, iterations: "30", evalEvery: "30", threads });
      const result = await train(config, mnist, { callbacks: { onStep: (s) => losses.push(s.loss) } });
      return { losses, values: result.model.params.values.slice(), accuracy: result.final.testAccuracy };
    };
    const two = await run("2");
    const one = await run("1");
    const three = await run("3");
    for (const other of [one, three]) {
      expect(other.losses).toEqual(two.losses);
      expect(Array.from(other.values)).toEqual(Array.from(two.values));
      expect(other.accuracy).toBe(two.accuracy);
    }
  });
});

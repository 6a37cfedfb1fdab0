// lenet-lab as a library, from its entry point (src/api/index.ts): a run
// trained through the API is `lenet-lab train` with the same config and seed,
// bit for bit; a callback that says "stop" stops there; a schedule sets each
// step's learning rate; fc2 features come out per image; bad options are
// refused before anything runs; importing starts nothing.

import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError, FC2_FEATURES, disposeNetwork, fc2Features, fc2FeaturesOfPixels, loadDataset, loadRun, trainLeNet } from "../../src/api/index.js";
import { lenetLab } from "../cli-process.js";
import { tempDir } from "../idx-files.js";

const data = loadDataset();

describe("trainLeNet", () => {
  it("trains the same weights as `lenet-lab train` with the same config and seed, bit for bit", async () => {
    const logdir = tempDir();
    const cli = lenetLab("train", "--activation", "sigmoid", "--optimizer", "adam", "--iterations", "120", "--eval-every", "40",
      "--seed", "3", "--threads", "1", "--summaries", "minimal", "--logdir", logdir, "--run-name", "cli");
    expect(cli.code, cli.stderr).toBe(0);
    const api = await trainLeNet({ activation: "sigmoid", optimizer: "adam", iterations: 120, evalEvery: 40, seed: 3, threads: 1, data });
    const fromCli = loadRun(join(logdir, "cli")).network.params.values;
    const bytes = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    expect(bytes(api.model.params.values).equals(bytes(fromCli))).toBe(true);
    expect(api.history.map((r) => r.iteration)).toEqual([40, 80, 120]);
    expect(api.config).toMatchObject({ activation: "sigmoid", seed: 3, iterations: 120, lr: 0.01 });
    await disposeNetwork(api.model);
  });

  it("stops where a callback says so, evaluating the test set there, and runs a learning-rate schedule", async () => {
    const rates: number[] = [];
    const result = await trainLeNet({
      iterations: 500, evalEvery: 50, threads: 1, data,
      learningRate: (iteration) => (iteration <= 50 ? 0.01 : 0.001),
      onStep(step) {
        rates.push(step.lr);
        if (step.iteration === 100) return "stop";
      },
    });
    expect(rates).toHaveLength(100);
    expect(rates[49]).toBe(0.01);
    expect(rates[50]).toBe(0.001);
    expect(result.final.iteration).toBe(100);
    expect(result.history.map((r) => r.iteration)).toEqual([50, 100]);
    const stoppedByEval = await trainLeNet({ iterations: 500, evalEvery: 30, threads: 1, data, onEval: (r) => (r.iteration >= 60 ? "stop" : undefined) });
    expect(stoppedByEval.history.map((r) => r.iteration)).toEqual([30, 60]);
    await disposeNetwork(result.model);
    await disposeNetwork(stoppedByEval.model);
  });

  it("refuses a bad option naming the valid values, and a schedule that gives no number", async () => {
    await expect(trainLeNet({ activation: "swish" as never, data })).rejects.toThrow(ConfigError);
    await expect(trainLeNet({ lr: -1, data })).rejects.toThrow(/--lr must be a number > 0, got "-1"/);
    await expect(trainLeNet({ iterations: 5, threads: 1, data, learningRate: () => NaN })).rejects.toThrow(/the learning rate schedule gave NaN for iteration 1/);
  });

  it("gives the 84 fc2 features of data-set images and of your own pixels, the same for the same digit", async () => {
    const { model } = await trainLeNet({ iterations: 30, threads: 1, data });
    const features = fc2Features(model, data.test, [0, 1, 2]);
    expect(FC2_FEATURES).toBe(84);
    expect(features).toHaveLength(3 * 84);
    const pixels = Float32Array.from(data.test.images.subarray(0, 784), (v) => v / 255);
    const own = fc2FeaturesOfPixels(model, pixels);
    expect([...own]).toEqual([...features.subarray(0, 84)]);
    expect(() => fc2FeaturesOfPixels(model, new Float32Array(100))).toThrow(/whole 28×28 images \(784 values each\), got 100 values/);
    await disposeNetwork(model);
  });
});

describe("importing lenet-lab", () => {
  it("starts no thread and sets no V8 flag until something is called", () => {
    const entry = fileURLToPath(new URL("../../dist/src/api/index.js", import.meta.url));
    const relaxedWasm = fileURLToPath(new URL("../../dist/wasm/lenet-kernels-relaxed.wasm", import.meta.url));
    const script = `
      import { readFileSync, readdirSync } from "node:fs";
      const threads = () => readdirSync("/proc/self/task").length;
      const before = threads();
      const api = await import(${JSON.stringify(entry)});
      const after = threads();
      const relaxedValidBeforeUse = WebAssembly.validate(readFileSync(${JSON.stringify(relaxedWasm)}));
      const network = await api.createNetwork({ activation: "relu", threads: 2 });
      const relaxedValidAfterUse = WebAssembly.validate(readFileSync(${JSON.stringify(relaxedWasm)}));
      const withWorkers = threads();
      await api.disposeNetwork(network);
      console.log(JSON.stringify({ before, after, withWorkers, relaxedValidBeforeUse, relaxedValidAfterUse }));`;
    const file = join(tempDir(), "import-check.mjs");
    writeFileSync(file, script);
    const run = spawnSync(process.execPath, [file], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const seen = JSON.parse(run.stdout.trim());
    expect(seen.after).toBe(seen.before);
    expect(seen.withWorkers).toBeGreaterThan(seen.after);
    if (process.versions.node.startsWith("20.")) {
      // Node 20 runs relaxed SIMD only behind a V8 flag, which lenet-lab sets when it first needs the kernels.
      expect(seen.relaxedValidBeforeUse).toBe(false);
      // … unless LENET_LAB_WASM_BUILD=simd asks for the plain kernels, which need no flag.
      expect(seen.relaxedValidAfterUse).toBe(process.env.LENET_LAB_WASM_BUILD !== "simd");
    }
  });
});


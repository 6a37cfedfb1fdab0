// The ONNX export, checked by ONNX Runtime (onnxruntime-node, its CPU build):
// for every activation lenet-lab trains, a run trained for real by the CLI
// and exported by `lenet-lab export` gives, on 1,000 MNIST test images, the
// logits of our own engine within 1e-4 and the same predictions. Also the
// model's declared interface, and bad input to the command.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/datasets.js";
import { ACTIVATIONS } from "../../src/engine/layers/activations.js";
import { ONNX_OPSET } from "../../src/export/onnx-model.js";
import { onnxTypes } from "../../src/io/onnx-schema.js";
import { loadRun } from "../../src/train/load-run.js";
import { lenetLab } from "../cli-process.js";
import { tempDir } from "../idx-files.js";

const IMAGES = 1000;
const SIDE = 28;
const PADDED = 32;

/** The first IMAGES test digits scaled to [0, 1]: [N, 1, 28, 28] for the ONNX model and [N, 1, 32, 32] zero-padded for our engine. */
function testImages() {
  const { test } = loadDataset();
  const plain = new Float32Array(IMAGES * SIDE * SIDE);
  const padded = new Float32Array(IMAGES * PADDED * PADDED);
  for (let n = 0; n < IMAGES; n++) {
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const value = test.images[n * SIDE * SIDE + y * SIDE + x]! / 255;
        plain[n * SIDE * SIDE + y * SIDE + x] = value;
        padded[n * PADDED * PADDED + (y + 2) * PADDED + (x + 2)] = value;
      }
    }
  }
  return { plain, padded, labels: test.labels.subarray(0, IMAGES) };
}

function argmaxes(logits: Float32Array, classes = 10): number[] {
  return Array.from({ length: logits.length / classes }, (_, n) => {
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[n * classes + k]! > logits[n * classes + best]!) best = k;
    return best;
  });
}

let logdir: string;
let images: ReturnType<typeof testImages>;

beforeAll(() => {
  logdir = tempDir();
  images = testImages();
});

describe("lenet-lab export (ONNX), run by ONNX Runtime", () => {
  it.each(ACTIVATIONS)("%s: ONNX Runtime's logits equal our engine's within 1e-4, with the same predictions", async (activation) => {
    // 400 iterations: past sigmoid's first plateau at chance, so that the predictions mean something.
    const train = lenetLab("train", "--activation", activation, "--iterations", "400", "--eval-every", "400", "--summaries", "minimal",
      "--threads", "1", "--logdir", logdir, "--run-name", activation);
    expect(train.code, train.stderr).toBe(0);
    const runDir = join(logdir, activation);
    const exported = lenetLab("export", runDir);
    expect(exported.code, exported.stderr).toBe(0);
    const path = join(runDir, "model.onnx");
    expect(exported.stdout).toContain(`→ ${path}`);

    const session = await ort.InferenceSession.create(path);
    expect(session.inputNames).toEqual(["image"]);
    expect(session.outputNames).toEqual(["logits"]);
    const result = await session.run({ image: new ort.Tensor("float32", images.plain, [IMAGES, 1, SIDE, SIDE]) });
    const theirs = result.logits!.data as Float32Array;
    expect(result.logits!.dims).toEqual([IMAGES, 10]);

    const ours = loadRun(runDir).network.forward(images.padded, IMAGES);
    let largest = 0;
    for (let i = 0; i < theirs.length; i++) largest = Math.max(largest, Math.abs(theirs[i]! - ours[i]!));
    expect(largest).toBeLessThan(1e-4);
    // The same prediction for every image whose two best classes are more than 1e-3 apart (closer ones may tie within float32 rounding).
    const predictedTheirs = argmaxes(theirs);
    const predictedOurs = argmaxes(ours.subarray(0, IMAGES * 10));
    const decided = predictedOurs.map((_, n) => {
      const row = [...ours.subarray(n * 10, n * 10 + 10)].sort((a, b) => b - a);
      return row[0]! - row[1]! > 1e-3;
    });
    expect(decided.filter(Boolean).length).toBeGreaterThan(0.95 * IMAGES);
    expect(predictedTheirs.filter((p, n) => decided[n] && p !== predictedOurs[n])).toEqual([]);
    const accuracy = (predicted: number[]) => predicted.filter((p, n) => p === images.labels[n]).length / IMAGES;
    expect(Math.abs(accuracy(predictedTheirs) - accuracy(predictedOurs))).toBeLessThanOrEqual(0.002);
    expect(accuracy(predictedTheirs)).toBeGreaterThan(0.5);
    await session.release();
  }, 120_000);

  it("declares its opset, its producer and where it came from", () => {
    const runDir = join(logdir, "relu");
    const model = onnxTypes.ModelProto.toObject(onnxTypes.ModelProto.decode(readFileSync(join(runDir, "model.onnx"))), { longs: Number }) as {
      opsetImport: { domain?: string; version: number }[]; producerName: string; producerVersion: string; metadataProps: { key: string; value: string }[];
      graph: { node: { opType: string }[] };
    };
    expect(model.opsetImport).toEqual([{ domain: "", version: ONNX_OPSET }]);
    expect(model.producerName).toBe("lenet-lab");
    expect(model.producerVersion).toBe(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version);
    const metadata = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(metadata).toMatchObject({ activation: "relu", run: "relu", optimizer: "adam", seed: "0", iterations: "400" });
    expect(model.graph.node.map((n) => n.opType)).toEqual(["Pad", "Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten",
      "Gemm", "Relu", "Gemm", "Relu", "Gemm", "Identity"]);
  });

  it("writes --out where asked, and refuses a directory that is not a finished run with exit code 1", () => {
    const out = join(tempDir(), "lenet.onnx");
    expect(lenetLab("export", join(logdir, "tanh"), "--out", out).code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const missing = lenetLab("export", join(logdir, "no-such-run"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no-such-run is not a directory; give the directory of a finished run/);
    const format = lenetLab("export", join(logdir, "tanh"), "--format", "tflite");
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/argument 'tflite' is invalid\. Allowed choices are onnx/);
  });
});

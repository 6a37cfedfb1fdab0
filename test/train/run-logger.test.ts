// What training writes for TensorBoard: a short real run through RunLogger,
// read back with our reader. (TensorBoard's own loader checks a longer run in
// test/conformance.)

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/datasets.js";
import { INPUT_VALUES_PER_IMAGE, describeLayer, describeLayers } from "../../src/engine/architecture.js";
import { LeNet5 } from "../../src/engine/lenet.js";
import { TensorImage } from "../../src/figures/tensor-images.js";
import { readEventFile } from "../../src/tensorboard/reader.js";
import { SummaryWriter } from "../../src/tensorboard/summary-writer.js";
import { resolveRunConfig } from "../../src/train/config.js";
import {
  FEATURE_MAP_PICTURES, RunLogger, WEIGHT_PICTURE_SCALE, deadFraction, featureMapPictures, gradientNorms, weightPictures,
} from "../../src/train/run-logger.js";
import { train } from "../../src/train/train.js";
import { tempDir } from "../idx-files.js";

const mnist = loadDataset();

async function loggedRun(options: Record<string, string>) {
  const runDir = tempDir();
  const config = resolveRunConfig({ iterations: "20", evalEvery: "10", batchSize: "16", scalarEvery: "5", ...options });
  const writer = new SummaryWriter(runDir);
  const logger = new RunLogger(writer, config, mnist);
  logger.start();
  const result = await train(config, mnist, {
    callbacks: {
      onStep: (step, network) => logger.step(step, network),
      onEval: (record, _network, evaluation) => logger.evaluated(record, evaluation.confusion),
    },
  });
  logger.finish(result.model, result.final);
  writer.close();
  const file = readdirSync(runDir).find((name) => name.startsWith("events.out.tfevents"))!;
  const tags = new Map<string, number[]>();
  for (const { event } of readEventFile(join(runDir, file)).events) {
    for (const value of event.summary?.value ?? []) {
      const kind = value.image ? "image" : value.histo ? "histogram" : value.simpleValue !== undefined ? "scalar" : "other";
      const key = `${kind}:${value.tag}`;
      tags.set(key, [...(tags.get(key) ?? []), Number(event.step)]);
    }
  }
  return { runDir, tags, logger, result };
}

describe("RunLogger", () => {
  it("writes the assignment's summaries at the configured intervals (full level)", async () => {
    const { tags, runDir, logger } = await loggedRun({});
    expect(tags.get("scalar:loss/train")).toEqual([5, 10, 15, 20]);
    expect(tags.get("scalar:accuracy/test")).toEqual([10, 20]);
    expect(tags.get("scalar:gradient_norm/conv1")).toEqual([5, 10, 15, 20]);
    expect(tags.get("scalar:dead_fraction/fc1")).toEqual([10, 20]);
    for (const name of ["conv1/weight", "conv1/bias", "fc1/weight", "fc3/bias", "gradients/fc2/weight", "activations/conv2", "logits"]) {
      expect(tags.get(`histogram:${name}`), name).toEqual([10, 20]);
    }
    for (const name of ["kernels/conv1", "kernels/conv2", "weights/fc1", "weights/fc3", "feature_maps/conv1", "feature_maps/conv2"]) {
      expect(tags.get(`image:${name}`), name).toEqual([10, 20]);
    }
    expect(tags.get("image:inputs")).toEqual([0]);
    // Which classes the network gets wrong, at every evaluation.
    expect(tags.get("image:confusion/test")).toEqual([10, 20]);
    for (let d = 0; d < 10; d++) expect(tags.get(`scalar:accuracy_per_class/${d}`), `accuracy_per_class/${d}`).toEqual([10, 20]);
    expect(readdirSync(runDir)).toContain("projector_config.pbtxt");
    expect(logger.seconds).toBeGreaterThan(0);
  });

  it("writes saturation instead of dead units for sigmoid, and only scalars at the minimal level", async () => {
    const sigmoid = await loggedRun({ activation: "sigmoid" });
    expect(sigmoid.tags.get("scalar:saturated_fraction/conv1")).toEqual([10, 20]);
    expect(sigmoid.tags.has("scalar:dead_fraction/conv1")).toBe(false);

    const minimal = await loggedRun({ summaries: "minimal" });
    const kinds = new Set([...minimal.tags.keys()].map((key) => key.split(":")[0]));
    expect(kinds).toEqual(new Set(["scalar", "other"])); // "other": the config text and hparams
    expect(readdirSync(minimal.runDir)).not.toContain("projector_config.pbtxt");
  });
});

describe("diagnostics", () => {
  it("gradient norms are the L2 norm of each layer's weight and bias gradients", () => {
    const network = new LeNet5({ activation: "relu" });
    network.params.get("conv1/weight").grad[3] = 3;
    network.params.get("conv1/bias").grad[0] = 4;
    network.params.get("fc3/weight").grad[0] = -2;
    const norms = gradientNorms(network);
    expect([...norms.keys()]).toEqual(["conv1", "conv2", "fc1", "fc2", "fc3"]);
    expect(norms.get("conv1")).toBe(5);
    expect(norms.get("conv2")).toBe(0);
    expect(norms.get("fc3")).toBe(2);
  });

  it("a unit is dead when it is ≤ 0 for every image of the batch", () => {
    // 3 images × 4 units: unit 0 fires once, unit 1 never (0), unit 2 never (negative), unit 3 always.
    const values = Float32Array.from([0, 0, -1, 2, 0.5, 0, -3, 1, 0, 0, -1, 4]);
    expect(deadFraction(values, 3)).toBe(0.5);
  });
});

/**
 * The tiles of a tiled picture, found by its gap pixels (palette index 255,
 * which no value takes): how many across its top row and down its left
 * column, and the first tile's size in pixels.
 */
function tiles(image: TensorImage): { across: number; down: number; tileWidth: number; tileHeight: number } {
  const isGap = (x: number, y: number) => image.pixels[y * image.width + x] === 255;
  const runs = (length: number, gapAt: (i: number) => boolean) => {
    const lengths: number[] = [];
    for (let i = 0; i < length; i++) {
      if (gapAt(i)) continue;
      if (i === 0 || gapAt(i - 1)) lengths.push(0);
      lengths[lengths.length - 1]++;
    }
    return lengths;
  };
  const across = runs(image.width, (x) => isGap(x, 0));
  const down = runs(image.height, (y) => isGap(0, y));
  return { across: across.length, down: down.length, tileWidth: across[0], tileHeight: down[0] };
}

describe("the pictures, sized by the architecture", () => {
  const network = new LeNet5({ activation: "relu", seed: 3 });

  it("draw one kernel grid per conv layer and one matrix per dense layer, shaped as the layer's weight", () => {
    const pictures = new Map(weightPictures(network.params));
    const expectedTags: string[] = [];
    for (const { spec, parameters } of describeLayers()) {
      if (spec.kind !== "conv2d" && spec.kind !== "dense") continue;
      const scale = WEIGHT_PICTURE_SCALE[spec.name];
      const shape = parameters.find((p) => p.kind === "weight")!.shape;
      if (spec.kind === "conv2d") {
        const [outChannels, inChannels, kernel] = shape;
        const image = pictures.get(`kernels/${spec.name}`)!;
        expectedTags.push(`kernels/${spec.name}`);
        // One input channel: one row of kernels; otherwise a row per output channel, a column per input channel.
        expect(tiles(image), spec.name).toEqual(inChannels === 1
          ? { across: outChannels, down: 1, tileWidth: kernel * scale, tileHeight: kernel * scale }
          : { across: inChannels, down: outChannels, tileWidth: kernel * scale, tileHeight: kernel * scale });
      } else {
        const [outputs, inputs] = shape;
        const image = pictures.get(`weights/${spec.name}`)!;
        expectedTags.push(`weights/${spec.name}`);
        expect([image.width, image.height], spec.name).toEqual([outputs * scale, inputs * scale]);
      }
    }
    expect([...pictures.keys()]).toEqual(expectedTags);
    expect(expectedTags).toEqual(["kernels/conv1", "kernels/conv2", "weights/fc1", "weights/fc2", "weights/fc3"]);
  });

  it("draw the feature maps of the first image with the layer's output shape", () => {
    // `columns` tiles a row (cells past the last map are filled, not left out), as many rows as the maps need.
    network.forward(new Float32Array(2 * INPUT_VALUES_PER_IMAGE).map((_, i) => (i % 37) / 37), 2);
    const pictures = new Map(featureMapPictures(network.featureMaps()));
    expect([...pictures.keys()]).toEqual(["feature_maps/conv1", "feature_maps/conv2"]);
    for (const [layer, { columns, scale }] of Object.entries(FEATURE_MAP_PICTURES)) {
      const [channels, height, width] = describeLayer(layer).outputShape;
      expect(tiles(pictures.get(`feature_maps/${layer}`)!), layer).toEqual({
        across: columns, down: Math.ceil(channels / columns), tileWidth: width * scale, tileHeight: height * scale,
      });
    }
  });
});

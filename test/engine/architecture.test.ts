// The architecture (src/engine/architecture.ts) is the one place LeNet-5's
// sizes are written. These tests hold everything that uses them to it: the
// TypeScript and wasm networks' stages and parameters, the wasm memory
// layout, the stage sizes (LENET), the input and the model summary. (The run
// logger's pictures: test/train/run-logger.test.ts; the wasm kernels' built-in
// padding: test/engine/wasm-kernels.test.ts.)

import { describe, expect, it } from "vitest";
import {
  INPUT_VALUES_PER_IMAGE, LENET, LENET_IMAGE_SIDE, LENET_INPUT_PADDING, LENET_INPUT_SHAPE, LENET_LAYERS, LENET_PARAMETERS,
  PIXELS_PER_IMAGE, describeLayer, describeLayers,
} from "../../src/engine/architecture.js";
import { LeNet5 } from "../../src/engine/lenet.js";
import { formatModelSummary, summarizeModel } from "../../src/engine/model-summary.js";
import { product } from "../../src/engine/parameters.js";
import { BatchBuffer, IMAGE_SIZES, parameterOffset } from "../../src/engine/wasm/memory-layout.js";
import { WasmLeNet5 } from "../../src/engine/wasm/wasm-lenet.js";
import { kernelModule } from "../../src/engine/wasm/kernel-files.js";

/** The architecture's parameters as [name, shape] pairs, layer by layer. */
const describedParameters = () => describeLayers().flatMap((l) => l.parameters.map((p) => [p.name, p.shape]));

describe("the architecture description", () => {
  it("matches the shapes the engine actually produces, stage by stage", () => {
    const B = 2;
    const network = new LeNet5({ activation: "relu" });
    network.forward(new Float32Array(B * INPUT_VALUES_PER_IMAGE).fill(0.5), B);
    const maps = network.featureMaps();
    const described = new Map(describeLayers().map((l) => [l.spec.name, l.outputShape]));
    const size = (shape: number[]) => B * shape.reduce((a, b) => a * b, 1);
    for (const stage of ["conv1", "pool1", "conv2", "pool2", "fc1", "fc2"] as const) {
      expect(maps[stage].length, stage).toBe(size(described.get(stage)!));
    }
    expect(maps.logits.length).toBe(size(described.get("fc3")!));
    expect(network.params.list.map((p) => [p.name, p.shape])).toEqual(describedParameters());
  });

  it("counts 61,706 parameters, layer by layer", () => {
    // By hand: conv1 6·1·5·5 + 6 = 156; conv2 16·6·5·5 + 16 = 2,416; fc1 120·400 + 120 = 48,120;
    // fc2 84·120 + 84 = 10,164; fc3 10·84 + 10 = 850; total 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706.
    const summary = summarizeModel("relu");
    expect(summary.rows.map((r) => [r.layer, r.outputShape, r.parameters])).toEqual([
      ["input", "?×1×32×32", 0], ["conv1", "?×6×28×28", 156], ["pool1", "?×6×14×14", 0],
      ["conv2", "?×16×10×10", 2416], ["pool2", "?×16×5×5", 0], ["flatten", "?×400", 0],
      ["fc1", "?×120", 48120], ["fc2", "?×84", 10164], ["fc3", "?×10", 850],
    ]);
    expect(summary.totalParameters).toBe(61706);
    expect(new LeNet5({ activation: "relu" }).params.count).toBe(61706);
    expect(formatModelSummary(summary)).toMatch(/Total parameters: 61,706/);
  });

  it("names the activation in the summary", () => {
    expect(summarizeModel("sigmoid").rows.find((r) => r.layer === "fc2")!.type).toBe("Dense + sigmoid");
    expect(summarizeModel("sigmoid").rows.find((r) => r.layer === "fc3")!.type).toBe("Dense");
    expect(LENET_LAYERS.length).toBe(8);
  });
});

describe("everything sized by the architecture", () => {
  const outputSize = (layer: string) => product(describeLayer(layer).outputShape);

  it("gives one parameter list, which both networks and the summary use", () => {
    expect(LENET_PARAMETERS.map((p) => [p.name, p.shape])).toEqual(describedParameters());
    expect(new LeNet5({ activation: "relu" }).params.list.map((p) => [p.name, p.shape])).toEqual(describedParameters());
    expect(new WasmLeNet5({ activation: "relu" }, kernelModule()).params.list.map((p) => [p.name, p.shape])).toEqual(describedParameters());
    const total = LENET_PARAMETERS.reduce((sum, p) => sum + product(p.shape), 0);
    expect(summarizeModel("relu").totalParameters).toBe(total);
  });

  it("describes every layer in the summary with the architecture's output shape", () => {
    const rows = summarizeModel("tanh").rows;
    expect(rows[0]).toMatchObject({ layer: "input", outputShape: ["?", ...LENET_INPUT_SHAPE].join("×") });
    expect(rows.slice(1).map((r) => [r.layer, r.outputShape, r.parameters])).toEqual(describeLayers().map((l) =>
      [l.spec.name, ["?", ...l.outputShape].join("×"), l.parameters.reduce((sum, p) => sum + product(p.shape), 0)]));
  });

  it("lays out the wasm parameter blocks by the architecture's parameter names and sizes", () => {
    const network = new WasmLeNet5({ activation: "relu" }, kernelModule());
    const { layout } = network;
    expect(layout.paramCount).toBe(network.params.count);
    expect(layout.paramCount).toBe(LENET_PARAMETERS.reduce((sum, p) => sum + product(p.shape), 0));
    // The kernels find a parameter at parameterOffset(name); ParameterSet, which
    // optimizers and checkpoints walk, must see the same values there.
    for (const p of network.params.list) {
      expect(p.value.byteOffset, p.name).toBe(layout.params + parameterOffset(p.name));
      expect(p.grad.byteOffset, p.name).toBe(layout.grads + parameterOffset(p.name));
      expect(p.value.length, p.name).toBe(product(p.shape));
    }
    expect(() => parameterOffset("conv3/weight")).toThrow(/no parameter "conv3\/weight"; the architecture's are conv1\/weight, conv1\/bias/);
  });

  it("sizes every wasm batch buffer as the architecture sizes its stage", () => {
    const stageOf: Record<Exclude<BatchBuffer, "pixels" | "input">, string> = {
      conv1Pre: "conv1", conv1: "conv1", dconv1: "conv1", pool1: "pool1", dpool1: "pool1",
      conv2Pre: "conv2", conv2: "conv2", dconv2: "conv2", pool2: "pool2", dpool2: "pool2",
      fc1Pre: "fc1", fc1: "fc1", dfc1: "fc1", fc2Pre: "fc2", fc2: "fc2", dfc2: "fc2",
      logits: "fc3", probabilities: "fc3", dlogits: "fc3",
    };
    expect(Object.keys(IMAGE_SIZES).sort()).toEqual(["input", "pixels", ...Object.keys(stageOf)].sort());
    for (const [buffer, stage] of Object.entries(stageOf)) {
      expect(IMAGE_SIZES[buffer as BatchBuffer], buffer).toBe(outputSize(stage));
    }
    expect(IMAGE_SIZES.input).toBe(product(LENET_INPUT_SHAPE));
    expect(IMAGE_SIZES.pixels * 4).toBeGreaterThanOrEqual(PIXELS_PER_IMAGE);
    expect(IMAGE_SIZES.pixels * 4).toBeLessThan(PIXELS_PER_IMAGE + 4);
  });

  it("reads LENET's stage sizes off the layers", () => {
    const square = (channels: number, side: number) => [channels, side, side];
    expect(square(LENET.inputChannels, LENET.inputSide)).toEqual(LENET_INPUT_SHAPE);
    expect(square(LENET.conv1Channels, LENET.conv1Side)).toEqual(describeLayer("conv1").outputShape);
    expect(square(LENET.conv1Channels, LENET.pool1Side)).toEqual(describeLayer("pool1").outputShape);
    expect(square(LENET.conv2Channels, LENET.conv2Side)).toEqual(describeLayer("conv2").outputShape);
    expect(square(LENET.conv2Channels, LENET.pool2Side)).toEqual(describeLayer("pool2").outputShape);
    expect([LENET.flat, LENET.fc1, LENET.fc2, LENET.classes]).toEqual(
      ["flatten", "fc1", "fc2", "fc3"].map((name) => describeLayer(name).outputShape[0]));
    expect(describeLayer("conv1").parameters[0].shape.slice(2)).toEqual([LENET.kernel, LENET.kernel]);
    expect(describeLayer("conv2").parameters[0].shape.slice(2)).toEqual([LENET.kernel, LENET.kernel]);
    expect(() => describeLayer("conv3")).toThrow(/no layer "conv3" \(LENET_LAYERS has conv1, pool1/);
  });

  it("takes the input as the classic assignment does: a 28×28 digit zero-padded by 2 to 32×32", () => {
    expect(LENET_INPUT_SHAPE).toEqual([1, LENET_IMAGE_SIDE + 2 * LENET_INPUT_PADDING, LENET_IMAGE_SIDE + 2 * LENET_INPUT_PADDING]);
    expect(INPUT_VALUES_PER_IMAGE).toBe(product(LENET_INPUT_SHAPE));
    expect(PIXELS_PER_IMAGE).toBe(LENET_IMAGE_SIDE * LENET_IMAGE_SIDE);
    expect([LENET_IMAGE_SIDE, LENET_INPUT_PADDING, INPUT_VALUES_PER_IMAGE, PIXELS_PER_IMAGE]).toEqual([28, 2, 1024, 784]);
  });
});

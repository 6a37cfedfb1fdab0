import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeGraphDef } from "../../src/tensorboard/messages.js";
import { buildModelGraph } from "../../src/tensorboard/model-graph.js";
import { readEventFile } from "../../src/tensorboard/reader.js";
import { SummaryWriter } from "../../src/tensorboard/summary-writer.js";
import { tempDir } from "./helpers.js";

/** The graph as written to an event file and read back by our reader. */
function roundTrip(activation: "relu" | "sigmoid") {
  const dir = tempDir();
  const writer = new SummaryWriter(dir);
  writer.addGraph(buildModelGraph(activation));
  writer.close();
  const file = readdirSync(dir).find((f) => f.startsWith("events.out.tfevents"))!;
  const graphEvents = readEventFile(join(dir, file)).events.filter(({ event }) => event.graphDef);
  expect(graphEvents).toHaveLength(1);
  return decodeGraphDef(graphEvents[0].event.graphDef!).node!;
}

describe("the model graph", () => {
  it("round-trips with the network's ops, scopes and edges", () => {
    const nodes = roundTrip("relu");
    const byName = new Map(nodes.map((n) => [n.name, n]));
    expect(nodes.map((n) => n.name)).toEqual([
      "input", "labels",
      "conv1/weight", "conv1/bias", "conv1/Conv2D", "conv1/BiasAdd", "conv1/Relu", "pool1/MaxPool",
      "conv2/weight", "conv2/bias", "conv2/Conv2D", "conv2/BiasAdd", "conv2/Relu", "pool2/MaxPool",
      "flatten/shape", "flatten/Reshape",
      "fc1/weight", "fc1/bias", "fc1/MatMul", "fc1/BiasAdd", "fc1/Relu",
      "fc2/weight", "fc2/bias", "fc2/MatMul", "fc2/BiasAdd", "fc2/Relu",
      "fc3/weight", "fc3/bias", "fc3/MatMul", "fc3/BiasAdd",
      "loss/SoftmaxCrossEntropyWithLogits", "loss/Mean", "accuracy/ArgMax", "accuracy/Equal", "accuracy/Cast", "accuracy/Mean",
    ]);
    // Edges: each op takes the previous stage and its layer's variables.
    expect(byName.get("conv1/Conv2D")!.input).toEqual(["input", "conv1/weight"]);
    expect(byName.get("conv2/Conv2D")!.input).toEqual(["pool1/MaxPool", "conv2/weight"]);
    expect(byName.get("flatten/Reshape")!.input).toEqual(["pool2/MaxPool", "flatten/shape"]);
    expect(byName.get("fc1/MatMul")!.input).toEqual(["flatten/Reshape", "fc1/weight"]);
    expect(byName.get("fc3/BiasAdd")!.input).toEqual(["fc3/MatMul", "fc3/bias"]);
    expect(byName.get("loss/SoftmaxCrossEntropyWithLogits")!.input).toEqual(["fc3/BiasAdd", "labels"]);
    // Every input names a node of the graph.
    for (const node of nodes) for (const input of node.input ?? []) expect(byName.has(input), `${node.name} ← ${input}`).toBe(true);
    // Shapes on the edges: conv1's output is ?×6×28×28.
    const shape = (byName.get("conv1/Relu")!.attr as Record<string, { list: { shape: { dim: { size: number }[] }[] } }>)._output_shapes;
    expect(shape.list.shape[0].dim.map((d) => Number(d.size))).toEqual([-1, 6, 28, 28]);
  });

  it("switching relu → sigmoid changes exactly the activation nodes (and the edges out of them)", () => {
    const relu = roundTrip("relu");
    const sigmoid = roundTrip("sigmoid");
    expect(sigmoid).toHaveLength(relu.length);
    // Rename the activation in edges, so that consumers compare equal when only their input's name differs.
    const normalise = (node: object) => JSON.stringify(node).replace(/\/(Relu|Sigmoid)"/g, '/ACTIVATION"');
    const changed = relu.flatMap((node, i) => (JSON.stringify(node) === JSON.stringify(sigmoid[i]) ? [] : [[node.name, sigmoid[i].name]]));
    const changedBeyondEdges = relu.flatMap((node, i) => {
      const { input: _a, ...reluRest } = node;
      const { input: _b, ...sigmoidRest } = sigmoid[i];
      return JSON.stringify(reluRest) === JSON.stringify(sigmoidRest) ? [] : [[node.name, sigmoid[i].name]];
    });
    expect(changedBeyondEdges).toEqual(["conv1", "conv2", "fc1", "fc2"].map((layer) => [`${layer}/Relu`, `${layer}/Sigmoid`]));
    expect(changed.map(([name]) => name)).toEqual(
      ["conv1/Relu", "pool1/MaxPool", "conv2/Relu", "pool2/MaxPool", "fc1/Relu", "fc2/MatMul", "fc2/Relu", "fc3/MatMul"]);
    expect(relu.map(normalise)).toEqual(sigmoid.map(normalise).map((n) => n.replace(/"op":"Sigmoid"/g, '"op":"Relu"')));
    expect(sigmoid.find((n) => n.name === "pool1/MaxPool")!.input).toEqual(["conv1/Sigmoid"]);
  });
});

// The network's graph for TensorBoard's Graphs tab, as a GraphDef built from
// the architecture (src/engine/architecture.ts) and the activation: an input
// placeholder, then per layer its ops (Conv2D / MatMul, BiasAdd, the
// activation, MaxPool, Reshape) with the layer's weight and bias variables as
// inputs, then the loss and the accuracy. Every node sits in the name scope of
// its layer ("conv1/Conv2D") so TensorBoard collapses each layer into a box,
// and carries `_output_shapes` so edges show tensor shapes (batch as ?).
// Pure: no I/O; SummaryWriter.addGraph writes it.

import { LENET_INPUT_SHAPE, LENET_LAYERS, LayerSpec, describeLayers } from "../engine/architecture.js";
import type { ActivationName } from "../engine/layers/activations.js";
import type { NodeDef } from "./messages.js";

/** TensorFlow's DataType enum values used here. */
const DT_FLOAT = 1;
const DT_INT32 = 3;
const DT_INT64 = 9;
const DT_BOOL = 10;

/** The TensorFlow op each activation corresponds to. */
export const ACTIVATION_OPS: Record<ActivationName, string> = {
  relu: "Relu",
  sigmoid: "Sigmoid",
  tanh: "Tanh",
  "leaky-relu": "LeakyRelu",
  elu: "Elu",
  gelu: "Gelu",
};

export interface ModelGraph {
  node: NodeDef[];
  versions: { producer: number };
}

/** A TensorShapeProto with the batch dimension unknown (-1, shown as ?). */
function batchShape(shape: readonly number[]): object {
  return { dim: [{ size: -1 }, ...shape.map((size) => ({ size }))] };
}

function fixedShape(shape: readonly number[]): object {
  return { dim: shape.map((size) => ({ size })) };
}

function outputShapes(...shapes: object[]): object {
  return { list: { shape: shapes } };
}

const bytes = (text: string) => new TextEncoder().encode(text);

/** The GraphDef of LeNet-5 (or another sequence of layers) with `activation` at its activated layers. */
export function buildModelGraph(activation: ActivationName, layers: readonly LayerSpec[] = LENET_LAYERS): ModelGraph {
  const nodes: NodeDef[] = [];
  const add = (node: NodeDef) => {
    nodes.push(node);
    return node.name;
  };
  const floatOp = (name: string, op: string, input: string[], shape: readonly number[], extra: Record<string, object> = {}) =>
    add({ name, op, input, attr: { T: { type: DT_FLOAT }, _output_shapes: outputShapes(batchShape(shape)), ...extra } });
  const variable = (name: string, shape: readonly number[]) =>
    add({ name, op: "VariableV2", attr: { dtype: { type: DT_FLOAT }, shape: { shape: fixedShape(shape) }, _output_shapes: outputShapes(fixedShape(shape)) } });

  let current = add({
    name: "input",
    op: "Placeholder",
    attr: { dtype: { type: DT_FLOAT }, shape: { shape: batchShape(LENET_INPUT_SHAPE) }, _output_shapes: outputShapes(batchShape(LENET_INPUT_SHAPE)) },
  });
  const labels = add({
    name: "labels",
    op: "Placeholder",
    attr: { dtype: { type: DT_INT64 }, shape: { shape: batchShape([]) }, _output_shapes: outputShapes(batchShape([])) },
  });

  for (const layer of describeLayers(layers)) {
    const { spec, outputShape } = layer;
    const scope = spec.name;
    switch (spec.kind) {
      case "conv2d":
      case "dense": {
        const [weight, bias] = layer.parameters.map((p) => variable(p.name, p.shape));
        current = spec.kind === "conv2d"
          ? floatOp(`${scope}/Conv2D`, "Conv2D", [current, weight], outputShape, {
            strides: { list: { i: [1, 1, 1, 1] } },
            padding: { s: bytes("VALID") },
            data_format: { s: bytes("NCHW") },
          })
          : floatOp(`${scope}/MatMul`, "MatMul", [current, weight], outputShape, { transpose_b: { b: true } });
        current = floatOp(`${scope}/BiasAdd`, "BiasAdd", [current, bias], outputShape,
          spec.kind === "conv2d" ? { data_format: { s: bytes("NCHW") } } : {});
        if (spec.activated) current = floatOp(`${scope}/${ACTIVATION_OPS[activation]}`, ACTIVATION_OPS[activation], [current], outputShape);
        break;
      }
      case "maxpool":
        current = floatOp(`${scope}/MaxPool`, "MaxPool", [current], outputShape, {
          ksize: { list: { i: [1, 1, spec.size, spec.size] } },
          strides: { list: { i: [1, 1, spec.size, spec.size] } },
          padding: { s: bytes("VALID") },
          data_format: { s: bytes("NCHW") },
        });
        break;
      case "flatten": {
        const target = add({
          name: `${scope}/shape`,
          op: "Const",
          attr: {
            dtype: { type: DT_INT32 },
            value: { tensor: { dtype: DT_INT32, tensorShape: fixedShape([2]), intVal: [-1, outputShape[0]] } },
            _output_shapes: outputShapes(fixedShape([2])),
          },
        });
        current = floatOp(`${scope}/Reshape`, "Reshape", [current, target], outputShape, { Tshape: { type: DT_INT32 } });
        break;
      }
    }
  }

  const logits = current;
  const perImage = floatOp("loss/SoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits", [logits, labels], [],
    { Tlabels: { type: DT_INT64 } });
  floatOp("loss/Mean", "Mean", [perImage], [], { _output_shapes: outputShapes(fixedShape([])) });
  const predicted = add({
    name: "accuracy/ArgMax", op: "ArgMax", input: [logits],
    attr: { T: { type: DT_FLOAT }, output_type: { type: DT_INT64 }, _output_shapes: outputShapes(batchShape([])) },
  });
  const equal = add({
    name: "accuracy/Equal", op: "Equal", input: [predicted, labels],
    attr: { T: { type: DT_INT64 }, _output_shapes: outputShapes(batchShape([])) },
  });
  const asFloat = add({
    name: "accuracy/Cast", op: "Cast", input: [equal],
    attr: { SrcT: { type: DT_BOOL }, DstT: { type: DT_FLOAT }, _output_shapes: outputShapes(batchShape([])) },
  });
  floatOp("accuracy/Mean", "Mean", [asFloat], [], { _output_shapes: outputShapes(fixedShape([])) });

  return { node: nodes, versions: { producer: 22 } };
}

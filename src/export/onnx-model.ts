// A trained LeNet-5 as an ONNX model, from the one description of the
// network (src/engine/architecture.ts) and its parameters: standard ONNX
// operators only, opset 17, so that ONNX Runtime (servers, browsers, phones)
// and every other ONNX tool run it.
//
//   input  "image"   float32 [N, 1, 28, 28], pixels scaled to [0, 1] (as lenet-lab scales them)
//   Pad    zeros, 2 on every side → [N, 1, 32, 32]            (the padding is part of the model)
//   conv   Conv (VALID, stride 1) + the activation
//   pool   MaxPool 2×2, stride 2
//   flatten Flatten (axis 1): C, H, W order, as fc1's 400 inputs are
//   dense  Gemm (transB: weights are [out, in], as PyTorch stores them) + the activation
//   output "logits"  float32 [N, 10]
//
// Activations: relu → Relu, sigmoid → Sigmoid, tanh → Tanh, leaky-relu →
// LeakyRelu (α 0.01), elu → Elu (α 1), gelu → its exact erf form,
// 0.5·x·(1 + Erf(x/√2)), from Mul, Div, Erf and Add (opset 17 has no Gelu).
// Not here: the protobuf schema (src/io/onnx-schema.ts), runs and files (export-run.ts).

import { LENET_IMAGE_SIDE, LENET_INPUT_PADDING, LENET_LAYERS, describeLayers } from "../engine/architecture.js";
import type { ActivationName } from "../engine/layers/activations.js";
import type { ParameterSet } from "../engine/parameters.js";
import {
  ATTRIBUTE_FLOAT, ATTRIBUTE_INT, ATTRIBUTE_INTS, ATTRIBUTE_STRING, ONNX_FLOAT, ONNX_INT64, onnxTypes,
} from "../io/onnx-schema.js";

/** The ONNX operator set the model is written for. */
export const ONNX_OPSET = 17;
/** ONNX IR version 8 goes with opsets up to 18. */
const IR_VERSION = 8;

export const ONNX_INPUT = "image";
export const ONNX_OUTPUT = "logits";

type Attribute = { name: string; type: number; i?: number; f?: number; s?: Uint8Array; ints?: number[] };
interface Node { opType: string; input: string[]; output: string[]; name: string; attribute: Attribute[] }
interface Tensor { name: string; dims: number[]; dataType: number; rawData: Uint8Array }

const ints = (name: string, values: number[]): Attribute => ({ name, type: ATTRIBUTE_INTS, ints: values });
const int = (name: string, value: number): Attribute => ({ name, type: ATTRIBUTE_INT, i: value });
const float = (name: string, value: number): Attribute => ({ name, type: ATTRIBUTE_FLOAT, f: value });
const string = (name: string, value: string): Attribute => ({ name, type: ATTRIBUTE_STRING, s: new TextEncoder().encode(value) });

function floatTensor(name: string, dims: number[], values: Float32Array): Tensor {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return { name, dims, dataType: ONNX_FLOAT, rawData: bytes };
}

function int64Tensor(name: string, values: number[]): Tensor {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims: [values.length], dataType: ONNX_INT64, rawData: bytes };
}

/** The nodes that apply `activation` to `input`, writing `output`; constants they need go to `constants`. */
function activationNodes(activation: ActivationName, input: string, output: string, constants: Tensor[]): Node[] {
  const node = (opType: string, inputs: string[], outputs: string[], attribute: Attribute[] = []): Node =>
    ({ opType, input: inputs, output: outputs, name: outputs[0]!, attribute });
  switch (activation) {
    case "relu": return [node("Relu", [input], [output])];
    case "sigmoid": return [node("Sigmoid", [input], [output])];
    case "tanh": return [node("Tanh", [input], [output])];
    case "leaky-relu": return [node("LeakyRelu", [input], [output], [float("alpha", 0.01)])];
    case "elu": return [node("Elu", [input], [output], [float("alpha", 1)])];
    case "gelu": {
      if (!constants.some((c) => c.name === "gelu/sqrt2")) {
        constants.push(floatTensor("gelu/sqrt2", [], Float32Array.of(Math.SQRT2)), floatTensor("gelu/one", [], Float32Array.of(1)),
          floatTensor("gelu/half", [], Float32Array.of(0.5)));
      }
      return [
        node("Div", [input, "gelu/sqrt2"], [`${output}/scaled`]),
        node("Erf", [`${output}/scaled`], [`${output}/erf`]),
        node("Add", [`${output}/erf`, "gelu/one"], [`${output}/one_plus_erf`]),
        node("Mul", [input, `${output}/one_plus_erf`], [`${output}/x_times`]),
        node("Mul", [`${output}/x_times`, "gelu/half"], [output]),
      ];
    }
  }
}

/** The model's metadata: what it is, where it came from. */
export interface OnnxModelInfo {
  activation: ActivationName;
  /** Free text key–value pairs kept in the model (e.g. the run name, test accuracy). */
  metadata?: Record<string, string>;
  producerVersion?: string;
}

/** The serialized ONNX ModelProto of LeNet-5 with these parameters. */
export function encodeLeNetOnnx(params: ParameterSet, info: OnnxModelInfo): Uint8Array {
  const nodes: Node[] = [];
  const initializers: Tensor[] = [];
  const pad = LENET_INPUT_PADDING;
  initializers.push(int64Tensor("pads", [0, 0, pad, pad, 0, 0, pad, pad]));
  nodes.push({ opType: "Pad", input: [ONNX_INPUT, "pads"], output: ["padded"], name: "pad", attribute: [string("mode", "constant")] });
  let current = "padded";
  for (const layer of describeLayers(LENET_LAYERS)) {
    const spec = layer.spec;
    const out = spec.name;
    for (const p of layer.parameters) initializers.push(floatTensor(p.name, [...p.shape], params.get(p.name).value));
    const [weight, bias] = layer.parameters.map((p) => p.name);
    if (spec.kind === "conv2d") {
      nodes.push({ opType: "Conv", input: [current, weight!, bias!], output: [spec.activated ? `${out}/linear` : out], name: out,
        attribute: [ints("kernel_shape", [spec.kernel, spec.kernel]), ints("strides", [1, 1]), ints("pads", [0, 0, 0, 0])] });
    } else if (spec.kind === "maxpool") {
      nodes.push({ opType: "MaxPool", input: [current], output: [out], name: out,
        attribute: [ints("kernel_shape", [spec.size, spec.size]), ints("strides", [spec.size, spec.size])] });
    } else if (spec.kind === "flatten") {
      nodes.push({ opType: "Flatten", input: [current], output: [out], name: out, attribute: [int("axis", 1)] });
    } else {
      nodes.push({ opType: "Gemm", input: [current, weight!, bias!], output: [spec.activated ? `${out}/linear` : out], name: out,
        attribute: [int("transB", 1)] });
    }
    if ((spec.kind === "conv2d" || spec.kind === "dense") && spec.activated) {
      nodes.push(...activationNodes(info.activation, `${out}/linear`, out, initializers));
    }
    current = out;
  }
  nodes.push({ opType: "Identity", input: [current], output: [ONNX_OUTPUT], name: "logits", attribute: [] });
  // Node names must be unique in a graph: each node is named by the value it writes.
  for (const node of nodes) node.name = node.output[0]!;
  const last = describeLayers(LENET_LAYERS).at(-1)!;
  const tensorType = (dims: (number | string)[]) => ({
    tensorType: { elemType: ONNX_FLOAT, shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) } },
  });
  const model = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    producerName: "lenet-lab",
    producerVersion: info.producerVersion ?? "",
    docString: `LeNet-5 (${info.activation}) trained by lenet-lab: ${ONNX_INPUT} float32 [N, 1, ${LENET_IMAGE_SIDE}, ${LENET_IMAGE_SIDE}] ` +
      `in [0, 1] → ${ONNX_OUTPUT} float32 [N, ${last.outputShape[0]}]`,
    graph: {
      name: "lenet5",
      node: nodes,
      initializer: initializers,
      input: [{ name: ONNX_INPUT, type: tensorType(["N", 1, LENET_IMAGE_SIDE, LENET_IMAGE_SIDE]) }],
      output: [{ name: ONNX_OUTPUT, type: tensorType(["N", last.outputShape[0]!]) }],
    },
    metadataProps: Object.entries({ activation: info.activation, ...info.metadata }).map(([key, value]) => ({ key, value })),
  };
  const error = onnxTypes.ModelProto.verify(model);
  if (error) throw new Error(`the ONNX model does not fit the schema: ${error}`);
  return onnxTypes.ModelProto.encode(onnxTypes.ModelProto.fromObject(model)).finish();
}

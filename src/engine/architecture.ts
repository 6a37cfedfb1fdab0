// LeNet-5's architecture as data: the input and the sequence of layers with
// their sizes. Every size of the network is written here and nowhere else;
// derived from it are the parameter list (names and shapes, LENET_PARAMETERS),
// the per-image sizes of the stages (LENET) that the TypeScript network
// (lenet.ts) and the wasm memory layout (wasm/memory-layout.ts) use, the
// output shape of every layer, the model summary table, the TensorBoard graph
// and the run logger's pictures. The forward and backward code in lenet.ts
// and wasm/lenet-passes.ts follows this sequence (a test checks that every
// stage it produces has the shape described here).
//
// Not here: the WebAssembly kernels' own compile-time constants (e.g. the
// 28×28 → 32×32 padding in wasm/assembly/pixels.ts), which tests compare with
// these sizes, and the data sets' 28×28 check (src/data, below this layer).
//
// Shapes are per image, NCHW without the batch: [C, H, W] or [n].

import { ParameterSpec, product } from "./parameters.js";

export type LayerSpec =
  | { name: string; kind: "conv2d"; outChannels: number; kernel: number; activated: boolean }
  | { name: string; kind: "maxpool"; size: number }
  | { name: string; kind: "flatten" }
  | { name: string; kind: "dense"; units: number; activated: boolean };

/** The digits as the data sets hold them: 28×28 uint8, one channel (MNIST format). */
export const LENET_IMAGE_SIDE = 28;
/** Zeros added on every side of a digit before conv1, as in the classic assignment: 28×28 → 32×32. */
export const LENET_INPUT_PADDING = 2;
/** The network's input per image, [1, 32, 32]: a digit scaled to [0, 1] and zero-padded. */
export const LENET_INPUT_SHAPE: readonly number[] = [
  1, LENET_IMAGE_SIDE + 2 * LENET_INPUT_PADDING, LENET_IMAGE_SIDE + 2 * LENET_INPUT_PADDING,
];
/** Uint8 pixels (bytes) of one digit as the data sets hold it: 784. */
export const PIXELS_PER_IMAGE = LENET_IMAGE_SIDE * LENET_IMAGE_SIDE;
/** Floats of one network input image [1, 32, 32]: 1,024. */
export const INPUT_VALUES_PER_IMAGE = product(LENET_INPUT_SHAPE);

export const LENET_LAYERS: readonly LayerSpec[] = [
  { name: "conv1", kind: "conv2d", outChannels: 6, kernel: 5, activated: true },
  { name: "pool1", kind: "maxpool", size: 2 },
  { name: "conv2", kind: "conv2d", outChannels: 16, kernel: 5, activated: true },
  { name: "pool2", kind: "maxpool", size: 2 },
  { name: "flatten", kind: "flatten" },
  { name: "fc1", kind: "dense", units: 120, activated: true },
  { name: "fc2", kind: "dense", units: 84, activated: true },
  { name: "fc3", kind: "dense", units: 10, activated: false },
];

/** A layer with the shapes it sees and the parameters it owns. */
export interface LayerDescription {
  spec: LayerSpec;
  inputShape: number[];
  outputShape: number[];
  parameters: ParameterSpec[];
}

/** Walks the layers from the input shape, computing shapes and parameters (VALID convolutions, stride 1). */
export function describeLayers(layers: readonly LayerSpec[] = LENET_LAYERS, inputShape: readonly number[] = LENET_INPUT_SHAPE): LayerDescription[] {
  let shape = [...inputShape];
  return layers.map((spec) => {
    const inputShape = shape;
    let parameters: ParameterSpec[] = [];
    switch (spec.kind) {
      case "conv2d": {
        const [channels, height, width] = shape;
        shape = [spec.outChannels, height - spec.kernel + 1, width - spec.kernel + 1];
        parameters = [
          { name: `${spec.name}/weight`, shape: [spec.outChannels, channels, spec.kernel, spec.kernel], kind: "weight" },
          { name: `${spec.name}/bias`, shape: [spec.outChannels], kind: "bias" },
        ];
        break;
      }
      case "maxpool": {
        const [channels, height, width] = shape;
        shape = [channels, Math.floor(height / spec.size), Math.floor(width / spec.size)];
        break;
      }
      case "flatten":
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case "dense": {
        const [inputs] = shape;
        shape = [spec.units];
        parameters = [
          { name: `${spec.name}/weight`, shape: [spec.units, inputs], kind: "weight" },
          { name: `${spec.name}/bias`, shape: [spec.units], kind: "bias" },
        ];
        break;
      }
    }
    return { spec, inputShape, outputShape: shape, parameters };
  });
}

/** Every parameter of the network, in order (PyTorch's state_dict order). */
export function architectureParameters(layers: readonly LayerSpec[] = LENET_LAYERS): ParameterSpec[] {
  return describeLayers(layers).flatMap((layer) => layer.parameters);
}

/** LeNet-5's layer `name` with its shapes and parameters; an error naming the layers there are if it has none. */
export function describeLayer(name: string): LayerDescription {
  const layer = describeLayers().find((l) => l.spec.name === name);
  if (!layer) throw new Error(`LeNet-5 has no layer "${name}" (LENET_LAYERS has ${LENET_LAYERS.map((l) => l.name).join(", ")})`);
  return layer;
}

/**
 * Per-image sizes of LeNet-5's stages, for the code that names its stages
 * (lenet.ts, wasm/lenet-passes.ts, wasm/memory-layout.ts). Sides are of square
 * maps; channels count feature maps.
 */
export interface LeNetSizes {
  inputChannels: number;
  /** 32: the padded digit. */
  inputSide: number;
  /** Kernel side of both convolutions: 5. */
  kernel: number;
  conv1Channels: number;
  conv1Side: number;
  pool1Side: number;
  conv2Channels: number;
  conv2Side: number;
  pool2Side: number;
  /** pool2 read as a vector (C, H, W order): 400. */
  flat: number;
  fc1: number;
  /** The "fc2 features": 84. */
  fc2: number;
  /** fc3's outputs, the logits: 10. */
  classes: number;
}

/**
 * LENET's values, read off the description. Throws if the description no
 * longer fits the code that uses them: both convolutions with one kernel
 * side, and 2×2 pools (the only pooling the layers implement).
 */
function lenetSizes(): LeNetSizes {
  const output = (name: string) => describeLayer(name).outputShape;
  const kernelOf = (name: string) => {
    const { spec } = describeLayer(name);
    if (spec.kind !== "conv2d") throw new Error(`architecture.ts: LeNet-5's ${name} must be a conv2d layer, it is ${spec.kind}`);
    return spec.kernel;
  };
  for (const name of ["pool1", "pool2"]) {
    const { spec } = describeLayer(name);
    if (spec.kind !== "maxpool" || spec.size !== 2) {
      throw new Error(`architecture.ts: LeNet-5's ${name} must be a 2×2 max pool (the layers implement no other), got ${JSON.stringify(spec)}`);
    }
  }
  if (kernelOf("conv1") !== kernelOf("conv2")) {
    throw new Error(`architecture.ts: conv1 and conv2 must share one kernel side, got ${kernelOf("conv1")} and ${kernelOf("conv2")}`);
  }
  const [inputChannels, inputSide] = LENET_INPUT_SHAPE;
  const [conv1Channels, conv1Side] = output("conv1");
  const [, pool1Side] = output("pool1");
  const [conv2Channels, conv2Side] = output("conv2");
  const [, pool2Side] = output("pool2");
  const [flat] = output("flatten");
  const [fc1] = output("fc1");
  const [fc2] = output("fc2");
  const [classes] = output("fc3");
  return {
    inputChannels, inputSide, kernel: kernelOf("conv1"), conv1Channels, conv1Side, pool1Side,
    conv2Channels, conv2Side, pool2Side, flat, fc1, fc2, classes,
  };
}

/** Per-image sizes of every stage of LeNet-5, from the description. */
export const LENET: Readonly<LeNetSizes> = Object.freeze(lenetSizes());

/** The parameters in PyTorch's state_dict order (conv1/weight … fc3/bias), from the description. */
export const LENET_PARAMETERS: readonly ParameterSpec[] = architectureParameters();

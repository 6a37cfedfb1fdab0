// LeNet-5's architecture as data: the sequence of layers with their sizes,
// from which the parameter list, the output shape of every layer, the model
// summary table and the TensorBoard graph are all derived. The forward and
// backward code in lenet.ts follows this sequence (a test checks that every
// stage it produces has the shape described here).
//
// Shapes are per image, NCHW without the batch: [C, H, W] or [n].

import type { ParameterSpec } from "./parameters.js";

export type LayerSpec =
  | { name: string; kind: "conv2d"; outChannels: number; kernel: number; activated: boolean }
  | { name: string; kind: "maxpool"; size: number }
  | { name: string; kind: "flatten" }
  | { name: string; kind: "dense"; units: number; activated: boolean };

export const LENET_INPUT_SHAPE = [1, 32, 32] as const;

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

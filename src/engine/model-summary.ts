// The model summary people look at first (as tfjs-vis's modelSummary or
// Keras's model.summary()): each layer with its output shape and parameter
// count, and the total. Derived from the architecture, so it is the network
// that is trained.

import { LENET_INPUT_SHAPE, LENET_LAYERS, LayerSpec, describeLayers } from "./architecture.js";
import type { ActivationName } from "./layers/activations.js";
import { product } from "./parameters.js";

export interface SummaryRow {
  layer: string;
  /** e.g. "Conv2D 5×5 + relu", "MaxPool 2×2", "Dense + sigmoid". */
  type: string;
  /** Per batch, the batch as "?": e.g. "?×6×28×28". */
  outputShape: string;
  parameters: number;
}

export interface ModelSummary {
  rows: SummaryRow[];
  totalParameters: number;
}

export function summarizeModel(activation: ActivationName, layers: readonly LayerSpec[] = LENET_LAYERS): ModelSummary {
  const shape = (dims: readonly number[]) => ["?", ...dims].join("×");
  const rows: SummaryRow[] = [{ layer: "input", type: "Input", outputShape: shape(LENET_INPUT_SHAPE), parameters: 0 }];
  for (const { spec, outputShape, parameters } of describeLayers(layers)) {
    const count = parameters.reduce((sum, p) => sum + product(p.shape), 0);
    const type = spec.kind === "conv2d" ? `Conv2D ${spec.kernel}×${spec.kernel}`
      : spec.kind === "maxpool" ? `MaxPool ${spec.size}×${spec.size}`
      : spec.kind === "flatten" ? "Flatten" : "Dense";
    const activated = (spec.kind === "conv2d" || spec.kind === "dense") && spec.activated;
    rows.push({ layer: spec.name, type: activated ? `${type} + ${activation}` : type, outputShape: shape(outputShape), parameters: count });
  }
  return { rows, totalParameters: rows.reduce((sum, row) => sum + row.parameters, 0) };
}

/** The summary as an aligned plain-text table. */
export function formatModelSummary(summary: ModelSummary): string {
  const header = ["Layer", "Type", "Output shape", "Parameters"];
  const cells = summary.rows.map((r) => [r.layer, r.type, r.outputShape, r.parameters.toLocaleString("en-US")]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("   ").trimEnd();
  const rule = "─".repeat(widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1));
  return [line(header), rule, ...cells.map(line), rule, `Total parameters: ${summary.totalParameters.toLocaleString("en-US")} (all trainable)`].join("\n");
}

// Exporting a finished run's trained network: loads RUN_DIR (run.json and
// model.safetensors), encodes it (ONNX today) and writes the file atomically,
// by default next to the weights as RUN_DIR/model.onnx.
// Not here: the model's graph (onnx-model.ts), the command line (src/cli).

import { join, resolve } from "node:path";
import { writeFileAtomic } from "../io/atomic-write.js";
import { loadRun } from "../train/load-run.js";
import { encodeLeNetOnnx } from "./onnx-model.js";

export const EXPORT_FORMATS = ["onnx"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const ONNX_FILE = "model.onnx";

export interface ExportedModel {
  path: string;
  bytes: number;
  run: string;
}

/** Writes the run's network as `format` to `out` (default RUN_DIR/model.onnx); throws RunLoadError naming what is wrong with the run. */
export function exportRun(runDir: string, options: { format?: ExportFormat; out?: string; producerVersion?: string } = {}): ExportedModel {
  const run = loadRun(runDir);
  const { summary } = run;
  const metadata: Record<string, string> = {
    run: summary.run, optimizer: summary.config.optimizer, lr: String(summary.config.lr), seed: String(summary.config.seed),
    iterations: String(summary.iterations),
  };
  if (summary.final) metadata.testAccuracy = String(summary.final.testAccuracy);
  const bytes = encodeLeNetOnnx(run.network.params, { activation: summary.config.activation, metadata, producerVersion: options.producerVersion });
  const path = resolve(options.out ?? join(run.runDir, ONNX_FILE));
  writeFileAtomic(path, bytes);
  return { path, bytes: bytes.length, run: summary.run };
}

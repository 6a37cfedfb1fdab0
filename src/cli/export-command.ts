// `lenet-lab export RUN_DIR [--format onnx] [--out FILE]`: a finished run's
// network as a file other tools run (ONNX). A thin shell over
// src/export/export-run.ts.

import { Command, Option } from "commander";
import { EXPORT_FORMATS, ExportFormat, ONNX_FILE, exportRun } from "../export/export-run.js";
import { ONNX_INPUT, ONNX_OPSET, ONNX_OUTPUT } from "../export/onnx-model.js";
import { RunLoadError } from "../train/load-run.js";
import { CommandStop } from "./command-stop.js";
import { packageVersion } from "./package-version.js";

export function registerExportCommand(program: Command): void {
  program
    .command("export")
    .description(`a finished run's network as an ONNX model (opset ${ONNX_OPSET}; input "${ONNX_INPUT}" float32 [N, 1, 28, 28] in [0, 1], ` +
      `output "${ONNX_OUTPUT}" [N, 10]), by default RUN_DIR/${ONNX_FILE}`)
    .argument("<run-dir>", "directory of a finished run (holding run.json and model.safetensors)")
    .addOption(new Option("--format <format>", "file format").choices(EXPORT_FORMATS).default("onnx"))
    .option("--out <file>", `where to write the model (default RUN_DIR/${ONNX_FILE})`)
    .action((runDir: string, options: { format: ExportFormat; out?: string }) => {
      try {
        const exported = exportRun(runDir, { format: options.format, out: options.out, producerVersion: packageVersion() });
        console.log(`${exported.run}: ${options.format} model (${(exported.bytes / 1024).toFixed(0)} KiB) → ${exported.path}`);
      } catch (error) {
        if (error instanceof RunLoadError) throw new CommandStop(1, error.message);
        throw error;
      }
    });
}

// `lenet-lab summary`: prints the model summary table (layers, output shapes,
// parameter counts) for an activation.

import { Command } from "commander";
import { ACTIVATIONS } from "../engine/layers/activations.js";
import { formatModelSummary, summarizeModel } from "../engine/model-summary.js";
import { DEFAULT_CONFIG, parseActivation } from "../train/config.js";

export function registerSummaryCommand(program: Command): void {
  program
    .command("summary")
    .description("print LeNet-5's layers, output shapes and parameter counts")
    .option("--activation <name>", `activation at every activated layer: ${ACTIVATIONS.join(", ")}`, DEFAULT_CONFIG.activation)
    .option("--json", "print the summary as JSON")
    .action((options: { activation: string; json?: boolean }) => {
      const summary = summarizeModel(parseActivation(options.activation));
      console.log(options.json ? JSON.stringify(summary, null, 2) : formatModelSummary(summary));
    });
}

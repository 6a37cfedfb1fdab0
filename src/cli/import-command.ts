// `lenet-lab import RUN.lenet-run.json [--logdir DIR] [--run-name NAME]`: keeps
// a run trained in the static playground (the file its "download" gives) as
// an ordinary run directory, as the board's "keep in the logdir" does
// (src/train/keep-page-run.ts).

import { Command } from "commander";
import { readFileSync } from "node:fs";
import { loadDataset } from "../data/datasets.js";
import { ConfigError, DEFAULT_CONFIG } from "../train/config.js";
import { PAGE_RUN_MAX_BYTES, PageRunError, checkPageRun, keepPageRun } from "../train/keep-page-run.js";

export async function importCommand(file: string, options: { logdir: string; runName?: string }): Promise<void> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read ${file} (${(error as Error).message}); give the file the playground's "download" saved`);
  }
  if (text.length > PAGE_RUN_MAX_BYTES) throw new ConfigError(`${file} is larger than a page run can be (${PAGE_RUN_MAX_BYTES / 2 ** 20} MiB)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON (${(error as Error).message}); give the file the playground's "download" saved`);
  }
  if (options.runName !== undefined && typeof parsed === "object" && parsed !== null) (parsed as { runName?: string }).runName = options.runName;
  const dataset = loadDataset();
  try {
    const summary = await keepPageRun(checkPageRun(parsed, options.logdir, dataset), dataset);
    console.log(`lenet-lab import: ${summary.run} → ${summary.runDir} (test accuracy ${(100 * (summary.final?.testAccuracy ?? 0)).toFixed(2)} %)`);
  } catch (error) {
    if (error instanceof PageRunError) throw new ConfigError(`${file}: ${error.message}`);
    throw error;
  }
}

export function registerImportCommand(program: Command): void {
  program
    .command("import")
    .description("Keep a run trained in the playground (its downloaded .lenet-run.json) as a run directory in LOGDIR.")
    .argument("<file>", "the .lenet-run.json the playground's \"download\" saved")
    .option("--logdir <dir>", "where to write the run", DEFAULT_CONFIG.logdir)
    .option("--run-name <name>", "its name (default: the name `lenet-lab train` would give it, with -browser)")
    .action((file: string, options: { logdir: string; runName?: string }) => importCommand(file, options));
}

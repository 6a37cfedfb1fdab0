// `lenet-lab report [LOGDIR]`: (re)writes LOGDIR/report/index.html and
// report.md from the run directories and event files, making the fc2 maps of
// runs that have none and the cross-run figures first. A thin shell over
// src/report/write-report.ts.

import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { Command } from "commander";
import { writeReport } from "../report/write-report.js";
import { ConfigError, DEFAULT_CONFIG } from "../train/config.js";
import { FeaturesCommandOptions, addFc2Options, resolveFc2Options } from "./features-command.js";

export async function reportCommand(logdir: string, options: FeaturesCommandOptions): Promise<void> {
  const root = resolve(logdir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new ConfigError(`logdir ${root} is not a directory; give the directory that holds the runs (lenet-lab compare writes to runs/)`);
  }
  const fc2 = resolveFc2Options(options);
  const report = await writeReport(root, { fc2, colormap: fc2.colormap, log: (line) => console.log(line) });
  if (report.runs.length === 0) console.log(`no finished run in ${root}; the report says so`);
  for (const note of report.notes) console.error(`lenet-lab: ${note}`);
  console.log(`${report.runs.length} run${report.runs.length === 1 ? "" : "s"} (${report.runs.join(", ")}) → ${report.html} and ${report.markdown}`);
}

/** Adds `report` to the program. */
export function registerReportCommand(program: Command): void {
  addFc2Options(program
    .command("report")
    .description("write LOGDIR/report/index.html and report.md (self-contained, offline) from the runs in LOGDIR; " +
      "the fc2 options apply to runs that have no fc2 maps yet")
    .argument("[logdir]", "directory holding the run directories", DEFAULT_CONFIG.logdir))
    .action(async (logdir: string, options: FeaturesCommandOptions) => {
      await reportCommand(logdir, options);
    });
}

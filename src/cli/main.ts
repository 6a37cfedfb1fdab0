#!/usr/bin/env node
// The `lenet-lab` command: a thin shell that parses arguments and calls into
// the modules below it (src/train, src/figures, src/report, src/board and
// others). No training logic lives here: each command lives in its own
// <name>-command.ts and registers itself on the program. Exit codes: 0 done,
// 1 failed, 2 bad arguments, 3 a run diverged, 130/143 stopped by SIGINT/SIGTERM.

import { Command, CommanderError } from "commander";
import { IdxFormatError } from "../data/idx.js";
import { QueueConnectionError } from "../queue/connection.js";
import { CheckpointError } from "../train/checkpoint.js";
import { ConfigError } from "../train/config.js";
import { DivergenceError } from "../train/trainer.js";
import { CommandStop } from "./command-stop.js";
import { registerSummaryCommand } from "./summary-command.js";
import { registerTrainCommand } from "./train-command.js";
import { registerBoardCommand } from "./board-command.js";
import { registerFeaturesCommand } from "./features-command.js";
import { registerCompareCommand } from "./compare-command.js";
import { registerReportCommand } from "./report-command.js";
import { registerExportCommand } from "./export-command.js";
import { registerWorkerCommand } from "./worker-command.js";
import { registerSweepCommand } from "./sweep-command.js";
import { registerPlaygroundCommand } from "./playground-command.js";
import { registerImportCommand } from "./import-command.js";
import { spaceSeparatedListHint } from "./list-hint.js";
import { packageVersion } from "./package-version.js";

const program = new Command()
  .name("lenet-lab")
  .description("Train LeNet-5 on MNIST with different activations and optimizers, and see what it learns.")
  .version(packageVersion(), "-V, --version", "print lenet-lab's version")
  .exitOverride()
  .showHelpAfterError("(run lenet-lab <command> --help for the options)")
  .configureOutput({ outputError: (text, write) => write(`lenet-lab: ${text.replace(/^error: /, "")}`) });

registerTrainCommand(program);
registerBoardCommand(program);
registerSummaryCommand(program);
registerFeaturesCommand(program);
registerCompareCommand(program);
registerReportCommand(program);
registerExportCommand(program);
registerWorkerCommand(program);
registerSweepCommand(program);
registerPlaygroundCommand(program);
registerImportCommand(program);

/** What to do about an error of the file system, by its code. */
const DISK_ERRORS: Record<string, string> = {
  ENOSPC: "The disk is full: free some space; an interrupted run continues with --resume RUN_DIR.",
  EDQUOT: "The disk quota is used up: free some space; an interrupted run continues with --resume RUN_DIR.",
  EFBIG: "The file outgrew the size limit for files (ulimit -f): raise the limit; an interrupted run continues with --resume RUN_DIR.",
  EROFS: "The file system is read-only: choose another --logdir.",
  EACCES: "Permission denied: choose a --logdir you can write to.",
  EPERM: "Permission denied: choose a --logdir you can write to.",
  EIO: "The disk reported an input/output error.",
};

async function main(argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors (already printed) exit 2.
      const hint = error.code === "commander.excessArguments" ? spaceSeparatedListHint(program, argv) : undefined;
      if (hint) console.error(`lenet-lab: ${hint}`);
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ConfigError) {
      console.error(`lenet-lab: ${error.message}`);
      return 2;
    }
    if (error instanceof CommandStop) {
      console.error(`lenet-lab: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof IdxFormatError || error instanceof DivergenceError || error instanceof CheckpointError ||
      error instanceof QueueConnectionError) {
      console.error(`lenet-lab: ${error.message}`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && DISK_ERRORS[code]) {
      // A file could not be written: say which and why, without a stack trace.
      console.error(`lenet-lab: ${(error as Error).message}. ${DISK_ERRORS[code]}`);
      return 1;
    }
    console.error(`lenet-lab: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv);

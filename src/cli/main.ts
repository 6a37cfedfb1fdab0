#!/usr/bin/env node
// The `lenet-lab` command: a thin shell that parses arguments and calls into
// the modules below it (src/train, src/figures, src/report, src/board and
// others). No training logic lives here: each command lives in its own
// <name>-command.ts and registers itself on the program. Exit codes: 0 done,
// 1 failed, 2 bad arguments, 3 a run diverged, 130/143 stopped by SIGINT/SIGTERM.

import { Command, CommanderError } from "commander";
import { IdxFormatError } from "../data/idx.js";
import { startFigureThreads } from "../figures/render-pool.js";
import { QueueConnectionError } from "../queue/connection-error.js";
import { CheckpointError } from "../train/checkpoint.js";
import { ConfigError } from "../train/config.js";
import { DivergenceError } from "../train/trainer.js";
import { CommandStop } from "./command-stop.js";
import { spaceSeparatedListHint } from "./list-hint.js";
import { packageVersion } from "./package-version.js";

const program = new Command()
  .name("lenet-lab")
  .description("Train LeNet-5 on MNIST with different activations and optimizers, and see what it learns.")
  .version(packageVersion(), "-V, --version", "print lenet-lab's version")
  .exitOverride()
  .showHelpAfterError("(run lenet-lab <command> --help for the options)")
  .configureOutput({ outputError: (text, write) => write(`lenet-lab: ${text.replace(/^error: /, "")}`) });

/**
 * Each command's module, loaded when asked for: a command loads only its own
 * (a `train` child of `compare` does not load the figures, the board or the
 * Redis client, about a second of start-up), and the whole list is loaded for
 * the program's help or an unknown command. In the order `--help` lists them.
 */
const COMMANDS: Record<string, () => Promise<(program: Command) => unknown>> = {
  train: async () => (await import("./train-command.js")).registerTrainCommand,
  board: async () => (await import("./board-command.js")).registerBoardCommand,
  summary: async () => (await import("./summary-command.js")).registerSummaryCommand,
  features: async () => (await import("./features-command.js")).registerFeaturesCommand,
  compare: async () => (await import("./compare-command.js")).registerCompareCommand,
  report: async () => (await import("./report-command.js")).registerReportCommand,
  export: async () => (await import("./export-command.js")).registerExportCommand,
  worker: async () => (await import("./worker-command.js")).registerWorkerCommand,
  sweep: async () => (await import("./sweep-command.js")).registerSweepCommand,
  playground: async () => (await import("./playground-command.js")).registerPlaygroundCommand,
  import: async () => (await import("./import-command.js")).registerImportCommand,
};

/**
 * The commands that draw figures. Their figure threads (src/figures/render-pool.ts) start before the command's module
 * loads: a thread's start-up (importing Vega and resvg, warm-up figures: about half a second of a core) then runs
 * while this process loads, instead of when the first figure is wanted (in compare, when its training has ended).
 */
const DRAWING_COMMANDS = new Set(["compare", "report", "features"]);

const registered = new Set<string>();

/** Registers the commands `names` that are not registered yet, in COMMANDS' order. */
async function registerCommands(names: readonly string[]): Promise<void> {
  const missing = Object.keys(COMMANDS).filter((name) => names.includes(name) && !registered.has(name));
  const registers = await Promise.all(missing.map((name) => COMMANDS[name]()));
  registers.forEach((register, i) => {
    register(program);
    registered.add(missing[i]);
  });
}

/** The command named in `argv` (its first argument), or every command when that names none of them. */
function commandsFor(argv: readonly string[]): string[] {
  const named = argv[2];
  return named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
}

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
    if (DRAWING_COMMANDS.has(argv[2] ?? "")) startFigureThreads();
    await registerCommands(commandsFor(argv));
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors (already printed) exit 2.
      // The hint may point to another command's options (`train --activation relu sigmoid` → compare's list).
      if (error.code === "commander.excessArguments") await registerCommands(Object.keys(COMMANDS));
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

#!/usr/bin/env node
// The `lenet-lab` command: a thin shell that parses arguments and calls into
// src/train (and, as they arrive, src/figures, src/report, src/board). No
// training logic lives here: each command lives in its own <name>-command.ts
// and registers itself on the program. Exit codes: 0 done, 1 failed, 2 bad arguments.

import { Command, CommanderError } from "commander";
import { IdxFormatError } from "../data/idx.js";
import { ConfigError } from "../train/config.js";
import { DivergenceError } from "../train/trainer.js";
import { registerSummaryCommand } from "./summary-command.js";
import { registerTrainCommand } from "./train-command.js";

const program = new Command()
  .name("lenet-lab")
  .description("Train LeNet-5 on MNIST with different activations and optimizers, and see what it learns.")
  .exitOverride()
  .showHelpAfterError("(run lenet-lab <command> --help for the options)")
  .configureOutput({ outputError: (text, write) => write(`lenet-lab: ${text.replace(/^error: /, "")}`) });

registerTrainCommand(program);
registerSummaryCommand(program);

async function main(argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors (already printed) exit 2.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ConfigError) {
      console.error(`lenet-lab: ${error.message}`);
      return 2;
    }
    if (error instanceof IdxFormatError || error instanceof DivergenceError) {
      console.error(`lenet-lab: ${error.message}`);
      return 1;
    }
    console.error(`lenet-lab: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv);

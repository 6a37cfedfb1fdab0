// `lenet-lab board [LOGDIR]` (or `--logdir LOGDIR`, as TensorBoard takes it):
// serves the dashboard for a logdir until Ctrl-C. Checks its options, starts
// src/board's server and prints the address.
// Not here: anything the dashboard does (src/board).

import { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { DEFAULT_HOST, DEFAULT_PORT, isLoopback, startBoard } from "../board/server.js";
import { ConfigError, DEFAULT_CONFIG } from "../train/config.js";

export interface BoardCommandOptions {
  logdir?: string;
  port: string;
  host: string;
  pollMs: string;
}

function parseInteger(text: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

/** The logdir given as the argument or as --logdir (TensorBoard's habit); both only when they agree; default runs. */
export function chooseLogdir(argument: string | undefined, option: string | undefined): string {
  if (argument !== undefined && option !== undefined && argument !== option) {
    throw new ConfigError(`two logdirs given, ${argument} and --logdir ${option}; give one`);
  }
  return argument ?? option ?? DEFAULT_CONFIG.logdir;
}

export async function boardCommand(argument: string | undefined, options: BoardCommandOptions): Promise<void> {
  const logdir = chooseLogdir(argument, options.logdir);
  const port = parseInteger(options.port, "--port", 0, 65535);
  const pollIntervalMs = parseInteger(options.pollMs, "--poll-ms", 50, 600_000);
  if (!existsSync(logdir) || !statSync(logdir).isDirectory()) {
    throw new ConfigError(`logdir ${logdir} is not a directory; give the --logdir your runs were trained with (default runs)`);
  }
  const board = await startBoard({ logdir, host: options.host, port, pollIntervalMs });
  console.log(`lenet-lab board: serving ${board.index.logdir} at ${board.url}`);
  if (!isLoopback(options.host)) console.log(`lenet-lab board: listening on ${options.host}: anyone who can reach this machine can read the logdir`);
  console.log("press Ctrl-C to stop");
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void board.close().then(resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

export function registerBoardCommand(program: Command): void {
  program
    .command("board")
    .description("Serve a dashboard of the runs in LOGDIR (scalars, histograms, images, fc2 maps, embeddings), live while they train.")
    .argument("[logdir]", `directory holding the runs (default: ${DEFAULT_CONFIG.logdir})`)
    .option("--logdir <dir>", "the same, as TensorBoard takes it")
    .option("--port <n>", "port to listen on (0 picks a free one)", String(DEFAULT_PORT))
    .option("--host <address>", "address to bind; 0.0.0.0 makes the dashboard reachable from other machines", DEFAULT_HOST)
    .option("--poll-ms <n>", "how often to look for new data, in milliseconds", "1000")
    .action(async (logdir: string | undefined, options: BoardCommandOptions) => boardCommand(logdir, options));
}

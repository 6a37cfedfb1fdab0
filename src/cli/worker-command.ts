// `lenet-lab worker`: trains, on this machine, the runs of sweeps queued on
// Redis by `lenet-lab compare --queue`, into the shared logdir. A thin shell
// over src/queue/worker.ts: options, signals and exit codes. Ctrl-C (or
// SIGTERM) stops it: running runs save a checkpoint and go back to the queue,
// then it exits 130 (143); a second Ctrl-C quits at once (the runs are then
// taken over from their last checkpoints once their locks expire).

import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { parseQueueUrl } from "../queue/connection.js";
import { startQueueWorker } from "../queue/worker.js";
import { ConfigError, DEFAULT_CONFIG, parseNumber } from "../train/config.js";
import { CommandStop, QUEUE_EXIT_TIMEOUT_MS, exitWithin } from "./command-stop.js";

/** The built CLI next to this file, which every run is a child process of. */
const CLI = fileURLToPath(new URL("./main.js", import.meta.url));

export async function workerCommand(options: Record<string, string | undefined>): Promise<void> {
  const address = parseQueueUrl(options.queue!);
  const jobs = parseNumber("--jobs", options.jobs ?? String(availableParallelism()), { integer: true, min: 1, max: 256 });
  if (options.threads !== undefined) parseNumber("--threads", options.threads, { integer: true, min: 1, max: 256 });
  const lockSeconds = parseNumber("--lock-seconds", options.lockSeconds!, { min: 1, max: 3600 });
  const logdir = resolve(options.logdir!);
  if (existsSync(logdir) && !statSync(logdir).isDirectory()) {
    throw new ConfigError(`logdir ${logdir} is a file, not a directory; give --logdir the sweep's shared logdir`);
  }
  const log = (text: string) => process.stderr.write(`lenet-lab worker: ${text}\n`);
  const worker = await startQueueWorker({
    address, logdir, jobs, threads: options.threads, lockSeconds, command: [process.execPath, CLI], log,
  });

  const signal = await new Promise<NodeJS.Signals>((resolveSignal) => {
    process.once("SIGINT", resolveSignal);
    process.once("SIGTERM", resolveSignal);
  });
  log(`${signal} received: taking no more runs; running runs save a checkpoint and go back to the queue (again to quit at once)`);
  const quitAtOnce = () => {
    void worker.kill().finally(() => process.exit(signal === "SIGTERM" ? 143 : 130));
  };
  process.once("SIGINT", quitAtOnce);
  process.once("SIGTERM", quitAtOnce);
  const returned = await worker.stop();
  exitWithin(QUEUE_EXIT_TIMEOUT_MS);
  throw new CommandStop(signal === "SIGTERM" ? 143 : 130,
    `${signal}: worker ${worker.name} stopped; ${returned} running run${returned === 1 ? "" : "s"} saved a checkpoint and went back to the queue`);
}

/** Adds `worker` to the program. */
export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description("train the runs of sweeps queued on Redis (lenet-lab compare --queue) on this machine, into the shared logdir; " +
      "start one on every machine")
    .requiredOption("--queue <url>", "the Redis that holds the queue: redis://HOST:PORT[/DB]")
    .option("--logdir <dir>", "the sweeps' shared logdir: the directory the coordinator writes to, on a filesystem every machine shares",
      DEFAULT_CONFIG.logdir)
    .option("--jobs <n>", "runs trained at the same time (default: one per core)")
    .option("--threads <n>", "threads of each run (default: the sweep's, one)")
    .option("--lock-seconds <s>", "a worker that has not renewed its run's lock for this long is taken for dead, and the run " +
      "continues from its last checkpoint on another worker", "30")
    .action(async (options: Record<string, string | undefined>) => {
      await workerCommand(options);
    });
}

// `lenet-lab sweep status`: what the queue of a logdir holds, sweep by sweep
// (how many runs wait, run, retry, are done, diverged or failed; the running,
// retrying and failed ones by name, every run with --sweep NAME), and which
// workers serve it. A thin shell over src/queue/status.ts; it changes nothing.

import { resolve } from "node:path";
import { Command } from "commander";
import { parseQueueUrl } from "../queue/connection.js";
import { RUN_STATES, readQueueStatus } from "../queue/status.js";
import { validateSweepName } from "../queue/sweep-jobs.js";
import { DEFAULT_CONFIG } from "../train/config.js";
import { CommandStop, QUEUE_EXIT_TIMEOUT_MS, exitWithin } from "./command-stop.js";

async function sweepStatusCommand(options: Record<string, string | undefined>): Promise<void> {
  const address = parseQueueUrl(options.queue!);
  const only = options.sweep !== undefined ? validateSweepName(options.sweep) : undefined;
  const logdir = resolve(options.logdir!);
  const status = await readQueueStatus(address, logdir, (text) => console.error(`lenet-lab: ${text}`), only);
  console.log(`queue "${status.queue}" at ${address.display}: ${status.workers.length} worker${status.workers.length === 1 ? "" : "s"}` +
    (status.workers.length > 0 ? ` (${status.workers.join(", ")})` : ""));
  if (status.sweeps.length === 0) {
    if (only !== undefined) throw new CommandStop(1, `the queue "${status.queue}" at ${address.display} holds no run of sweep ${only}`);
    console.log("no sweeps");
    return;
  }
  for (const { sweep, runs } of status.sweeps) {
    const counts = RUN_STATES.map((state) => `${runs.filter((r) => r.state === state).length} ${state}`);
    console.log(`sweep ${sweep}: ${runs.length} runs: ${counts.join(", ")}`);
    for (const run of runs) {
      if (only === undefined && !["running", "retrying", "failed", "diverged"].includes(run.state)) continue;
      const where = run.worker && run.state !== "waiting" ? ` on ${run.worker}` : "";
      console.log(`  ${run.run.padEnd(32)} ${run.state}${where}${run.detail ? `: ${run.detail}` : ""}`);
    }
  }
}

/** Adds `sweep status` to the program. */
export function registerSweepCommand(program: Command): void {
  const sweep = program
    .command("sweep")
    .description("sweeps on a queue (lenet-lab compare --queue): sweep status");
  sweep
    .command("status")
    .description("what the queue of a logdir holds: each sweep's runs waiting, running, retrying, done, diverged and failed, and the workers")
    .requiredOption("--queue <url>", "the Redis that holds the queue: redis://HOST:PORT[/DB]")
    .option("--logdir <dir>", "the sweeps' shared logdir, whose queue it reads", DEFAULT_CONFIG.logdir)
    .option("--sweep <name>", "only this sweep, with every one of its runs")
    .action(async (options: Record<string, string | undefined>) => {
      try {
        await sweepStatusCommand(options);
      } finally {
        exitWithin(QUEUE_EXIT_TIMEOUT_MS);
      }
    });
}

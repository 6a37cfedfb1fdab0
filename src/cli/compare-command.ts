// `lenet-lab compare`: a run grid — the Cartesian product of comma lists of
// activations, optimizers and learning rates, each over several seeds (the
// runs of one grid point that differ only in the seed are a group, which the
// report and the board describe with its spread) — trained as separate
// `lenet-lab train --json` child processes, --jobs at a time, with a progress
// display per run; then the fc2 maps of every finished run, the cross-run
// figures and the report (src/report). Defaults are the classic experiment
// over three seeds: relu and sigmoid, Adam, lr 0.01, batch 64, 2000
// iterations, eval every 50, seeds 0, 1, 2.
// --sweep-file sweep.json (or .yaml) gives the grid as data instead of the
// lists: grid values and random-search draws (src/sweep/sweep-file.ts).
// A failing run does not stop the others; it is reported and the exit code is 1.
// --resume continues a grid that was stopped: finished runs are kept, runs
// with a checkpoint continue from it, the others start (again).
// --queue redis://HOST:PORT[/DB] runs the grid on `lenet-lab worker`s instead,
// on any machines that share the logdir, as one sweep (--sweep NAME, by default
// named after the logdir and the grid); Ctrl-C leaves the sweep running and
// the same command again re-attaches to it. The report is made the same way.
// A thin shell: the grid, the process pool and the resume plan are src/sweep's,
// the queue src/queue's.

import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import { setFigureThreadsDrawing } from "../figures/render-pool.js";
import { Fc2MapOptions, drawsRunsAlone } from "../report/fc2-runs.js";
import { writeRunFigures } from "../report/run-figures.js";
import { writeReport } from "../report/write-report.js";
import { describe } from "../stats/describe.js";
import { groupRuns, seedList } from "../stats/run-groups.js";
import { AXES, AXIS_DEFAULTS, Axis, GridRun, expandGrid, gridSeeds, joinCohort, splitList } from "../sweep/grid.js";
import { GridProgress, RunOutcome, runGrid } from "../sweep/local-pool.js";
import { existingRunDirectories, planResume } from "../sweep/resume.js";
import { readSweepFile, sweepFileRuns } from "../sweep/sweep-file.js";
import { ConfigError, RunOptions, parseNumber } from "../train/config.js";
import { QueueAddress, parseQueueUrl } from "../queue/connection.js";
import { QueuedSweep, connectSweep } from "../queue/coordinator.js";
import { defaultSweepName, validateSweepName } from "../queue/sweep-jobs.js";
import { addRunOptions } from "./train-command.js";
import { CommandStop, QUEUE_EXIT_TIMEOUT_MS, exitWithin } from "./command-stop.js";
import { addFc2Options, resolveFc2Options } from "./features-command.js";
import { createGridProgress } from "./compare-progress.js";
import { formatPercent } from "./progress.js";

/** The built CLI next to this file (dist/src/cli/main.js), which every run of the grid is a child process of. */
const CLI = fileURLToPath(new URL("./main.js", import.meta.url));

/** Each group's final test accuracy over its finished seeds: mean ± std (n), range, and the seeds that did not finish. */
function printGroups(runs: readonly GridRun[], outcomes: readonly RunOutcome[]): void {
  const groups = groupRuns(runs.map((run, i) => ({ run, outcome: outcomes[i] })), ({ run }) => ({ name: run.config.runName, config: run.config }));
  if (groups.every((g) => g.members.length < 2)) return;
  console.log(`\n${"group".padEnd(32)} ${"seeds".padStart(5)} ${"final test accuracy".padStart(19)} ${"range".padStart(17)}`);
  for (const group of groups) {
    // A seed stopped early trained less than the others: its accuracy is not one of the group's draws.
    const done = group.members.filter((m) => m.run.outcome.ok && !m.run.outcome.result?.stoppedEarly);
    const d = describe(done.map((m) => m.run.outcome.result!.testAccuracy));
    const missing = group.members.filter((m) => !m.run.outcome.ok).map((m) => m.seed);
    const stopped = group.members.filter((m) => m.run.outcome.result?.stoppedEarly).map((m) => m.seed);
    const accuracy = d.n === 0 ? "—" : d.n === 1 ? formatPercent(d.mean) : `${formatPercent(d.mean)} ± ${(100 * d.std).toFixed(2)}`;
    const range = d.n < 2 ? "" : `${formatPercent(d.min)} … ${formatPercent(d.max)}`;
    console.log(`${group.name.padEnd(32)} ${String(d.n).padStart(5)} ${accuracy.padStart(19)} ${range.padStart(17)}` +
      (missing.length > 0 ? `  (${seedList(missing)} did not finish)` : "") + (stopped.length > 0 ? `  (${seedList(stopped)} stopped early)` : ""));
  }
}

/**
 * The grid's progress, which also has the figures of each run that finishes while others still train drawn at once
 * (src/report/run-figures.ts; once fewer runs are left than are trained at a time), on as many figure threads as the
 * runs have freed cores, so that the runs still training keep theirs; `early` collects them by run directory (a
 * failure is kept, not thrown). The threads started with the command (main.ts); when training ends, all of them draw.
 */
function drawingEarly(progress: GridProgress, runs: number, jobs: number,
  early: Map<string, Promise<Error | null>> | null, fc2Options: Fc2MapOptions): GridProgress {
  const cores = Math.min(jobs, availableParallelism());
  let ended = 0;
  /** How many runs are left. */
  const runEnded = () => {
    const left = runs - ++ended;
    if (left < cores) setFigureThreadsDrawing(left === 0 ? undefined : cores - left);
    return left;
  };
  return {
    ...progress,
    finished: (run, result) => {
      progress.finished(run, result);
      const left = runEnded();
      if (early && left > 0 && left < cores) {
        early.set(result.runDir, writeRunFigures(result.runDir, fc2Options).then(() => null, (error: Error) => error));
      }
    },
    failed: (run, reason) => { progress.failed(run, reason); runEnded(); },
  };
}

/** The train command's own options (as a temporary command shows them), less the grid axes. */
function passThroughOptions(): Option[] {
  return addRunOptions(new Command()).options.filter((o) => !AXES.includes(o.attributeName() as Axis));
}

/** The arguments that give the child every pass-through option the user set. */
function sharedArguments(command: Command, options: Record<string, unknown>, threadsSupported: boolean): string[] {
  const args: string[] = [];
  for (const option of passThroughOptions()) {
    const key = option.attributeName();
    if (command.getOptionValueSource(key) === "default" || options[key] === undefined) continue;
    if (option.isBoolean()) {
      if (options[key] === true) args.push(option.long!);
    } else {
      args.push(option.long!, String(options[key]));
    }
  }
  // Each run single-threaded: the grid's parallelism is one run per core (shareThreads may share out more).
  if (threadsSupported && !args.includes("--threads")) args.push("--threads", "1");
  if (options.overwrite) args.push("--overwrite");
  return args;
}

/**
 * A grid smaller than --jobs leaves cores that no run would use: its runs
 * share them out (a run's numbers do not depend on its thread count). Rewrites
 * each run's `--threads 1`; returns the threads each run gets.
 */
function shareThreads(runs: GridRun[], jobs: number): number {
  const threads = Math.max(1, Math.floor(jobs / runs.length));
  for (const run of runs) {
    const at = run.args.lastIndexOf("--threads");
    if (at >= 0) run.args[at + 1] = String(threads);
  }
  return threads;
}

/**
 * The grid's runs: the product of the axis flags' lists, or the sweep file's
 * configs, whose train options then count as given (a flag given as well is
 * refused: one place per setting).
 */
function gridRuns(command: Command, options: Record<string, unknown>, threadsSupported: boolean): GridRun[] {
  const shared = () => Object.fromEntries(Object.entries(options).filter(([key]) => !AXES.includes(key as Axis) && key !== "seeds")) as RunOptions;
  if (options.sweepFile === undefined) {
    const lists = Object.fromEntries(AXES.map((axis) =>
      [axis, axis === "seed"
        ? gridSeeds({ seeds: command.getOptionValueSource("seeds") === "cli" ? String(options.seeds) : undefined, seedList: options.seed as string | undefined })
        : splitList(axis, String(options[axis] ?? AXIS_DEFAULTS[axis]))])) as Record<Axis, string[]>;
    return expandGrid(lists, shared(), sharedArguments(command, options, threadsSupported));
  }
  const path = String(options.sweepFile);
  const axisFlags = [...AXES, "seeds"].filter((key) => command.getOptionValueSource(key) === "cli");
  if (axisFlags.length > 0) {
    throw new ConfigError(`--sweep-file ${path} holds the grid; remove ${axisFlags.map((key) => `--${key}`).join(", ")} ` +
      "(or put the values into the file's grid, random or seeds)");
  }
  const file = readSweepFile(path, passThroughOptions().map((o) => o.long!));
  for (const [key, value] of Object.entries(file.options)) {
    if (command.getOptionValueSource(key) === "cli") {
      throw new ConfigError(`${optionFlag(key)} is given both on the command line and in ${path}; keep one`);
    }
    command.setOptionValueWithSource(key, value, "config");
    options[key] = value;
  }
  return sweepFileRuns(file, shared(), sharedArguments(command, options, threadsSupported));
}

/** "batchSize" → "--batch-size". */
function optionFlag(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export async function compareCommand(command: Command, options: Record<string, unknown>): Promise<void> {
  const jobs = parseNumber("--jobs", String(options.jobs ?? availableParallelism()), { integer: true, min: 1, max: 256 });
  const fc2Options = resolveFc2Options({ ...options, seed: options.pickSeed as string | undefined } as never);
  const threadsSupported = passThroughOptions().some((o) => o.long === "--threads");
  const runs = gridRuns(command, options, threadsSupported);
  const queueAddress = options.queue !== undefined ? parseQueueUrl(String(options.queue)) : undefined;
  if (options.sweep !== undefined && !queueAddress) throw new ConfigError("--sweep names a sweep on a queue; give --queue redis://HOST:PORT too");
  if (queueAddress && options.jobs !== undefined) {
    throw new ConfigError("--jobs is for runs trained here; with --queue, each worker's --jobs says how many it trains at a time");
  }

  const logdir = resolve(runs[0].config.logdir);
  if (existsSync(logdir) && !statSync(logdir).isDirectory()) {
    throw new ConfigError(`logdir ${logdir} is a file, not a directory; give --logdir a directory path`);
  }
  if (options.resume && options.overwrite) throw new ConfigError("give either --resume or --overwrite, not both");
  // The sweep's name (given, or from the logdir and the grid) names its queue jobs and, with --early-stop, its cohort.
  const sweepName = options.sweep !== undefined ? validateSweepName(String(options.sweep)) : defaultSweepName(logdir, runs);
  joinCohort(runs, sweepName);
  const sweep = queueAddress ? await connectQueue(queueAddress, sweepName, options, logdir, runs) : undefined;
  let outcomes: RunOutcome[];
  // The figures of runs that finished while others trained, by run directory; null where they were made.
  const early = new Map<string, Promise<Error | null>>();
  const started = performance.now();
  try {
    // Re-attaching to a sweep already queued: its run directories are its own.
    const existing = sweep && sweep.queued.alreadyQueued > 0 ? [] : existingRunDirectories(runs, logdir);
    if (existing.length > 0 && !options.overwrite && !options.resume) {
      throw new ConfigError(`run directories already exist: ${existing.join(", ")}; pass --resume to continue the grid, ` +
        "--overwrite to train them again, or --logdir another directory (lenet-lab report LOGDIR remakes the report without training)");
    }
    const progress = createGridProgress(runs.map((r) => ({ name: r.config.runName, iterations: r.config.iterations })));
    const names = runs.map((r) => r.config.runName).join(", ");
    try {
      if (sweep) {
        progress.log(`lenet-lab compare: ${runs.length} runs (${names}) as sweep ${sweep.name} on the queue at ${queueAddress!.display}, ` +
          `trained by lenet-lab workers → ${logdir}`);
        outcomes = await followSweep(sweep.queued, sweep.name, progress);
      } else {
        // The cores are shared out unless the command line or the sweep file set --threads (as sharedArguments reads them).
        const threadsGiven = options.threads !== undefined && command.getOptionValueSource("threads") !== "default";
        const threads = threadsSupported && !threadsGiven ? shareThreads(runs, jobs) : undefined;
        const each = threads === undefined ? "" : threads === 1 ? ", each single-threaded" : `, each on ${threads} threads`;
        progress.log(`lenet-lab compare: ${runs.length} run${runs.length === 1 ? "" : "s"} (${names}), ` +
          `${Math.min(jobs, runs.length)} at a time${each} → ${logdir}`);
        const kept = options.resume ? planResume(runs, logdir) : new Map<number, RunOutcome>();
        outcomes = await runGrid(runs, {
          jobs, kept, command: [process.execPath, CLI],
          progress: drawingEarly(progress, runs.length, jobs, drawsRunsAlone(fc2Options) ? early : null, fc2Options),
        });
      }
    } finally {
      progress.stop();
    }
  } finally {
    await sweep?.queued.close();
  }
  const trainingSeconds = (performance.now() - started) / 1000;
  const finished = outcomes.filter((o) => o.ok);
  const resultRow = (o: RunOutcome) => `${o.run.padEnd(32)} ${formatPercent(o.result!.testAccuracy).padStart(13)} ` +
    `${o.result!.testLoss.toFixed(4).padStart(9)} ${`${o.result!.seconds.toFixed(0)} s`.padStart(7)}`;
  console.log(`\n${"run".padEnd(32)} ${"test accuracy".padStart(13)} ${"test loss".padStart(9)} ${"time".padStart(7)}`);
  for (const o of outcomes) {
    if (!o.result?.stoppedEarly) console.log(o.ok && o.result ? resultRow(o) : `${o.run.padEnd(32)} FAILED: ${o.error}`);
  }
  const stopped = outcomes.filter((o) => o.result?.stoppedEarly);
  if (stopped.length > 0) {
    console.log(`\nstopped early (--early-stop median: best test accuracy below the median of the other runs at the same iteration)`);
    for (const o of stopped) {
      const verdict = o.result!.stoppedEarly!;
      console.log(`${resultRow(o)}  at iteration ${verdict.iteration}: best ${formatPercent(verdict.bestTestAccuracy)} < ` +
        `median ${formatPercent(verdict.median)} of ${verdict.peers} others`);
    }
  }
  printGroups(runs, outcomes);
  console.log(`training took ${trainingSeconds.toFixed(0)} s of wall time`);

  if (finished.length > 0) {
    const started = performance.now();
    const took = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
    console.error(`making the fc2 maps of ${finished.length} run${finished.length === 1 ? "" : "s"}, the cross-run figures and the report ` +
      "(confusion matrices, charts, findings)…");
    // One pass: the maps of the runs just trained are made again even where they exist, all drawn with the report's
    // figures at once; runs whose figures are being made since they finished are left to that (a failure there is
    // tried again), and the report starts on the others without waiting for them.
    const remakeFc2 = finished.map((o) => o.result!.runDir).filter((dir) => !early.has(dir));
    const report = await writeReport(logdir, { colormap: fc2Options.colormap, fc2: fc2Options, remakeFc2, drawing: early });
    console.log(`fc2 maps → ${finished.map((o) => join(o.result!.runDir, "fc2")).join(", ")}`);
    console.log(`cross-run figures → ${join(logdir, "compare")}\nreport → ${report.html} and ${report.markdown}`);
    console.error(`maps, figures and report took ${took()}`);
  }
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length > 0) {
    throw new CommandStop(1, `${failed.length} of ${outcomes.length} runs failed: ${failed.map((o) => `${o.run} (${o.error})`).join("; ")}. ` +
      "Runs stopped with a checkpoint continue with the same command and --resume");
  }
}

/** Connects to the queue and looks up the sweep `name`. */
async function connectQueue(address: QueueAddress, name: string, options: Record<string, unknown>, logdir: string,
  runs: GridRun[]): Promise<{ name: string; queued: QueuedSweep }> {
  const queued = await connectSweep({
    address, sweep: name, logdir, runs, overwrite: options.overwrite === true, resume: options.resume === true,
    log: (text) => console.error(`lenet-lab: ${text}`),
  });
  return { name, queued };
}

/** Submits the sweep and follows it; Ctrl-C (SIGINT, SIGTERM) stops following and leaves the sweep running. */
async function followSweep(queued: QueuedSweep, name: string, progress: GridProgress): Promise<RunOutcome[]> {
  const stop = new AbortController();
  let signal: NodeJS.Signals | undefined;
  const onSignal = (received: NodeJS.Signals) => {
    signal = received;
    stop.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const outcomes = await queued.submitAndFollow(progress, stop.signal);
    if (outcomes !== "detached") return outcomes;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
  throw new CommandStop(signal === "SIGTERM" ? 143 : 130, `${signal ?? "SIGINT"}: stopped following sweep ${name}; its runs go on ` +
    `on the workers. The same command again re-attaches to it (and writes the report when all are done)`);
}

/** Adds `compare` to the program. */
export function registerCompareCommand(program: Command): void {
  const command = program
    .command("compare")
    .description("train a grid of runs in parallel (comma lists: --activation relu,sigmoid --optimizer adam,sgd --lr 0.01,0.1), " +
      "then write fc2 maps, cross-run figures and the report (LOGDIR/report/index.html)")
    .option("--activation <list>", "activations, comma-separated", AXIS_DEFAULTS.activation)
    .option("--optimizer <list>", "optimizers, comma-separated", AXIS_DEFAULTS.optimizer)
    .option("--lr <list>", "learning rates, comma-separated", AXIS_DEFAULTS.lr)
    .option("--seeds <count|list>", "seeds of every config: a count (5 = seeds 0…4) or a comma list (0,1,2); the runs of a config " +
      "that differ only in the seed are a group, described by its mean and spread", AXIS_DEFAULTS.seed)
    .option("--seed <list>", "seeds as a comma list (instead of --seeds)")
    .option("--sweep-file <path>", "the grid as a file instead of the lists above (.json or .yaml): grid values and random-search " +
      "distributions of activation, optimizer and lr, samples, seed (of the draws), seeds, and any train option; see the README")
    .option("--jobs <n>", "runs trained at the same time (default: one per core)")
    .option("--queue <url>", "run the grid on lenet-lab workers through the Redis at redis://HOST:PORT[/DB] (a BullMQ queue), " +
      "on any machines that share the logdir, instead of here")
    .option("--sweep <name>", "the sweep's name on the queue (default: the logdir's name and a hash of the logdir and the grid); " +
      "the same name again re-attaches to it");
  for (const option of passThroughOptions()) command.addOption(option);
  addFc2Options(command, false)
    .option("--pick-seed <n>", "seed of the fc2 maps' --pick random")
    .option("--overwrite", "train runs again whose directories already exist")
    .option("--resume", "continue a stopped grid: keep finished runs, resume the others from their checkpoints")
    .action(async (options: Record<string, unknown>) => {
      try {
        await compareCommand(command, options);
      } finally {
        if (options.queue !== undefined) exitWithin(QUEUE_EXIT_TIMEOUT_MS);
      }
    });
}

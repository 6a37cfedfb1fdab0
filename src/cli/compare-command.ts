// `lenet-lab compare`: a run grid — the Cartesian product of comma lists of
// activations, optimizers and learning rates, each over several seeds (the
// runs of one grid point that differ only in the seed are a group, which the
// report and the board describe with its spread) — trained as separate
// `lenet-lab train --json` child processes, --jobs at a time, with a progress
// display per run; then the fc2 maps of every finished run, the cross-run
// figures and the report (src/report). Defaults are the classic experiment
// over three seeds: relu and sigmoid, Adam, lr 0.01, batch 64, 2000
// iterations, eval every 50, seeds 0, 1, 2.
// A failing run does not stop the others; it is reported and the exit code is 1.
// --resume continues a grid that was stopped: finished runs are kept, runs
// with a checkpoint continue from it, the others start (again).

import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import { computeRunsFc2, writeRunsFc2 } from "../report/fc2-runs.js";
import { writeReport } from "../report/write-report.js";
import { CHECKPOINT_FILE } from "../train/checkpoint.js";
import { ConfigError, RunConfig, RunOptions, parseNumber, parseSeeds, resolveRunConfig, seededRunName, validateRunName } from "../train/config.js";
import { RUN_FILE, RunSummary } from "../train/run-directory.js";
import { describe } from "../stats/describe.js";
import { groupRuns, seedList } from "../stats/run-groups.js";
import { addRunOptions } from "./train-command.js";
import { CommandStop } from "./command-stop.js";
import { addFc2Options, resolveFc2Options } from "./features-command.js";
import { createGridProgress, GridProgress } from "./compare-progress.js";
import { formatPercent } from "./progress.js";

/** The options that take comma lists; every other run option applies to every run. */
const AXES = ["activation", "optimizer", "lr", "seed"] as const;
type Axis = (typeof AXES)[number];
const AXIS_DEFAULTS: Record<Axis, string> = { activation: "relu,sigmoid", optimizer: "adam", lr: "0.01", seed: "0,1,2" };

/** The built CLI next to this file (dist/src/cli/main.js). */
const CLI = fileURLToPath(new URL("./main.js", import.meta.url));

export interface GridRun {
  config: RunConfig;
  /** Arguments of `lenet-lab train` for this run. */
  args: string[];
}

export interface RunOutcome {
  run: string;
  ok: boolean;
  /** The train command's JSON summary (ok) or why it failed. */
  result?: { testAccuracy: number; testLoss: number; seconds: number; runDir: string };
  error?: string;
}

/** "relu, sigmoid" → ["relu", "sigmoid"]; refuses empty items. */
export function splitList(option: string, value: string): string[] {
  const items = value.split(",").map((item) => item.trim());
  if (items.some((item) => item === "")) throw new ConfigError(`--${option} "${value}" has an empty item; give a comma list such as relu,sigmoid`);
  return items;
}

/**
 * The grid's seeds: --seeds (a count or a list, default 0,1,2) or --seed (a
 * comma list, as in earlier versions); not both.
 */
export function gridSeeds(command: Command, options: Record<string, unknown>): string[] {
  const seedsGiven = command.getOptionValueSource("seeds") === "cli";
  const seedGiven = options.seed !== undefined;
  if (seedsGiven && seedGiven) throw new ConfigError("give either --seeds (a count or a list) or --seed (a list), not both");
  if (seedGiven) return splitList("seed", String(options.seed));
  return parseSeeds(String(options.seeds ?? AXIS_DEFAULTS.seed)).map(String);
}

/**
 * Every combination of the axis lists, each validated as a full run config
 * (so a bad value stops everything before anything runs), with the train
 * arguments that reproduce it. `shared` are the other options, as train takes them.
 */
export function expandGrid(lists: Record<Axis, string[]>, shared: RunOptions, sharedArgs: string[]): GridRun[] {
  const runs: GridRun[] = [];
  for (const activation of lists.activation) {
    for (const optimizer of lists.optimizer) {
      for (const lr of lists.lr) {
        for (const seed of lists.seed) {
          const resolved = resolveRunConfig({ ...shared, activation, optimizer, lr, seed, runName: undefined });
          const config = { ...resolved, runName: validateRunName(seededRunName(resolved)) };
          const args = ["train", "--activation", activation, "--optimizer", optimizer, "--lr", lr, "--seed", seed,
            "--run-name", config.runName, ...sharedArgs, "--json"];
          runs.push({ config, args });
        }
      }
    }
  }
  const names = runs.map((r) => r.config.runName);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new ConfigError(`two grid points are the same run (${duplicate}); remove the repeated value from the lists`);
  return runs;
}

/** Runs one `lenet-lab train` child; resolves with its outcome (never rejects). */
function runChild(run: GridRun, progress: GridProgress): Promise<RunOutcome> {
  const name = run.config.runName;
  return new Promise((resolveOutcome) => {
    progress.started(name);
    const child = spawn(process.execPath, [CLI, ...run.args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    const errors: string[] = [];
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    createInterface({ input: child.stderr }).on("line", (line) => {
      if (line.startsWith("lenet-lab:") || errors.length > 0) errors.push(line.replace(/^lenet-lab:\s*/, ""));
      else progress.line(name, line);
    });
    child.on("error", (error) => resolveOutcome({ run: name, ok: false, error: `could not start: ${error.message}` }));
    child.on("close", (code, signal) => {
      const last = stdout.trim().split("\n").pop() ?? "";
      if (code === 0) {
        try {
          const result = JSON.parse(last);
          progress.finished(name, { testAccuracy: formatPercent(result.testAccuracy), seconds: result.seconds });
          resolveOutcome({ run: name, ok: true, result });
          return;
        } catch {
          errors.push(`its last line of output is not the JSON summary: ${last.slice(0, 200)}`);
        }
      }
      const reason = errors.join(" ").trim() || (signal ? `killed by ${signal}` : `exit code ${code}`);
      progress.failed(name, reason);
      resolveOutcome({ run: name, ok: false, error: reason });
    });
  });
}

/**
 * How --resume treats a grid point whose directory exists: a finished run is
 * kept as it is, a run with a checkpoint continues from it, anything else
 * (stopped before its first checkpoint) starts again.
 */
export function resumePlan(run: GridRun, runDir: string): { keep: RunOutcome } | { args: string[] } {
  let summary: RunSummary | undefined;
  try {
    summary = JSON.parse(readFileSync(join(runDir, RUN_FILE), "utf8")) as RunSummary;
  } catch {
    summary = undefined;
  }
  if (summary?.status === "finished" && summary.final) {
    const { testAccuracy, testLoss } = summary.final;
    return { keep: { run: run.config.runName, ok: true, result: { testAccuracy, testLoss, seconds: summary.seconds, runDir } } };
  }
  if (existsSync(join(runDir, CHECKPOINT_FILE))) return { args: ["train", "--resume", runDir, "--json"] };
  return { args: [...run.args.filter((arg) => arg !== "--overwrite"), "--overwrite"] };
}

/** Runs every grid point, `jobs` at a time; outcomes in grid order. */
export async function runGrid(runs: readonly GridRun[], jobs: number, progress: GridProgress,
  kept: ReadonlyMap<number, RunOutcome> = new Map()): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = new Array(runs.length);
  let next = 0;
  const worker = async () => {
    while (next < runs.length) {
      const index = next++;
      const keep = kept.get(index);
      if (keep) {
        progress.finished(keep.run, { testAccuracy: formatPercent(keep.result!.testAccuracy), seconds: keep.result!.seconds });
        outcomes[index] = keep;
      } else {
        outcomes[index] = await runChild(runs[index], progress);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, runs.length) }, worker));
  return outcomes;
}

/** Each group's final test accuracy over its finished seeds: mean ± std (n), range, and the seeds that did not finish. */
function printGroups(runs: readonly GridRun[], outcomes: readonly RunOutcome[]): void {
  const groups = groupRuns(runs.map((run, i) => ({ run, outcome: outcomes[i] })), ({ run }) => ({ name: run.config.runName, config: run.config }));
  if (groups.every((g) => g.members.length < 2)) return;
  console.log(`\n${"group".padEnd(32)} ${"seeds".padStart(5)} ${"final test accuracy".padStart(19)} ${"range".padStart(17)}`);
  for (const group of groups) {
    const done = group.members.filter((m) => m.run.outcome.ok);
    const d = describe(done.map((m) => m.run.outcome.result!.testAccuracy));
    const missing = group.members.filter((m) => !m.run.outcome.ok).map((m) => m.seed);
    const accuracy = d.n === 0 ? "—" : d.n === 1 ? formatPercent(d.mean) : `${formatPercent(d.mean)} ± ${(100 * d.std).toFixed(2)}`;
    const range = d.n < 2 ? "" : `${formatPercent(d.min)} … ${formatPercent(d.max)}`;
    console.log(`${group.name.padEnd(32)} ${String(d.n).padStart(5)} ${accuracy.padStart(19)} ${range.padStart(17)}` +
      (missing.length > 0 ? `  (${seedList(missing)} did not finish)` : ""));
  }
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
  // Each run single-threaded: the grid's parallelism is one run per core.
  if (threadsSupported && !args.includes("--threads")) args.push("--threads", "1");
  if (options.overwrite) args.push("--overwrite");
  return args;
}

export async function compareCommand(command: Command, options: Record<string, unknown>): Promise<void> {
  const lists = Object.fromEntries(AXES.map((axis) =>
    [axis, axis === "seed" ? gridSeeds(command, options) : splitList(axis, String(options[axis] ?? AXIS_DEFAULTS[axis]))])) as Record<Axis, string[]>;
  const jobs = parseNumber("--jobs", String(options.jobs ?? availableParallelism()), { integer: true, min: 1, max: 256 });
  const fc2Options = resolveFc2Options({ ...options, seed: options.pickSeed as string | undefined } as never);
  const threadsSupported = passThroughOptions().some((o) => o.long === "--threads");
  const shared = Object.fromEntries(Object.entries(options).filter(([key]) => !AXES.includes(key as Axis) && key !== "seeds")) as RunOptions;
  const runs = expandGrid(lists, shared, sharedArguments(command, options, threadsSupported));

  const logdir = resolve(runs[0].config.logdir);
  if (existsSync(logdir) && !statSync(logdir).isDirectory()) {
    throw new ConfigError(`logdir ${logdir} is a file, not a directory; give --logdir a directory path`);
  }
  if (options.resume && options.overwrite) throw new ConfigError("give either --resume or --overwrite, not both");
  const existing = runs.map((r) => join(logdir, r.config.runName)).filter((dir) => existsSync(dir) && readdirSync(dir).length > 0);
  if (existing.length > 0 && !options.overwrite && !options.resume) {
    throw new ConfigError(`run directories already exist: ${existing.join(", ")}; pass --resume to continue the grid, ` +
      "--overwrite to train them again, or --logdir another directory (lenet-lab report LOGDIR remakes the report without training)");
  }
  const kept = new Map<number, RunOutcome>();
  if (options.resume) {
    runs.forEach((run, index) => {
      const runDir = join(logdir, run.config.runName);
      if (!existsSync(runDir) || readdirSync(runDir).length === 0) return;
      const plan = resumePlan(run, runDir);
      if ("keep" in plan) kept.set(index, plan.keep);
      else run.args = plan.args;
    });
  }

  const progress = createGridProgress(runs.map((r) => ({ name: r.config.runName, iterations: r.config.iterations })));
  progress.log(`lenet-lab compare: ${runs.length} runs (${runs.map((r) => r.config.runName).join(", ")}), ` +
    `${Math.min(jobs, runs.length)} at a time${threadsSupported ? ", each single-threaded" : ""} → ${logdir}`);
  const started = performance.now();
  let outcomes: RunOutcome[];
  try {
    outcomes = await runGrid(runs, jobs, progress, kept);
  } finally {
    progress.stop();
  }
  const trainingSeconds = (performance.now() - started) / 1000;
  const finished = outcomes.filter((o) => o.ok);
  console.log(`\n${"run".padEnd(32)} ${"test accuracy".padStart(13)} ${"test loss".padStart(9)} ${"time".padStart(7)}`);
  for (const o of outcomes) {
    console.log(o.ok && o.result
      ? `${o.run.padEnd(32)} ${formatPercent(o.result.testAccuracy).padStart(13)} ${o.result.testLoss.toFixed(4).padStart(9)} ${`${o.result.seconds.toFixed(0)} s`.padStart(7)}`
      : `${o.run.padEnd(32)} FAILED: ${o.error}`);
  }
  printGroups(runs, outcomes);
  console.log(`training took ${trainingSeconds.toFixed(0)} s of wall time`);

  if (finished.length > 0) {
    const fc2 = computeRunsFc2(finished.map((o) => o.result!.runDir), fc2Options);
    await writeRunsFc2(fc2, fc2Options);
    console.log(`fc2 maps → ${finished.map((o) => join(o.result!.runDir, "fc2")).join(", ")}`);
    const report = await writeReport(logdir, { colormap: fc2Options.colormap, fc2: fc2Options });
    console.log(`cross-run figures → ${join(logdir, "compare")}\nreport → ${report.html} and ${report.markdown}`);
  }
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length > 0) {
    throw new CommandStop(1, `${failed.length} of ${outcomes.length} runs failed: ${failed.map((o) => `${o.run} (${o.error})`).join("; ")}. ` +
      "Runs stopped with a checkpoint continue with the same command and --resume");
  }
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
    .option("--jobs <n>", "runs trained at the same time (default: one per core)");
  for (const option of passThroughOptions()) command.addOption(option);
  addFc2Options(command, false)
    .option("--pick-seed <n>", "seed of the fc2 maps' --pick random")
    .option("--overwrite", "train runs again whose directories already exist")
    .option("--resume", "continue a stopped grid: keep finished runs, resume the others from their checkpoints")
    .action(async (options: Record<string, unknown>) => {
      await compareCommand(command, options);
    });
}

// `lenet-lab features RUN_DIR…`: the fc2 maps of finished runs, from their
// checkpoints, into RUN_DIR/fc2 (see src/figures/fc2-files.ts for the files),
// and what each run gets wrong: RUN_DIR/confusion.png and misclassified.png.
// A thin shell over src/report/fc2-runs.ts: parses and checks the options,
// then loads, computes and writes.

import { Command, Option } from "commander";
import { COLORMAPS, parseColormap } from "../figures/colormaps.js";
import { SCALES, parseScale } from "../figures/fc2-figures.js";
import { DEFAULT_PER_DIGIT, PICKS, PickRule } from "../figures/fc2-matrices.js";
import { CONFUSION_PNG, MISCLASSIFIED_PNG, writeRunsClassFigures } from "../report/class-runs.js";
import { Fc2MapOptions, computeRunsFc2, writeRunsFc2 } from "../report/fc2-runs.js";
import { ConfigError, parseNumber } from "../train/config.js";
import { RunLoadError } from "../train/load-run.js";
import { CommandStop } from "./command-stop.js";

export interface FeaturesCommandOptions {
  pick?: string;
  seed?: string;
  perDigit?: string;
  scale?: string;
  colormap?: string;
}

/** Validates the fc2 map options (shared by features, compare and report); throws ConfigError. */
export function resolveFc2Options(options: FeaturesCommandOptions): Fc2MapOptions {
  const pick = (options.pick ?? "first").trim().toLowerCase();
  if (!(PICKS as readonly string[]).includes(pick)) {
    throw new ConfigError(`unknown --pick "${options.pick}"; valid: first (the first images in test order), random (with --seed S)`);
  }
  const seed = options.seed !== undefined ? parseNumber("--seed", options.seed, { integer: true, min: 0, max: 4294967295 }) : null;
  if (pick === "first" && seed !== null) throw new ConfigError("--seed only applies with --pick random");
  const perDigit = parseNumber("--per-digit", options.perDigit ?? String(DEFAULT_PER_DIGIT), { integer: true, min: 1, max: 800 });
  try {
    return {
      pick: pick as PickRule, seed: pick === "random" ? seed ?? 0 : null, perDigit,
      scale: parseScale(options.scale ?? "minmax"), colormap: parseColormap(options.colormap ?? "viridis"),
    };
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** Adds the fc2 map options to a command. */
export function addFc2Options(command: Command, seedOption = true): Command {
  command
    .addOption(new Option("--pick <rule>", "which test images: the first of each digit in test order, or a seeded random choice").choices(PICKS).default("first"))
    .option("--per-digit <n>", "test images per digit (rows of each map)", String(DEFAULT_PER_DIGIT));
  if (seedOption) command.option("--seed <n>", "seed of --pick random (default 0)");
  return command
    .addOption(new Option("--scale <rule>", "colour scale: each map's own min–max, or one shared by all digits (and runs)").choices(SCALES).default("minmax"))
    .addOption(new Option("--colormap <name>", "colormap of the maps").choices(COLORMAPS).default("viridis"));
}

export async function featuresCommand(runDirs: string[], options: FeaturesCommandOptions): Promise<string[]> {
  const fc2Options = resolveFc2Options(options);
  let runs;
  try {
    runs = computeRunsFc2(runDirs, fc2Options);
  } catch (error) {
    if (error instanceof RunLoadError) throw new CommandStop(1, error.message);
    throw error;
  }
  const written = await writeRunsFc2(runs, fc2Options);
  for (const run of runs) console.log(`${run.runName}: fc2 maps of ${fc2Options.perDigit} test images per digit → ${run.runDir}/fc2`);
  written.push(...await writeRunsClassFigures(runs.map((run) => run.runDir)));
  for (const run of runs) console.log(`${run.runName}: confusion matrix and surest mistakes → ${run.runDir}/${CONFUSION_PNG}, ${MISCLASSIFIED_PNG}`);
  return written;
}

/** Adds `features` to the program. */
export function registerFeaturesCommand(program: Command): void {
  addFc2Options(program
    .command("features")
    .description("fc2 feature maps of finished runs: RUN_DIR/fc2/digit-<d>.png and .csv, all-digits.png, class-means.png, " +
      "class-similarity.png, indices.json; and RUN_DIR/confusion.png, misclassified.png")
    .argument("<run-dir...>", "directories of finished runs (holding run.json and model.safetensors)"))
    .action(async (runDirs: string[], options: FeaturesCommandOptions) => {
      await featuresCommand(runDirs, options);
    });
}

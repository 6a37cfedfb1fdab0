// `LOGDIR/report/`: index.html and report.md with every figure as a file in
// report/img/, so the directory stands alone (opens from disk, offline).
// Reads the logdir (run-data.ts, once), groups the runs by seed (groups.ts),
// makes the fc2 maps of runs that lack them (or of the runs it is told to
// remake) and the cross-run figures of one seed per group (src/figures),
// writes each group's mean, min and max curves for TensorBoard
// (LOGDIR/_groups), renders the charts, computes the findings, and writes the
// two documents. Every figure is asked for before any is awaited, so the
// figure threads draw while this thread computes. Can be run again at any time.

import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { CLASS_NAMES } from "../data/datasets.js";
import { ColormapName } from "../figures/colormaps.js";
import {
  ALL_DIGITS_PNG, CLASS_MEANS_PNG, CLASS_SIMILARITY_PNG, COMPARE_DIR, CROSS_RUN_ALL_PNG, FC2_DIR, crossRunPngName,
  digitPngName, hasFc2Directory, readFc2Directory,
} from "../figures/fc2-files.js";
import { Fc2Matrices, classMeans, cosineSimilarity, meanOffDiagonal } from "../figures/fc2-matrices.js";
import { Fc2MapOptions, classNamer, computeRunsFc2, drawsRunsAlone, writeLogdirCrossRun, writeRunsFc2 } from "./fc2-runs.js";
import { renderVegaLite } from "../figures/render.js";
import { startFigureThreads } from "../figures/render-pool.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { loadRun } from "../train/load-run.js";
import { MODEL_FILE } from "../train/run-directory.js";
import { GROUP_RUNS_DIR } from "../stats/run-groups.js";
import type { TopLevelSpec } from "vega-lite";
import { writeGroupAggregateRuns } from "../stats/aggregate-runs.js";
import { listEventFiles } from "../tensorboard/reader.js";
import { assignLogdirColors, runCreatedAt } from "../util/run-colors.js";
import { ChartGroup, ParameterValues, curvesChart, gradientNormChart, perClassErrorChart, unitHealthChart, weightDistributionChart } from "./charts.js";
import { CONFUSION_PNG, MISCLASSIFIED_PNG, hasClassFigures, writeRunsClassFigures } from "./class-runs.js";
import { Fc2Stats, computeFindings } from "./findings.js";
import { reportHtml } from "./html.js";
import { reportGroups } from "./groups.js";
import { ReportContent, RunFigures, reportMarkdown } from "./markdown.js";
import { LogdirData, readLogdir } from "./run-data.js";

export const REPORT_DIR = "report";
export const REPORT_HTML = "index.html";
export const REPORT_MARKDOWN = "report.md";

/** TensorBoard images shown per run, in order; kernels also show their first logged state. */
const LOGGED_TAGS = ["kernels/conv1", "kernels/conv2", "weights/fc1", "weights/fc2", "weights/fc3", "feature_maps/conv1", "feature_maps/conv2"];
const SHOW_FIRST = new Set(["kernels/conv1", "kernels/conv2"]);

/** Charts are rendered at this zoom and shown at their natural size, for sharp text. */
const CHART_ZOOM = 2;

export interface ReportOptions {
  colormap?: ColormapName;
  /** How to make the fc2 maps of runs that have none (default: first 100 per digit, min–max, viridis). */
  fc2?: Fc2MapOptions;
  /** Printed as the report is made; default: nothing. */
  log?: (line: string) => void;
  /**
   * Run directories whose fc2 maps are made again even where they exist
   * (compare's freshly trained runs), on one scale when fc2.scale is shared;
   * a failure there throws instead of becoming a note.
   */
  remakeFc2?: readonly string[];
  /**
   * Run directories whose fc2 maps and class figures somebody else is
   * drawing (compare's runs that finished while others trained), each with
   * the promise of that drawing (its error, or null). The report starts on
   * the other runs at once, waits for these before it reads them, and
   * remakes those whose drawing failed.
   */
  drawing?: ReadonlyMap<string, Promise<Error | null>>;
}

export interface WrittenReport {
  dir: string;
  html: string;
  markdown: string;
  runs: string[];
  notes: string[];
}

/** Whether the run has a model but not its confusion.png and misclassified.png. */
function lacksClassFigures(runDir: string): boolean {
  return !hasClassFigures(runDir) && existsSync(join(runDir, MODEL_FILE));
}

/** Makes confusion.png and misclassified.png for the runs given; returns notes on failures. */
async function makeClassFigures(runDirs: readonly string[]): Promise<string[]> {
  const notes: string[] = [];
  await writeRunsClassFigures(runDirs, (runDir, error) => {
    notes.push(`confusion and misclassified figures of ${basename(runDir)} could not be made: ${error.message}`);
  });
  return notes;
}

/**
 * Makes fc2 maps for finished runs that have a model but no fc2 directory
 * (and are not in `skip`), adding their matrices to `computed` by run
 * directory at once (their CSVs come later); returns notes on failures.
 */
async function ensureFc2Maps(data: LogdirData, options: Fc2MapOptions, skip: readonly string[], computed: Map<string, Fc2Matrices>): Promise<string[]> {
  const notes: string[] = [];
  const writing: Promise<unknown>[] = [];
  for (const run of data.runs) {
    if (skip.includes(run.dir) || hasFc2Directory(run.dir) || !existsSync(join(run.dir, MODEL_FILE))) continue;
    const failed = (error: unknown) => notes.push(`fc2 maps of ${run.name} could not be made: ${(error as Error).message}`);
    try {
      // Computed one run after the other; drawn all at once by the figure threads.
      const [runFc2] = computeRunsFc2([run.dir], options);
      computed.set(resolve(run.dir), runFc2.matrices);
      writing.push(writeRunsFc2([runFc2], options).catch(failed));
    } catch (error) {
      failed(error);
    }
  }
  await Promise.all(writing);
  return notes;
}

/** The run directories of `drawing` whose drawing failed, once every one has ended. */
async function drawingFailures(drawing: ReadonlyMap<string, Promise<Error | null>> | undefined): Promise<string[]> {
  const ended = await Promise.all([...(drawing ?? [])].map(async ([dir, made]) => ((await made) === null ? null : resolve(dir))));
  return ended.filter((dir): dir is string => dir !== null);
}

function fc2Stats(byDigit: readonly Float32Array[]): Fc2Stats {
  let zeros = 0;
  let total = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const m of byDigit) {
    for (const v of m) {
      total++;
      if (v === 0) zeros++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { meanCosine: meanOffDiagonal(cosineSimilarity(classMeans(byDigit))), zeroFraction: zeros / total, min, max };
}

/** Writes the report of `logdir` into logdir/report; returns the paths. */
export async function writeReport(logdir: string, options: ReportOptions = {}): Promise<WrittenReport> {
  const log = options.log ?? (() => {});
  const colormap = options.colormap ?? options.fc2?.colormap ?? "viridis";
  const fc2Options: Fc2MapOptions = options.fc2 ?? { pick: "first", seed: null, scale: "minmax", colormap };
  startFigureThreads(); // each imports Vega and resvg while this thread reads and computes
  // The fc2 maps first, so that the figure threads have their figures to draw while this thread goes on.
  const remakeFc2 = (options.remakeFc2 ?? []).map((dir) => resolve(dir));
  const remadeMatrices = new Map<string, Fc2Matrices>();
  const remaking: Promise<unknown>[] = [];
  /** Notes on class figures that could not be made, for each call of remake. */
  const classFirstNotes: Promise<string[]>[] = [];
  const classFirst: string[] = [];
  /** Asks for the fc2 maps of `dirs`, then for their class figures (from run.json, or by classifying the test set). */
  const remake = (dirs: readonly string[]) => {
    // Each run's figures are asked for as soon as its matrices are computed, unless one scale spans every run.
    for (const group of drawsRunsAlone(fc2Options) ? dirs.map((dir) => [dir]) : [dirs]) {
      if (group.length === 0) continue;
      const computed = computeRunsFc2(group, fc2Options);
      for (const run of computed) remadeMatrices.set(resolve(run.runDir), run.matrices);
      remaking.push(writeRunsFc2(computed, fc2Options));
    }
    const lacking = dirs.filter(lacksClassFigures);
    classFirst.push(...lacking);
    classFirstNotes.push(makeClassFigures(lacking));
  };
  remake(remakeFc2);
  // Their CSVs (and those of runs that had no maps) are written while the figures are drawn: until then the matrices
  // in memory stand for them.
  const hasFc2 = (dir: string) => remadeMatrices.has(resolve(dir)) || hasFc2Directory(dir);
  // This thread reads the logdir while those are drawn; figures drawn elsewhere are waited for only then.
  const data = readLogdir(logdir);
  const failedElsewhere = await drawingFailures(options.drawing);
  remake(failedElsewhere);
  const fc2Made = ensureFc2Maps(data, fc2Options, [...remakeFc2, ...failedElsewhere], remadeMatrices);
  const runs = data.runs;
  const groups = reportGroups(runs, data.unfinished);
  // The dashboard's colours: every run of the logdir with event files placed in creation order, then the groups of seeds.
  const colors = assignLogdirColors(
    [...runs.map((r) => ({ name: r.name, createdAt: runCreatedAt(r.eventFiles) })),
      ...data.unfinished.map((u) => ({ name: u.name, createdAt: runCreatedAt(listEventFiles(u.dir)) })).filter((u) => u.createdAt !== null)],
    groups.filter((g) => g.members.length >= 2).map((g) => ({ name: g.name, runs: g.members.map((m) => m.run.name) })));
  const runColor = (name: string) => colors.runs.get(name) ?? "#888888";
  const chartGroups: ChartGroup[] = groups.map((g) => ({
    name: g.name, runs: g.members.map((m) => m.run),
    color: g.members.length >= 2 ? colors.groups.get(g.name) ?? "#888888" : runColor(g.members[0]!.run.name),
  }));
  // Pictures show one seed per group; statistics use every seed.
  const shown = groups.map((g) => g.representative.run);
  const notes: string[] = [];
  try {
    const { dirs } = writeGroupAggregateRuns(data.logdir, groups.filter((g) => g.members.length >= 2)
      .map((g) => ({ name: g.name, runDirs: g.members.map((m) => m.run.dir) })));
    if (dirs.length > 0) log(`each group's mean, min and max curves for TensorBoard → ${join(data.logdir, GROUP_RUNS_DIR)}`);
  } catch (error) {
    notes.push(`the groups' aggregate curves for TensorBoard were not written: ${(error as Error).message}`);
  }

  const withFc2 = runs.filter((r) => hasFc2(r.dir));
  const shownWithFc2 = shown.filter((r) => hasFc2(r.dir));
  let crossRun: ReportContent["crossRun"];
  let crossRunMade: Promise<unknown> = Promise.resolve();
  if (shownWithFc2.length > 0) {
    const first = shownWithFc2[0].summary.config.dataset;
    const failed = (error: unknown) => notes.push(`cross-run fc2 figures not made: ${(error as Error).message}`);
    try {
      crossRunMade = writeLogdirCrossRun(data.logdir, shownWithFc2.map((r) => ({ runDir: r.dir, runName: r.name, matrices: remadeMatrices.get(resolve(r.dir)) })),
        { colormap, className: classNamer({ name: first, classNames: CLASS_NAMES[first] }) })
        .then(() => log(`cross-run fc2 figures → ${join(data.logdir, COMPARE_DIR)}`), failed);
    } catch (error) {
      failed(error);
    }
  }

  const dir = join(data.logdir, REPORT_DIR);
  const imageDir = join(dir, "img");
  rmSync(imageDir, { recursive: true, force: true });
  mkdirSync(imageDir, { recursive: true });
  const displayWidths = new Map<string, number>();
  const place = (relative: string, bytes: Uint8Array) => {
    mkdirSync(join(dir, relative, ".."), { recursive: true });
    writeFileSync(join(dir, relative), bytes);
    return relative;
  };
  const copy = (source: string, relative: string) => {
    if (!existsSync(source)) return undefined;
    mkdirSync(join(dir, relative, ".."), { recursive: true });
    copyFileSync(source, join(dir, relative));
    return relative;
  };
  const chart = async (name: string, spec: TopLevelSpec | null) => {
    if (!spec) return undefined;
    const rendered = await renderVegaLite(spec, CHART_ZOOM);
    const relative = place(`img/${name}.png`, rendered.png);
    displayWidths.set(relative, Math.round(rendered.width / CHART_ZOOM));
    return relative;
  };

  const charts: ReportContent["charts"] = {};
  const chartsDrawn: Promise<unknown>[] = [];
  const weightNotes: string[] = [];
  if (runs.length > 0) {
    const drawn = (key: keyof ReportContent["charts"], name: string, spec: TopLevelSpec | null) =>
      chartsDrawn.push(chart(name, spec).then((path) => (charts[key] = path)));
    drawn("loss", "loss", curvesChart(chartGroups, "loss"));
    drawn("accuracy", "accuracy", curvesChart(chartGroups, "accuracy"));
    drawn("gradients", "gradient-norms", gradientNormChart(chartGroups));
    drawn("units", "dead-and-saturated-units", unitHealthChart(chartGroups));
    drawn("perClass", "per-class-error", perClassErrorChart(chartGroups));
    const parameters: ParameterValues[] = [];
    for (const run of shown) {
      try {
        for (const p of loadRun(run.dir).network.params.list) parameters.push({ run: run.name, parameter: p.name, values: p.value });
      } catch (error) {
        weightNotes.push(`weights of ${run.name} not shown: ${(error as Error).message}`);
      }
    }
    if (parameters.length > 0) drawn("weights", "weight-distributions", weightDistributionChart(parameters, shown.map((r) => ({ name: r.name, color: runColor(r.name) }))));
  }
  // The test sets are classified here while the figure threads draw what was asked for above.
  const classMade = makeClassFigures(data.runs.map((run) => run.dir).filter((dir) => !classFirst.includes(dir) && lacksClassFigures(dir)));
  const [fc2Notes, classNotes, firstNotes] = await Promise.all([fc2Made, classMade, Promise.all(classFirstNotes), ...remaking, crossRunMade, ...chartsDrawn]);
  notes.unshift(...fc2Notes, ...firstNotes.flat(), ...classNotes);
  notes.push(...weightNotes);

  const figures = new Map<string, RunFigures>();
  let inputs: string | undefined;
  for (const run of shown) {
    const logged: RunFigures["logged"] = [];
    for (const tag of LOGGED_TAGS) {
      const last = run.images.get(tag);
      if (!last) continue;
      const file = tag.replace(/\//g, "-");
      const first = run.firstImages.get(tag);
      const showFirst = SHOW_FIRST.has(tag) && first && first.step !== last.step;
      logged.push({
        tag, step: last.step, path: place(`img/logged/${run.name}/${file}.png`, last.png),
        ...(showFirst ? { firstStep: first.step, firstPath: place(`img/logged/${run.name}/${file}-first.png`, first.png) } : {}),
      });
    }
    const input = run.images.get("inputs");
    if (!inputs && input) inputs = place("img/logged/inputs.png", input.png);
    const fc2Dir = join(run.dir, FC2_DIR);
    const fc2 = hasFc2Directory(run.dir) ? {
      allDigits: copy(join(fc2Dir, ALL_DIGITS_PNG), `img/fc2/${run.name}/${ALL_DIGITS_PNG}`)!,
      classMeans: copy(join(fc2Dir, CLASS_MEANS_PNG), `img/fc2/${run.name}/${CLASS_MEANS_PNG}`)!,
      similarity: copy(join(fc2Dir, CLASS_SIMILARITY_PNG), `img/fc2/${run.name}/${CLASS_SIMILARITY_PNG}`)!,
      digits: Array.from({ length: 10 }, (_, d) => copy(join(fc2Dir, digitPngName(d)), `img/fc2/${run.name}/${digitPngName(d)}`)!),
    } : undefined;
    const confusion = copy(join(run.dir, CONFUSION_PNG), `img/classes/${run.name}/${CONFUSION_PNG}`);
    const misclassified = copy(join(run.dir, MISCLASSIFIED_PNG), `img/classes/${run.name}/${MISCLASSIFIED_PNG}`);
    figures.set(run.name, {
      logged, fc2: fc2 && [fc2.allDigits, fc2.classMeans, fc2.similarity, ...fc2.digits].every(Boolean) ? fc2 : undefined,
      classes: confusion && misclassified ? { confusion, misclassified } : undefined,
    });
  }
  const compareDir = join(data.logdir, COMPARE_DIR);
  if (shownWithFc2.length > 0 && existsSync(join(compareDir, CROSS_RUN_ALL_PNG))) {
    crossRun = {
      all: copy(join(compareDir, CROSS_RUN_ALL_PNG), `img/compare/${CROSS_RUN_ALL_PNG}`)!,
      digits: Array.from({ length: 10 }, (_, d) => copy(join(compareDir, crossRunPngName(d)), `img/compare/${crossRunPngName(d)}`)!),
    };
  }

  const stats = new Map<string, Fc2Stats>();
  for (const run of withFc2) {
    const matrices = remadeMatrices.get(resolve(run.dir)) ?? (hasFc2Directory(run.dir) ? readFc2Directory(run.dir) : null);
    if (matrices) stats.set(run.name, fc2Stats(matrices.byDigit));
  }
  const findings = [...computeFindings(runs, stats, data.unfinished), ...notes];
  const markdown = reportMarkdown({
    logdir: data.logdir, generatedAt: new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"),
    runs, groups, unfinished: data.unfinished, findings, charts, figures, crossRun, inputs, fc2Stats: stats,
    fc2Ranges: shownWithFc2.filter((r) => stats.has(r.name)).map((r) => ({ run: r.name, min: stats.get(r.name)!.min, max: stats.get(r.name)!.max })),
  });
  const html = reportHtml(markdown, { title: `lenet-lab report: ${runs.map((r) => r.name).join(", ") || data.logdir}`, displayWidths });
  writeFileAtomic(join(dir, REPORT_MARKDOWN), markdown);
  writeFileAtomic(join(dir, REPORT_HTML), html);
  log(`report → ${join(dir, REPORT_HTML)}`);
  return { dir, html: join(dir, REPORT_HTML), markdown: join(dir, REPORT_MARKDOWN), runs: runs.map((r) => r.name), notes };
}

// The fc2 figures: one digit's 100 × 84 map, the ten maps of a run in one
// panel, the class means (10 × 84), their cosine similarities (10 × 10, with
// the numbers on the cells), and the cross-run panels (the same digit for
// every run, side by side: on one shared scale, or each run normalised to its
// own range so that a run whose fc2 values are small — sigmoid's 0…1 against
// ReLU's 0…40 — is not a uniform dark block). Each function turns matrices
// into a rendered heat-map figure; nothing is read or written here.

import { ColormapName } from "./colormaps.js";
import { DIGITS, FC2_UNITS, classMeans, cosineSimilarity } from "./fc2-matrices.js";
import { HeatmapAxis, HeatmapFigure, HeatmapPanel, everyNth, renderHeatmapFigure, valueRange } from "./heatmap-figure.js";

export const SCALES = ["minmax", "shared"] as const;
/** minmax: each matrix spans the whole colormap (as the assignment does); shared: one domain for all. */
export type ScaleRule = (typeof SCALES)[number];

export function parseScale(value: string): ScaleRule {
  const name = value.trim().toLowerCase().replace(/[-–]/g, "");
  if ((SCALES as readonly string[]).includes(name)) return name as ScaleRule;
  throw new Error(`unknown scale "${value}"; valid scales: minmax (each matrix its own range), shared (one range for all)`);
}

export interface Fc2FigureStyle {
  colormap: ColormapName;
  /** The colour domain of every map; null: each matrix's own min–max. */
  sharedDomain: [number, number] | null;
  /** Display name of each class ("digit 3", or a Fashion-MNIST class name). */
  className: (d: number) => string;
  /**
   * Cross-run figures only: "per-run" shows each run's values as a share of
   * its own range (0 its smallest fc2 value over all digits, 1 its largest),
   * on one 0…1 colour scale; "shared" (the default) one scale of raw values.
   */
  crossRunScale?: "shared" | "per-run";
}

/** The top of a run's own scale: the 99th percentile of its values, so that a few large ones (ReLU's) do not darken the rest. */
export const RUN_SCALE_PERCENTILE = 0.99;

/** The value below which a share `q` of all the values lie (nearest rank). */
function percentile(matrices: readonly Float32Array[], q: number): number {
  const all = new Float32Array(matrices.reduce((count, m) => count + m.length, 0));
  let at = 0;
  for (const m of matrices) {
    all.set(m, at);
    at += m.length;
  }
  all.sort();
  return all.length === 0 ? 0 : all[Math.min(all.length - 1, Math.floor(q * all.length))]!;
}

/** Each run normalised once, however many cross-run figures draw it (eleven per compare). */
const normalised = new WeakMap<RunMatrices, RunMatrices>();

/**
 * Each run's matrices as a share of the run's own scale over all its digits:
 * 0 its minimum, 1 its 99th percentile (values above show as 1).
 */
export function normalisePerRun(runs: readonly RunMatrices[]): RunMatrices[] {
  return runs.map((run) => {
    const known = normalised.get(run);
    if (known) return known;
    const [min, max] = sharedRange(run.byDigit);
    const top = Math.max(percentile(run.byDigit, RUN_SCALE_PERCENTILE), min);
    const span = top > min ? top - min : max > min ? max - min : 1;
    const result = { runName: run.runName, byDigit: run.byDigit.map((m) => Float32Array.from(m, (v) => Math.min(1, (v - min) / span))) };
    normalised.set(run, result);
    return result;
  });
}

/** The cross-run figures' matrices, domain and the words that say which scale they are on. */
function crossRunScale(runs: readonly RunMatrices[], style: Fc2FigureStyle) {
  if (style.crossRunScale === "per-run") {
    return { runs: normalisePerRun(runs), domain: [0, 1] as [number, number], note: "each run on its own scale: 0 = its smallest fc2 value, 1 = its 99th percentile or more",
      colorbarTitle: "share of the run's range" };
  }
  return { runs, domain: style.sharedDomain ?? sharedRange(runs.flatMap((r) => r.byDigit)), note: "one scale across runs and digits",
    colorbarTitle: "fc2 value" };
}

const UNIT_AXIS: HeatmapAxis = {
  title: "fc2 unit",
  labels: Array.from({ length: FC2_UNITS }, (_, u) => String(u)),
  ticks: everyNth(FC2_UNITS, 10),
};

function sampleAxis(rows: number): HeatmapAxis {
  const ticks = rows >= 20 ? [0, ...everyNth(rows, 10, 9)] : undefined;
  return { title: "sample", labels: Array.from({ length: rows }, (_, r) => String(r + 1)), ticks };
}

const CLASS_LABELS = Array.from({ length: DIGITS }, (_, d) => String(d));

/** The union of the values' ranges: one domain for several matrices. */
export function sharedRange(matrices: readonly ArrayLike<number>[]): [number, number] {
  const ranges = matrices.map(valueRange);
  return [Math.min(...ranges.map((r) => r[0])), Math.max(...ranges.map((r) => r[1]))];
}

function domainOf(values: ArrayLike<number>, style: Fc2FigureStyle): [number, number] {
  return style.sharedDomain ?? valueRange(values);
}

function scaleNote(style: Fc2FigureStyle, maps = 1): string {
  if (style.sharedDomain) return "shared scale";
  return maps > 1 ? "each map on its own min–max scale" : "min–max scale of this matrix";
}

/** One digit's map: rows = the selected test images, columns = the 84 fc2 units. */
export function digitFigure(matrix: Float32Array, digit: number, runName: string, style: Fc2FigureStyle): Promise<HeatmapFigure> {
  const rows = matrix.length / FC2_UNITS;
  return renderHeatmapFigure(
    [{ title: "", values: matrix, rows, cols: FC2_UNITS, domain: domainOf(matrix, style) }],
    {
      title: `fc2 features of ${style.className(digit)} — ${runName}`,
      subtitle: `${rows} test images × ${FC2_UNITS} units, after the activation · ${scaleNote(style)}`,
      colormap: style.colormap, cellWidth: 6, cellHeight: 5, x: UNIT_AXIS, y: sampleAxis(rows), colorbarTitle: "fc2 value",
    },
  );
}

/** The ten maps of one run in a 2 × 5 panel; a shared scale gets one colorbar, min–max one per map. */
export function allDigitsFigure(byDigit: readonly Float32Array[], runName: string, style: Fc2FigureStyle): Promise<HeatmapFigure> {
  const rows = byDigit[0].length / FC2_UNITS;
  const panels: HeatmapPanel[] = byDigit.map((matrix, d) => ({
    title: style.className(d), values: matrix, rows, cols: FC2_UNITS, domain: domainOf(matrix, style),
  }));
  return renderHeatmapFigure(panels, {
    title: `fc2 features of every digit — ${runName}`,
    subtitle: `${rows} test images per digit × ${FC2_UNITS} units · ${scaleNote(style, byDigit.length)}`,
    colormap: style.colormap, cellWidth: 3, cellHeight: 3, x: UNIT_AXIS, y: sampleAxis(rows), colorbarTitle: "fc2 value",
    columns: 5,
  });
}

/** The mean fc2 vector of each digit, one row per digit. */
export function classMeansFigure(byDigit: readonly Float32Array[], runName: string, style: Fc2FigureStyle): Promise<HeatmapFigure> {
  const means = classMeans(byDigit);
  return renderHeatmapFigure(
    [{ title: "", values: means, rows: DIGITS, cols: FC2_UNITS, domain: valueRange(means) }],
    {
      title: `Mean fc2 vector of each digit — ${runName}`,
      subtitle: `over the ${byDigit[0].length / FC2_UNITS} test images of each digit · min–max scale`,
      colormap: style.colormap, cellWidth: 6, cellHeight: 24, x: UNIT_AXIS,
      y: { title: "digit", labels: CLASS_LABELS }, colorbarTitle: "mean fc2 value",
    },
  );
}

/** cos(mean_i, mean_j) for every pair of digits, the value written on each cell. */
export function similarityFigure(byDigit: readonly Float32Array[], runName: string, style: Fc2FigureStyle): Promise<HeatmapFigure> {
  const similarity = cosineSimilarity(classMeans(byDigit));
  const [min] = valueRange(similarity);
  return renderHeatmapFigure(
    [{ title: "", values: similarity, rows: DIGITS, cols: DIGITS, domain: [min < 0 ? -1 : 0, 1], cellDecimals: 2 }],
    {
      title: `Cosine similarity of the digits' mean fc2 vectors — ${runName}`,
      subtitle: "1 = same direction; lower off the diagonal = digits easier to tell apart",
      colormap: style.colormap, cellWidth: 44, cellHeight: 36,
      x: { title: "digit", labels: CLASS_LABELS }, y: { title: "digit", labels: CLASS_LABELS }, colorbarTitle: "cosine",
    },
  );
}

export interface RunMatrices {
  runName: string;
  byDigit: readonly Float32Array[];
}

/** One digit's map for every run side by side, on one scale across runs. */
export function crossRunDigitFigure(allRuns: readonly RunMatrices[], digit: number, style: Fc2FigureStyle): Promise<HeatmapFigure> {
  const { runs, domain, note, colorbarTitle } = crossRunScale(allRuns, style);
  const rows = runs[0].byDigit[digit].length / FC2_UNITS;
  return renderHeatmapFigure(
    runs.map((run) => ({ title: run.runName, values: run.byDigit[digit], rows, cols: FC2_UNITS, domain })),
    {
      title: `fc2 features of ${style.className(digit)}, run by run`,
      subtitle: `${rows} test images × ${FC2_UNITS} units · ${note}`,
      colormap: style.colormap, cellWidth: 4, cellHeight: 4, x: UNIT_AXIS, y: sampleAxis(rows), colorbarTitle,
      columns: Math.min(runs.length, 4),
    },
  );
}

/** Every digit (columns) of every run (rows), on one scale. */
export function crossRunAllDigitsFigure(allRuns: readonly RunMatrices[], style: Fc2FigureStyle): Promise<HeatmapFigure> {
  const { runs, domain, note, colorbarTitle } = crossRunScale(allRuns, style);
  const rows = runs[0].byDigit[0].length / FC2_UNITS;
  const panels = runs.flatMap((run) => run.byDigit.map((matrix, d) => ({
    title: `${style.className(d)} · ${run.runName}`, values: matrix, rows, cols: FC2_UNITS, domain,
  })));
  return renderHeatmapFigure(panels, {
    title: "fc2 features of every digit, run by run",
    subtitle: `one row of panels per run · ${rows} test images × ${FC2_UNITS} units each · ${note}`,
    colormap: style.colormap, cellWidth: 2, cellHeight: 2, x: { ...UNIT_AXIS, ticks: everyNth(FC2_UNITS, 20) },
    y: { ...sampleAxis(rows), ticks: rows >= 20 ? [0, ...everyNth(rows, 25, 24)] : undefined }, colorbarTitle,
    columns: DIGITS,
  });
}

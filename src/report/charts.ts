// The report's charts as Vega-Lite specifications (rendered by
// src/figures/render.ts): loss and accuracy curves, the diagnostics
// (per-layer gradient norms, dead and saturated unit fractions) per layer,
// and the final weight and bias distributions per parameter. Curves are drawn
// per group of seeds: the mean over the seeds as a line, a shaded band from
// the lowest to the highest seed, and each seed as a faint line, so that what
// one seed did is never mistaken for what the config does. Each group keeps
// one colour in every chart. Pure: data in, specs out.

import type { TopLevelSpec } from "vega-lite";
import { aggregateCurves } from "../stats/band.js";
import type { RunRecord } from "./run-data.js";

export const LAYERS = ["conv1", "conv2", "fc1", "fc2", "fc3"] as const;
export const ACTIVATED_LAYERS = ["conv1", "conv2", "fc1", "fc2"] as const;

/** A group of runs that differ only in the seed, as the charts draw it. */
export interface ChartGroup {
  name: string;
  runs: readonly RunRecord[];
  /** Its colour (#rrggbb), the one the dashboard gives it (src/util/run-colors.ts). */
  color: string;
}

/** The colour scale of the charts: each name its own colour, the same as on the dashboard. */
function colorScale(named: readonly { name: string; color: string }[], field = "group", title = "group", symbol: "stroke" | "square" = "stroke") {
  return {
    field, type: "nominal", title, scale: { domain: named.map((n) => n.name), range: named.map((n) => n.color) },
    legend: symbol === "stroke"
      ? { orient: "right", labelLimit: 260, symbolType: "stroke", symbolStrokeWidth: 3, symbolOpacity: 1 }
      : { orient: "right", labelLimit: 260, symbolType: "square", symbolOpacity: 1 },
  } as const;
}

function points(run: RunRecord, tag: string) {
  return run.scalars.get(tag) ?? [];
}

/** Each group's mean and min–max band of a tag, with `extra` fields on every row. */
function bandRows(group: ChartGroup, tag: string, keep: (value: number) => boolean, extra: Record<string, string>) {
  return aggregateCurves(group.runs.map((run) => points(run, tag).filter((p) => keep(p.value)))).map((p) =>
    ({ group: group.name, step: p.step, mean: p.mean, low: p.min, high: p.max, n: p.n, ...extra }));
}

/**
 * Whether some group has two seeds or more: otherwise every band is a line of
 * zero height, which draws nothing, and the charts leave it out (a band layer
 * is a large part of a chart's drawing time).
 */
function hasBands(groups: readonly ChartGroup[]): boolean {
  return groups.some((g) => g.runs.length >= 2);
}

/** What the band means, or nothing when no group has two seeds. */
function bandNote(groups: readonly ChartGroup[], faintSeeds: boolean): string[] {
  if (!hasBands(groups)) return [];
  const most = Math.max(...groups.map((g) => g.runs.length));
  return [`line: mean over a group's seeds · band: its lowest to highest seed (up to ${most})${faintSeeds ? " · faint: each seed" : ""}`];
}

/**
 * Train and test curves of one metric for every group: colour = group, a
 * solid mean line with a min–max band for the test set, a dashed mean line
 * for the training batches, each seed's test curve faint. Loss on a log
 * axis, so that runs far apart stay readable.
 */
export function curvesChart(groups: readonly ChartGroup[], metric: "loss" | "accuracy"): TopLevelSpec {
  const keep = (v: number) => metric === "accuracy" || v > 0;
  const test = groups.flatMap((g) => bandRows(g, `${metric}/test`, keep, { split: "test" }));
  const train = groups.flatMap((g) => bandRows(g, `${metric}/train`, keep, { split: "train" }));
  const seeds = groups.filter((g) => g.runs.length >= 2).flatMap((g) => g.runs.flatMap((run) =>
    points(run, `${metric}/test`).filter((p) => keep(p.value)).map((p) => ({ group: g.name, run: run.name, step: p.step, value: p.value }))));
  const y = metric === "loss"
    ? { type: "quantitative", title: "loss (log scale)", scale: { type: "log" } }
    : { type: "quantitative", title: "accuracy", axis: { format: ".0%" }, scale: { domain: [0, 1] } };
  const color = colorScale(groups);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: metric === "loss" ? "Loss (softmax cross-entropy) per group" : "Accuracy per group",
      subtitle: ["solid: test set (10,000 images) · dashed: training batches", ...bandNote(groups, true)] },
    width: 620, height: 300,
    layer: [
      ...(hasBands(groups) ? [
        { data: { values: test }, mark: { type: "area", opacity: 0.22, clip: true },
          encoding: { x: { field: "step", type: "quantitative", title: "iteration" }, y: { field: "low", ...y }, y2: { field: "high" }, color } },
        { data: { values: seeds }, mark: { type: "line", strokeWidth: 0.8, opacity: 0.45, clip: true },
          encoding: { x: { field: "step", type: "quantitative" }, y: { field: "value", ...y }, color, detail: { field: "run" } } },
      ] : []),
      { data: { values: [...test, ...train] }, mark: { type: "line", strokeWidth: 2, clip: true },
        encoding: {
          x: { field: "step", type: "quantitative", title: "iteration" }, y: { field: "mean", ...y }, color,
          strokeDash: { field: "split", type: "nominal", title: "data", scale: { domain: ["test", "train"], range: [[1, 0], [5, 3]] } },
          detail: { field: "split" },
        } },
    ],
  } as TopLevelSpec;
}

/** Facetted per-layer curves: each group's mean line and min–max band of `tag(layer)`. */
function layerBandChart(groups: readonly ChartGroup[], layers: readonly string[], series: { tag: (layer: string) => string; kind: string }[],
  keep: (v: number) => boolean, title: { text: string; subtitle: string }, y: Record<string, unknown>,
  strokeDash?: Record<string, unknown>): TopLevelSpec | null {
  const values = groups.flatMap((g) => layers.flatMap((layer) => series.flatMap(({ tag, kind }) =>
    bandRows(g, tag(layer), keep, { layer, kind }))));
  if (values.length === 0) return null;
  const color = colorScale(groups);
  const x = { field: "step", type: "quantitative", title: "iteration", axis: { tickCount: 4 } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { ...title, subtitle: [title.subtitle, ...bandNote(groups, false)] },
    data: { values },
    facet: { column: { field: "layer", type: "nominal", title: null, sort: [...layers], header: { labelFontSize: 12 } } },
    spec: {
      width: 170, height: 170,
      layer: [
        ...(hasBands(groups) ? [
          { mark: { type: "area", opacity: 0.22 }, encoding: { x, y: { field: "low", ...y }, y2: { field: "high" }, color, detail: { field: "kind" } } },
        ] : []),
        { mark: { type: "line", strokeWidth: 1.6 }, encoding: { x, y: { field: "mean", ...y }, color, detail: { field: "kind" }, ...(strokeDash ? { strokeDash } : {}) } },
      ],
    },
    resolve: { scale: { y: "shared" } },
  } as TopLevelSpec;
}

/** The L2 norm of each layer's gradient over training, one panel per layer, log axis. */
export function gradientNormChart(groups: readonly ChartGroup[]): TopLevelSpec | null {
  return layerBandChart(groups, LAYERS, [{ tag: (layer) => `gradient_norm/${layer}`, kind: "norm" }], (v) => v > 0,
    { text: "Gradient norm per layer", subtitle: "‖∂loss/∂(weights, bias)‖₂ of each layer, one training batch · log scale" },
    { type: "quantitative", title: "gradient norm", scale: { type: "log" } });
}

/**
 * Dead units (ReLU-like: never positive on the probe images) and saturated
 * units (sigmoid/tanh: in the flat tails) per activated layer, over training.
 */
export function unitHealthChart(groups: readonly ChartGroup[]): TopLevelSpec | null {
  return layerBandChart(groups, ACTIVATED_LAYERS,
    (["dead", "saturated"] as const).map((kind) => ({ tag: (layer: string) => `${kind}_fraction/${layer}`, kind })), () => true,
    { text: "Dead and saturated units per layer",
      subtitle: "dead (ReLU-like runs, solid): never > 0 on the probe images · saturated (sigmoid/tanh runs, dashed): in the flat tails" },
    { type: "quantitative", title: "fraction of units", axis: { format: ".0%" }, scale: { domain: [0, 1] } },
    { field: "kind", type: "nominal", title: "units", scale: { domain: ["dead", "saturated"], range: [[1, 0], [5, 3]] } });
}

/**
 * Each class's test error at the end (1 − its accuracy), per group: a bar per
 * group and class (the mean over the seeds) from zero, and a line from the
 * lowest to the highest seed. Errors rather than accuracies, so that the bars
 * can start at zero and still show a difference of a point. From run.json's
 * `classes`; null when no run has them.
 */
export function perClassErrorChart(groups: readonly ChartGroup[]): TopLevelSpec | null {
  const values = groups.flatMap((group) => {
    const withClasses = group.runs.map((run) => run.summary.classes).filter((c): c is NonNullable<typeof c> => c !== undefined);
    if (withClasses.length === 0) return [];
    return withClasses[0]!.names.map((name, c) => {
      const errors = withClasses.map((classes) => classes.perClassAccuracy[c]).filter((a): a is number => typeof a === "number").map((a) => 1 - a);
      const mean = errors.reduce((sum, e) => sum + e, 0) / errors.length;
      return { group: group.name, class: name, mean, low: Math.min(...errors), high: Math.max(...errors), seeds: errors.length };
    });
  });
  if (values.length === 0) return null;
  const classes = [...new Set(values.map((v) => v.class))];
  const most = Math.max(...values.map((v) => v.seeds));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Test error of each class at the end (1 − its accuracy)",
      subtitle: most >= 2 ? "bar: mean over a group's seeds · black line: its lowest to highest seed" : "one seed per group" },
    data: { values },
    width: { step: 16 },
    height: 220,
    encoding: {
      x: { field: "class", type: "ordinal", sort: classes, title: "class", axis: { labelAngle: 0 } },
      xOffset: { field: "group", type: "nominal", sort: groups.map((g) => g.name) },
    },
    layer: [
      { mark: { type: "bar" }, encoding: {
        y: { field: "mean", type: "quantitative", title: "test error", axis: { format: ".0%" } },
        color: colorScale(groups, "group", "group", "square") } },
      { mark: { type: "rule", strokeWidth: 1.2, color: "#222" }, encoding: { y: { field: "low", type: "quantitative" }, y2: { field: "high" } } },
    ],
  } as TopLevelSpec;
}

export interface ParameterValues {
  run: string;
  parameter: string;
  values: Float32Array;
}

/** Fraction of values in each of `bins` equal bins over [min, max]; bin centres as x. */
export function binFractions(values: Float32Array, min: number, max: number, bins: number): { x: number; fraction: number }[] {
  const width = max > min ? (max - min) / bins : 1;
  const counts = new Float64Array(bins);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - min) / width)))]++;
  return Array.from(counts, (count, i) => ({ x: min + (i + 0.5) * width, fraction: count / values.length }));
}

/**
 * The final distribution of every weight and bias tensor (from
 * model.safetensors), one panel per parameter, runs overlaid (the report
 * gives one seed per group), same bins for every run of a panel.
 */
export function weightDistributionChart(parameters: readonly ParameterValues[], runs: readonly { name: string; color: string }[], bins = 40): TopLevelSpec {
  const names = [...new Set(parameters.map((p) => p.parameter))];
  const values = names.flatMap((name) => {
    const group = parameters.filter((p) => p.parameter === name);
    let min = Infinity;
    let max = -Infinity;
    for (const p of group) for (const v of p.values) { if (v < min) min = v; if (v > max) max = v; }
    if (min === max) { min -= 0.5; max += 0.5; }
    return group.flatMap((p) => binFractions(p.values, min, max, bins).map((b) => ({ parameter: name, run: p.run, ...b })));
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Final weight and bias distributions", subtitle: `${bins} equal bins per parameter, the same bins for every run` },
    data: { values },
    facet: { field: "parameter", type: "nominal", title: null, sort: names, header: { labelFontSize: 12 } },
    columns: 5,
    spec: {
      width: 150, height: 110,
      mark: { type: "line", interpolate: "step", strokeWidth: 1.3 },
      encoding: {
        x: { field: "x", type: "quantitative", title: "value", axis: { tickCount: 4 } },
        y: { field: "fraction", type: "quantitative", title: "fraction", axis: { format: ".0%", tickCount: 4 } },
        color: colorScale(runs, "run", "run"),
      },
    },
    resolve: { scale: { x: "independent", y: "independent" } },
  } as TopLevelSpec;
}

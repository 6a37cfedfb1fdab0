// The report's charts as Vega-Lite specifications (rendered by
// src/figures/render.ts): loss and accuracy curves of every run overlaid,
// the diagnostics (per-layer gradient norms, dead and saturated unit
// fractions) per layer, and the final weight and bias distributions per
// parameter. Each run keeps one colour in every chart. Pure: data in, specs out.

import type { TopLevelSpec } from "vega-lite";
import type { RunRecord } from "./run-data.js";

export const LAYERS = ["conv1", "conv2", "fc1", "fc2", "fc3"] as const;
export const ACTIVATED_LAYERS = ["conv1", "conv2", "fc1", "fc2"] as const;

/** The run colour scale shared by every chart (Tableau 10, in run order). */
function runColor(runs: readonly string[]) {
  return { field: "run", type: "nominal", title: "run", scale: { domain: [...runs], scheme: "tableau10" }, legend: { orient: "right", labelLimit: 260 } } as const;
}

function points(run: RunRecord, tag: string) {
  return run.scalars.get(tag) ?? [];
}

/**
 * Train and test curves of one metric for every run: colour = run, dash =
 * train (mean over the batches since the last point) or test (whole test set).
 * Loss on a log axis, so that runs far apart stay readable.
 */
export function curvesChart(runs: readonly RunRecord[], metric: "loss" | "accuracy"): TopLevelSpec {
  const values = runs.flatMap((run) => (["train", "test"] as const).flatMap((split) =>
    points(run, `${metric}/${split}`).filter((p) => metric === "accuracy" || p.value > 0)
      .map((p) => ({ run: run.name, split, step: p.step, value: p.value }))));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: metric === "loss" ? "Loss (softmax cross-entropy), every run" : "Accuracy, every run",
      subtitle: "solid: test set (10,000 images) · dashed: training batches" },
    width: 620, height: 300,
    data: { values },
    mark: { type: "line", strokeWidth: 1.8, clip: true },
    encoding: {
      x: { field: "step", type: "quantitative", title: "iteration" },
      y: metric === "loss"
        ? { field: "value", type: "quantitative", title: "loss (log scale)", scale: { type: "log" } }
        : { field: "value", type: "quantitative", title: "accuracy", axis: { format: ".0%" }, scale: { domain: [0, 1] } },
      color: runColor(runs.map((r) => r.name)),
      strokeDash: { field: "split", type: "nominal", title: "data", scale: { domain: ["test", "train"], range: [[1, 0], [5, 3]] } },
      detail: { field: "split" },
    },
  } as TopLevelSpec;
}

/** The L2 norm of each layer's gradient over training, one panel per layer, log axis. */
export function gradientNormChart(runs: readonly RunRecord[]): TopLevelSpec | null {
  const values = runs.flatMap((run) => LAYERS.flatMap((layer) =>
    points(run, `gradient_norm/${layer}`).filter((p) => p.value > 0).map((p) => ({ run: run.name, layer, step: p.step, value: p.value }))));
  if (values.length === 0) return null;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Gradient norm per layer", subtitle: "‖∂loss/∂(weights, bias)‖₂ of each layer, one training batch · log scale" },
    data: { values },
    facet: { column: { field: "layer", type: "nominal", title: null, sort: [...LAYERS], header: { labelFontSize: 12 } } },
    spec: {
      width: 170, height: 170,
      mark: { type: "line", strokeWidth: 1.4 },
      encoding: {
        x: { field: "step", type: "quantitative", title: "iteration", axis: { tickCount: 4 } },
        y: { field: "value", type: "quantitative", title: "gradient norm", scale: { type: "log" } },
        color: runColor(runs.map((r) => r.name)),
      },
    },
    resolve: { scale: { y: "shared" } },
  } as TopLevelSpec;
}

/**
 * Dead units (ReLU-like: never positive on the probe images) and saturated
 * units (sigmoid/tanh: in the flat tails) per activated layer, over training.
 */
export function unitHealthChart(runs: readonly RunRecord[]): TopLevelSpec | null {
  const values = runs.flatMap((run) => ACTIVATED_LAYERS.flatMap((layer) => (["dead", "saturated"] as const).flatMap((kind) =>
    points(run, `${kind}_fraction/${layer}`).map((p) => ({ run: run.name, layer, kind, step: p.step, value: p.value })))));
  if (values.length === 0) return null;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Dead and saturated units per layer",
      subtitle: "dead (ReLU-like runs, solid): never > 0 on the probe images · saturated (sigmoid/tanh runs, dashed): in the flat tails" },
    data: { values },
    facet: { column: { field: "layer", type: "nominal", title: null, sort: [...ACTIVATED_LAYERS], header: { labelFontSize: 12 } } },
    spec: {
      width: 170, height: 170,
      mark: { type: "line", strokeWidth: 1.4 },
      encoding: {
        x: { field: "step", type: "quantitative", title: "iteration", axis: { tickCount: 4 } },
        y: { field: "value", type: "quantitative", title: "fraction of units", axis: { format: ".0%" }, scale: { domain: [0, 1] } },
        color: runColor(runs.map((r) => r.name)),
        strokeDash: { field: "kind", type: "nominal", title: "units", scale: { domain: ["dead", "saturated"], range: [[1, 0], [5, 3]] } },
        detail: { field: "kind" },
      },
    },
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
 * model.safetensors), one panel per parameter, runs overlaid, same bins for
 * every run of a panel.
 */
export function weightDistributionChart(parameters: readonly ParameterValues[], runNames: readonly string[], bins = 40): TopLevelSpec {
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
        color: runColor(runNames),
      },
    },
    resolve: { scale: { x: "independent", y: "independent" } },
  } as TopLevelSpec;
}

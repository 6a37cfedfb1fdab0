// One scalar chart: a tag's curves for every visible run, overlaid with
// uPlot. With smoothing, each run has a faint raw line and a solid smoothed
// one (TensorBoard's debiased EMA, smoothing.ts). The x axis is the step,
// the hours since the run's first event, or the wall time; the y axis can be
// logarithmic (values ≤ 0 are then left out). Hovering shows, for every run,
// the point nearest to the cursor's x.
// With seeds grouped, each group is one mean line (smoothed like a run's,
// faint raw mean behind) over a band filled in a light tint of the group's
// colour (group-bands.ts), drawn against the step; runs in no group are
// drawn as above. Hovering then also shows each group's band edges and n,
// and a legend under the chart names the groups.

import uPlot from "uplot";
import { BAND_LABELS } from "../../../stats/band.js";
import type { GroupCurve, ScalarPoints } from "./api.js";
import { formatNumber, h } from "./dom.js";
import { bandCurveOf, type BandCurve } from "./group-bands.js";
import { smoothDebiasedEma } from "./smoothing.js";
import { store } from "./state.js";

/** Opacity of a band's fill (hex alpha): light enough that lines read through it, dark enough to see. */
const BAND_ALPHA = "38";

interface Curve {
  run: string;
  xs: number[];
  raw: (number | null)[];
  smoothed: (number | null)[];
  steps: number[];
}

interface GroupLine {
  group: string;
  /** Member runs that logged the tag. */
  seeds: number;
  band: BandCurve;
}

/** Index of the x nearest to `x` in the sorted array `xs`. */
function nearestIndex(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(xs[lo - 1]! - x) <= Math.abs(xs[lo]! - x)) return lo - 1;
  return lo;
}

function curveOf(run: string, points: ScalarPoints): Curve {
  const xAxis = store.xAxisDrawn();
  const first = points.wallTimes.length > 0 ? Math.min(...points.wallTimes) : 0;
  const x = xAxis === "step" ? points.steps
    : xAxis === "wall" ? points.wallTimes
    : points.wallTimes.map((t) => (t - first) / 3600);
  const order = x.map((_, i) => i);
  if (xAxis !== "step") order.sort((a, b) => x[a]! - x[b]!);
  const raw = order.map((i) => {
    const v = points.values[i]!;
    return store.logScale && v !== null && v <= 0 ? null : v;
  });
  return {
    run,
    xs: order.map((i) => x[i]!),
    raw,
    smoothed: smoothDebiasedEma(raw, store.smoothing),
    steps: order.map((i) => points.steps[i]!),
  };
}

export class ScalarChart {
  private plot: uPlot | undefined;
  private curves: Curve[] = [];
  private groupLines: GroupLine[] = [];
  readonly tooltip = h("div", { class: "chart-tooltip", hidden: true });
  /** Names the groups drawn (and the band's kind); empty without groups. */
  readonly legend = h("div", { class: "group-legend" });

  constructor(private readonly container: HTMLElement) {}

  /**
   * Redraws with the current settings: `runs` from `data` (the points of each
   * run) one line each, and `groups` from `groupData` (their curves) as a
   * mean line with a band each.
   */
  draw(data: Record<string, ScalarPoints>, runs: readonly string[], groupData: Record<string, GroupCurve> = {}, groups: readonly string[] = []): void {
    this.curves = runs.filter((run) => data[run] && data[run].steps.length > 0).map((run) => curveOf(run, data[run]!));
    this.groupLines = groups.filter((group) => groupData[group] && groupData[group].steps.length > 0).map((group) => ({
      group, seeds: groupData[group]!.runs.length, band: bandCurveOf(groupData[group]!, store.bandKind, store.smoothing, store.logScale),
    }));
    this.plot?.destroy();
    this.plot = undefined;
    this.container.dataset.runs = JSON.stringify(this.curves.map((c) => c.run));
    this.container.dataset.groups = JSON.stringify(this.groupLines.map((g) => g.group));
    this.legend.replaceChildren(...(this.groupLines.length === 0 ? [] : [
      ...this.groupLines.map((g) => h("span", { class: "legend-item", "data-group": g.group },
        h("span", { class: "legend-band", style: `background:${store.groupColor(g.group)}${BAND_ALPHA};border-top:2px solid ${store.groupColor(g.group)}` }),
        `${g.group} (${g.seeds} seeds)`)),
      h("span", { class: "hint" }, `line: mean · band: ${BAND_LABELS[store.bandKind]}`),
    ]));
    if (this.curves.length === 0 && this.groupLines.length === 0) return;
    const smoothing = store.smoothing > 0;
    const tables: uPlot.AlignedData[] = [];
    const series: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    // Groups first, so that the runs drawn alone are not covered by their bands.
    for (const g of this.groupLines) {
      const color = store.groupColor(g.group);
      const { steps, lower, upper, rawMean, mean } = g.band;
      tables.push((smoothing ? [steps, lower, upper, rawMean, mean] : [steps, lower, upper, mean]) as uPlot.AlignedData);
      const lowerIndex = series.length;
      series.push({ label: `${g.group} (band low)`, stroke: color, width: 0, spanGaps: true, points: { show: false } });
      series.push({ label: `${g.group} (band high)`, stroke: color, width: 0, spanGaps: true, points: { show: false } });
      bands.push({ series: [lowerIndex + 1, lowerIndex], fill: color + BAND_ALPHA });
      if (smoothing) series.push({ label: `${g.group} (raw mean)`, stroke: color + "40", width: 1, spanGaps: true, points: { show: false } });
      series.push({ label: `${g.group} (mean)`, stroke: color, width: 2, spanGaps: true, points: { show: false } });
    }
    for (const c of this.curves) {
      const color = store.color(c.run);
      tables.push((smoothing ? [c.xs, c.raw, c.smoothed] : [c.xs, c.raw]) as uPlot.AlignedData);
      if (smoothing) series.push({ label: `${c.run} (raw)`, stroke: color + "40", width: 1, spanGaps: true, points: { show: false } });
      series.push({ label: c.run, stroke: color, width: 1.5, spanGaps: true, points: { show: false } });
    }
    const joined = uPlot.join(tables);
    const xAxis = store.xAxisDrawn();
    const width = Math.max(240, this.container.clientWidth);
    const options: uPlot.Options = {
      width,
      height: 220,
      series,
      bands,
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: true, y: false } },
      scales: { x: { time: xAxis === "wall" }, y: store.logScale ? { distr: 3 } : {} },
      axes: [
        { label: xAxis === "step" ? "step" : xAxis === "relative" ? "hours" : undefined, size: 36, labelSize: 14 },
        { size: 56 },
      ],
      hooks: { setCursor: [(u) => this.showTooltip(u)] },
    };
    this.plot = new uPlot(options, joined, this.container);
  }

  resize(): void {
    if (this.plot) this.plot.setSize({ width: Math.max(240, this.container.clientWidth), height: 220 });
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = undefined;
  }

  private showTooltip(u: uPlot): void {
    const idx = u.cursor.idx;
    const left = u.cursor.left ?? -1;
    if (idx === null || idx === undefined || left < 0) {
      this.tooltip.hidden = true;
      return;
    }
    const x = u.posToVal(left, "x");
    const smoothing = store.smoothing > 0;
    const grouped = this.groupLines.length > 0;
    const groupRows = this.groupLines.map((g) => {
      const i = nearestIndex(g.band.steps, x);
      return h("tr", { class: "group-row", "data-group": g.group },
        h("td", {}, h("span", { class: "swatch", style: `background:${store.groupColor(g.group)}` })),
        h("td", { class: "run-name" }, `${g.group} (mean)`),
        h("td", {}, formatNumber(g.band.mean[i])),
        h("td", { class: "raw" }, smoothing ? formatNumber(g.band.rawMean[i]) : ""),
        h("td", {}, `${formatNumber(g.band.lower[i])} – ${formatNumber(g.band.upper[i])}`),
        h("td", {}, `n = ${g.band.n[i]}`),
        h("td", {}, `step ${g.band.steps[i]}`));
    });
    const runRows = this.curves.map((c) => {
      const i = nearestIndex(c.xs, x);
      return h("tr", { "data-run": c.run },
        h("td", {}, h("span", { class: "swatch", style: `background:${store.color(c.run)}` })),
        h("td", { class: "run-name" }, c.run),
        h("td", {}, formatNumber(c.smoothed[i])),
        h("td", { class: "raw" }, smoothing ? formatNumber(c.raw[i]) : ""),
        grouped ? h("td", {}) : null,
        grouped ? h("td", {}) : null,
        h("td", {}, `step ${c.steps[i]}`));
    });
    this.tooltip.replaceChildren(h("table", {},
      h("thead", {}, h("tr", {},
        h("th", {}), h("th", {}, grouped ? "group / run" : "run"), h("th", {}, smoothing ? "smoothed" : "value"), h("th", {}, smoothing ? "raw" : ""),
        grouped ? h("th", {}, "band") : null, grouped ? h("th", {}, "seeds") : null, h("th", {}))),
      h("tbody", {}, ...groupRows, ...runRows)));
    this.tooltip.hidden = false;
    // `left` is inside the plot, which starts after the y axis (56 px): the tooltip sits just beside the cursor.
    const chartWidth = this.container.clientWidth;
    this.tooltip.style.left = `${left + 70 > chartWidth / 2 ? Math.max(0, left + 42 - this.tooltip.offsetWidth) : left + 70}px`;
  }
}

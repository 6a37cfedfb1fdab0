// One scalar chart: a tag's curves for every visible run, overlaid with
// uPlot. With smoothing, each run has a faint raw line and a solid smoothed
// one (TensorBoard's debiased EMA, smoothing.ts). The x axis is the step,
// the hours since the run's first event, or the wall time; the y axis can be
// logarithmic (values ≤ 0 are then left out). Hovering shows, for every run,
// the point nearest to the cursor's x.

import uPlot from "uplot";
import type { ScalarPoints } from "./api.js";
import { formatNumber, h } from "./dom.js";
import { smoothDebiasedEma } from "./smoothing.js";
import { store } from "./state.js";

interface Curve {
  run: string;
  xs: number[];
  raw: (number | null)[];
  smoothed: (number | null)[];
  steps: number[];
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
  const first = points.wallTimes.length > 0 ? Math.min(...points.wallTimes) : 0;
  const x = store.xAxis === "step" ? points.steps
    : store.xAxis === "wall" ? points.wallTimes
    : points.wallTimes.map((t) => (t - first) / 3600);
  const order = x.map((_, i) => i);
  if (store.xAxis !== "step") order.sort((a, b) => x[a]! - x[b]!);
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
  readonly tooltip = h("div", { class: "chart-tooltip", hidden: true });

  constructor(private readonly container: HTMLElement) {}

  /** Redraws from `data` (the points of each run) with the current settings. */
  draw(data: Record<string, ScalarPoints>, runs: readonly string[]): void {
    this.curves = runs.filter((run) => data[run] && data[run].steps.length > 0).map((run) => curveOf(run, data[run]!));
    this.plot?.destroy();
    this.plot = undefined;
    this.container.dataset.runs = JSON.stringify(this.curves.map((c) => c.run));
    if (this.curves.length === 0) return;
    const smoothing = store.smoothing > 0;
    const tables = this.curves.map((c) => (smoothing ? [c.xs, c.raw, c.smoothed] : [c.xs, c.raw]) as uPlot.AlignedData);
    const joined = uPlot.join(tables);
    const series: uPlot.Series[] = [{}];
    for (const c of this.curves) {
      const color = store.color(c.run);
      if (smoothing) series.push({ label: `${c.run} (raw)`, stroke: color + "40", width: 1, spanGaps: true, points: { show: false } });
      series.push({ label: c.run, stroke: color, width: 1.5, spanGaps: true, points: { show: false } });
    }
    const width = Math.max(240, this.container.clientWidth);
    const options: uPlot.Options = {
      width,
      height: 220,
      series,
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: true, y: false } },
      scales: { x: { time: store.xAxis === "wall" }, y: store.logScale ? { distr: 3 } : {} },
      axes: [
        { label: store.xAxis === "step" ? "step" : store.xAxis === "relative" ? "hours" : undefined, size: 36, labelSize: 14 },
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
    const rows = this.curves.map((c) => {
      const i = nearestIndex(c.xs, x);
      return h("tr", {},
        h("td", {}, h("span", { class: "swatch", style: `background:${store.color(c.run)}` })),
        h("td", { class: "run-name" }, c.run),
        h("td", {}, formatNumber(c.smoothed[i])),
        h("td", { class: "raw" }, store.smoothing > 0 ? formatNumber(c.raw[i]) : ""),
        h("td", {}, `step ${c.steps[i]}`));
    });
    this.tooltip.replaceChildren(h("table", {},
      h("thead", {}, h("tr", {}, h("th", {}), h("th", {}, "run"), h("th", {}, store.smoothing > 0 ? "smoothed" : "value"), h("th", {}, store.smoothing > 0 ? "raw" : ""), h("th", {}))),
      h("tbody", {}, ...rows)));
    this.tooltip.hidden = false;
    const chartWidth = this.container.clientWidth;
    this.tooltip.style.left = `${left + 70 > chartWidth / 2 ? Math.max(0, left - 260) : left + 70}px`;
  }
}

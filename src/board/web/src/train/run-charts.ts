// The Train page's two charts: the training loss of every step (smoothed, the
// raw values faint behind) and the test accuracy at every evaluation, one
// line per run trained in the page, in the run's colour, so that runs trained
// one after the other overlay (ReLU against sigmoid).

import uPlot from "uplot";
import { h } from "../dom.js";
import { smoothDebiasedEma } from "../smoothing.js";

export interface ChartRun {
  label: string;
  color: string;
  iterations: number[];
  losses: number[];
  evalIterations: number[];
  testAccuracies: number[];
}

const LOSS_SMOOTHING = 0.9;
const HEIGHT = 220;

/** Joins the runs' series on one x axis (uPlot wants one), with nulls where a run has no point. */
function joined(runs: readonly ChartRun[], xsOf: (run: ChartRun) => number[], ysOf: (run: ChartRun) => number[][]): uPlot.AlignedData {
  const xs = [...new Set(runs.flatMap(xsOf))].sort((a, b) => a - b);
  const position = new Map(xs.map((x, i) => [x, i]));
  const series: (number | null)[][] = [];
  for (const run of runs) {
    for (const ys of ysOf(run)) {
      const column: (number | null)[] = new Array(xs.length).fill(null);
      xsOf(run).forEach((x, i) => (column[position.get(x)!] = ys[i]!));
      series.push(column);
    }
  }
  return [xs, ...series] as uPlot.AlignedData;
}

export class RunCharts {
  readonly element: HTMLElement;
  private readonly lossBox = h("div", { class: "chart", "data-chart": "loss" });
  private readonly accuracyBox = h("div", { class: "chart", "data-chart": "accuracy" });
  private loss?: uPlot;
  private accuracy?: uPlot;
  private drawnRuns = -1;

  constructor() {
    this.element = h("div", { class: "train-charts" },
      h("div", { class: "card" }, h("div", { class: "card-title" }, "training loss (each step; smoothed, raw faint)"), this.lossBox),
      h("div", { class: "card" }, h("div", { class: "card-title" }, "test accuracy (each evaluation, 10,000 test images)"), this.accuracyBox));
  }

  /** Redraws with the runs' data; rebuilds the charts when a run was added or removed. */
  update(runs: readonly ChartRun[]): void {
    const lossData = joined(runs, (r) => r.iterations, (r) => [r.losses, smoothDebiasedEma(r.losses, LOSS_SMOOTHING) as number[]]);
    const accuracyData = joined(runs, (r) => r.evalIterations, (r) => [r.testAccuracies.map((a) => 100 * a)]);
    if (runs.length !== this.drawnRuns || !this.loss || !this.accuracy) {
      this.drawnRuns = runs.length;
      this.loss?.destroy();
      this.accuracy?.destroy();
      const width = Math.max(280, this.lossBox.clientWidth || 480);
      const axes = (yLabel: string): uPlot.Axis[] => [{ label: "iteration", size: 36, labelSize: 14 }, { label: yLabel, size: 56, labelSize: 14 }];
      this.loss = new uPlot({
        width, height: HEIGHT, legend: { show: false }, axes: axes("loss"), scales: { x: { time: false } },
        series: [{}, ...runs.flatMap((run) => [
          { label: `${run.label} (raw)`, stroke: `${run.color}40`, width: 1, spanGaps: true },
          { label: run.label, stroke: run.color, width: 2, spanGaps: true },
        ])],
      }, lossData, this.lossBox);
      this.accuracy = new uPlot({
        width, height: HEIGHT, legend: { show: false }, axes: axes("test accuracy (%)"), scales: { x: { time: false } },
        series: [{}, ...runs.map((run) => ({ label: run.label, stroke: run.color, width: 2, spanGaps: true, points: { show: true } }))],
      }, accuracyData, this.accuracyBox);
    } else {
      this.loss.setData(lossData);
      this.accuracy.setData(accuracyData);
    }
  }
}

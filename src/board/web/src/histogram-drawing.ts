// Drawing a histogram tag of one run over its steps, on a canvas:
//   offset   one ridge per step, later steps lower and in front (TensorBoard's "offset" mode)
//   overlay  every step's outline on the same axes, older steps paler
// and the percentile-band "distributions" chart with uPlot (bands between
// TensorBoard's basis points: min, ±1.5σ, ±1σ, ±0.5σ, median, max).
// Every histogram is re-binned onto one uniform grid over all steps' range,
// or over a range given by the caller (one range for every run of a tag).
// The value axis has ticks at round numbers, 0 among them when the range
// spans it, and a faint line at 0.

import uPlot from "uplot";
import type { HistogramPoint } from "./api.js";
import { DISTRIBUTION_BASIS_POINTS, niceStep, niceTicks, percentiles, rebin, tickLabel } from "./histogram-math.js";

const BINS = 60;

function mix(hex: string, towardsWhite: number): string {
  const n = parseInt(hex.slice(1), 16);
  const channel = (shift: number) => Math.round(((n >> shift) & 255) * (1 - towardsWhite) + 255 * towardsWhite);
  return `rgb(${channel(16)},${channel(8)},${channel(0)})`;
}

/** A range of values [lo, hi]. */
export interface ValueRange {
  lo: number;
  hi: number;
}

/** The range every step of `points` spans (min of the minima to max of the maxima). */
export function valueRange(points: readonly HistogramPoint[]): ValueRange {
  return { lo: Math.min(...points.map((p) => p.min)), hi: Math.max(...points.map((p) => p.max)) };
}

/**
 * Draws `points` (sorted by step) as ridges or overlaid outlines into
 * `canvas`, over `range` (default: the points' own). The canvas gets
 * data-ticks (the tick values, comma-separated) and data-range.
 */
export function drawHistograms(canvas: HTMLCanvasElement, points: readonly HistogramPoint[], mode: "offset" | "overlay", color: string, range?: ValueRange): void {
  const ratio = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || 360;
  const cssHeight = canvas.clientHeight || 240;
  canvas.width = Math.round(cssWidth * ratio);
  canvas.height = Math.round(cssHeight * ratio);
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  if (points.length === 0) return;
  const { lo, hi } = range ?? valueRange(points);
  const binned = points.map((p) => rebin(p, lo, hi, BINS));
  const peak = Math.max(...binned.map((b) => Math.max(...b))) || 1;
  const margin = { left: 14, right: 50, top: 8, bottom: 34 };
  const width = cssWidth - margin.left - margin.right;
  const plotHeight = cssHeight - margin.top - margin.bottom;
  const ridgeHeight = mode === "offset" ? Math.min(plotHeight * 0.5, (plotHeight * 3) / Math.max(3, points.length)) : plotHeight;
  const stepSpacing = mode === "offset" && points.length > 1 ? (plotHeight - ridgeHeight) / (points.length - 1) : 0;
  const xOf = (bin: number) => margin.left + ((bin + 0.5) / BINS) * width;
  const xOfValue = (value: number) => margin.left + (hi > lo ? ((value - lo) / (hi - lo)) * width : width / 2);
  const ticks = niceTicks(lo, hi, Math.max(2, Math.floor(width / 70)));

  binned.forEach((bins, k) => {
    const base = margin.top + ridgeHeight + k * stepSpacing;
    const age = points.length > 1 ? 1 - k / (points.length - 1) : 0;
    ctx.beginPath();
    ctx.moveTo(margin.left, base);
    for (let b = 0; b < BINS; b++) ctx.lineTo(xOf(b), base - (bins[b]! / peak) * ridgeHeight);
    ctx.lineTo(margin.left + width, base);
    if (mode === "offset") {
      ctx.fillStyle = mix(color, 0.2 + 0.55 * age);
      ctx.fill();
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = 0.6;
    } else {
      ctx.strokeStyle = mix(color, 0.85 * age);
      ctx.lineWidth = k === points.length - 1 ? 1.6 : 0.8;
    }
    ctx.stroke();
    if (mode === "offset" && (k === 0 || k === points.length - 1 || k % Math.ceil(points.length / 6) === 0)) {
      ctx.fillStyle = "#555";
      ctx.font = "10px sans-serif";
      ctx.fillText(String(points[k]!.step), margin.left + width + 4, base);
    }
  });
  if (lo <= 0 && hi >= 0) {
    // Where zero is, over the ridges.
    ctx.strokeStyle = "rgba(38, 50, 56, 0.45)";
    ctx.lineWidth = 1;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(Math.round(xOfValue(0)) + 0.5, margin.top);
    ctx.lineTo(Math.round(xOfValue(0)) + 0.5, margin.top + plotHeight);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  drawValueAxis(ctx, ticks, xOfValue, margin.left, margin.left + width, margin.top + plotHeight + 2);
  if (mode === "overlay") {
    ctx.textAlign = "right";
    ctx.fillText(`steps ${points[0]!.step}–${points[points.length - 1]!.step}, newest darkest`, margin.left + width, margin.top + 10);
  }
  canvas.dataset.ticks = ticks.join(",");
  canvas.dataset.range = `${lo},${hi}`;
}

/** The value axis under a histogram: a base line from x0 to x1 at y, a tick and a label at each tick value. */
function drawValueAxis(ctx: CanvasRenderingContext2D, ticks: readonly number[], xOf: (value: number) => number, x0: number, x1: number, y: number): void {
  ctx.strokeStyle = "#78909c";
  ctx.fillStyle = "#455a64";
  ctx.lineWidth = 1;
  ctx.font = "11px sans-serif";
  ctx.beginPath();
  ctx.moveTo(x0, y + 0.5);
  ctx.lineTo(x1, y + 0.5);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : niceStep(Math.abs(ticks[0] ?? 1) || 1);
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const tick of ticks) {
    const x = Math.round(xOf(tick)) + 0.5;
    ctx.moveTo(x, y);
    ctx.lineTo(x, y + 4);
    ctx.fillText(tickLabel(tick, step), x, y + 6);
  }
  ctx.stroke();
}

/** The distributions chart: percentile bands of every step, the value axis over `range` when given. Returns the uPlot (caller destroys it). */
export function drawDistributions(container: HTMLElement, points: readonly HistogramPoint[], color: string, range?: ValueRange): uPlot {
  // Highest percentile first: uPlot fills a band when it draws the band's upper
  // series, so the outer band must be drawn first and the inner ones over it.
  const fractions = DISTRIBUTION_BASIS_POINTS.map((bp) => bp / 10000).reverse();
  const rows = points.map((p) => percentiles(p, fractions));
  const data: uPlot.AlignedData = [points.map((p) => p.step), ...fractions.map((_, j) => rows.map((r) => r[j]!))];
  const median = fractions.indexOf(0.5);
  const series: uPlot.Series[] = [{ label: "step" }];
  fractions.forEach((f, j) => series.push({ label: `p${(f * 100).toFixed(1)}`, stroke: j === median ? color : "transparent", width: j === median ? 1.5 : 0, points: { show: false } }));
  const bands: uPlot.Band[] = [];
  for (let j = 0; j < median; j++) bands.push({ series: [j + 1, fractions.length - j], fill: mix(color, 0.85 - 0.17 * j) });
  return new uPlot({
    width: Math.max(240, container.clientWidth),
    height: 220,
    series,
    bands,
    legend: { show: false },
    cursor: { points: { show: false } },
    scales: { x: { time: false }, ...(range ? { y: { range: [range.lo, range.hi] as uPlot.Range.MinMax } } : {}) },
    axes: [{ label: "step", size: 36, labelSize: 14 }, { size: 56 }],
  }, data, container);
}

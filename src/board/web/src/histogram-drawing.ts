// Drawing a histogram tag of one run over its steps, on a canvas:
//   offset   one ridge per step, later steps lower and in front (TensorBoard's "offset" mode)
//   overlay  every step's outline on the same axes, older steps paler
// and the percentile-band "distributions" chart with uPlot (bands between
// TensorBoard's basis points: min, ±1.5σ, ±1σ, ±0.5σ, median, max).
// Every histogram is re-binned onto one uniform grid over all steps' range.

import uPlot from "uplot";
import type { HistogramPoint } from "./api.js";
import { formatNumber } from "./dom.js";
import { DISTRIBUTION_BASIS_POINTS, percentiles, rebin } from "./histogram-math.js";

const BINS = 60;

function mix(hex: string, towardsWhite: number): string {
  const n = parseInt(hex.slice(1), 16);
  const channel = (shift: number) => Math.round(((n >> shift) & 255) * (1 - towardsWhite) + 255 * towardsWhite);
  return `rgb(${channel(16)},${channel(8)},${channel(0)})`;
}

/** Draws `points` (sorted by step) as ridges or overlaid outlines into `canvas`. */
export function drawHistograms(canvas: HTMLCanvasElement, points: readonly HistogramPoint[], mode: "offset" | "overlay", color: string): void {
  const ratio = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || 360;
  const cssHeight = canvas.clientHeight || 240;
  canvas.width = Math.round(cssWidth * ratio);
  canvas.height = Math.round(cssHeight * ratio);
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  if (points.length === 0) return;
  const lo = Math.min(...points.map((p) => p.min));
  const hi = Math.max(...points.map((p) => p.max));
  const binned = points.map((p) => rebin(p, lo, hi, BINS));
  const peak = Math.max(...binned.map((b) => Math.max(...b))) || 1;
  const margin = { left: 8, right: 50, top: 8, bottom: 22 };
  const width = cssWidth - margin.left - margin.right;
  const plotHeight = cssHeight - margin.top - margin.bottom;
  const ridgeHeight = mode === "offset" ? Math.min(plotHeight * 0.5, (plotHeight * 3) / Math.max(3, points.length)) : plotHeight;
  const stepSpacing = mode === "offset" && points.length > 1 ? (plotHeight - ridgeHeight) / (points.length - 1) : 0;
  const xOf = (bin: number) => margin.left + ((bin + 0.5) / BINS) * width;

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
  ctx.fillStyle = "#555";
  ctx.font = "10px sans-serif";
  ctx.fillText(formatNumber(lo), margin.left, cssHeight - 6);
  const hiText = formatNumber(hi);
  ctx.fillText(hiText, margin.left + width - ctx.measureText(hiText).width, cssHeight - 6);
  if (mode === "overlay") ctx.fillText(`steps ${points[0]!.step}–${points[points.length - 1]!.step}`, margin.left + width / 2 - 30, cssHeight - 6);
}

/** The distributions chart: percentile bands of every step. Returns the uPlot (caller destroys it). */
export function drawDistributions(container: HTMLElement, points: readonly HistogramPoint[], color: string): uPlot {
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
    scales: { x: { time: false } },
    axes: [{ label: "step", size: 36, labelSize: 14 }, { size: 56 }],
  }, data, container);
}

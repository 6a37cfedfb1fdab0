// Drawing the Train page's pictures straight to canvas pixels: a grid of
// small float maps (kernels, feature maps), each scaled by a whole factor so
// that no pixel blurs. Weights use a diverging map (blue below zero, white at
// zero, red above, symmetric about zero); activations and images a gray ramp
// from their minimum (black) to their maximum (white); fc2 maps viridis.

import { interpolateViridis } from "d3-scale-chromatic";
import { h } from "../dom.js";

export type Palette = "diverging" | "gray" | "viridis";

/** Viridis in 256 steps, as the fc2 figures of `lenet-lab features` colour their maps. */
const VIRIDIS: [number, number, number][] = Array.from({ length: 256 }, (_, i) => {
  const hex = interpolateViridis(i / 255);
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
});

function colorOf(value: number, low: number, high: number, palette: Palette): [number, number, number] {
  if (palette === "viridis") {
    const t = high > low ? Math.max(0, Math.min(1, (value - low) / (high - low))) : 0;
    return VIRIDIS[Math.round(255 * t)]!;
  }
  if (palette === "gray") {
    const t = high > low ? (value - low) / (high - low) : 0;
    const v = Math.round(255 * t);
    return [v, v, v];
  }
  const extent = Math.max(Math.abs(low), Math.abs(high)) || 1;
  const t = Math.max(-1, Math.min(1, value / extent));
  const fade = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? [255, fade, fade] : [fade, fade, 255];
}

export interface MapGrid {
  /** count maps of rows × cols values, one after another. */
  values: ArrayLike<number>;
  count: number;
  rows: number;
  cols: number;
  /** Maps per row of the picture. */
  perRow: number;
  scale: number;
  palette: Palette;
  /** One range for the whole grid (weights), or each map its own (activations). */
  range: "shared" | "each";
  /** With range "shared": the range to use (e.g. one across several grids) instead of the grid's own. */
  low?: number;
  high?: number;
}

/** A canvas with the maps of `grid`, 1 to 3 px of background between them (more for larger maps). */
export function paintMaps(grid: MapGrid, label: string): HTMLCanvasElement {
  const { values, count, rows, cols, perRow, scale, palette } = grid;
  const gap = scale >= 8 ? 3 : scale >= 4 ? 2 : 1;
  const gridRows = Math.ceil(count / perRow);
  const width = perRow * (cols * scale + gap) - gap;
  const height = gridRows * (rows * scale + gap) - gap;
  const canvas = h("canvas", { width, height, class: "pixelated", role: "img", "aria-label": label, title: label });
  const context = canvas.getContext("2d")!;
  const image = context.createImageData(width, height);
  image.data.fill(236);
  const size = rows * cols;
  const rangeOf = (start: number, end: number): [number, number] => {
    let low = Infinity, high = -Infinity;
    for (let i = start; i < end; i++) {
      low = Math.min(low, values[i]);
      high = Math.max(high, values[i]);
    }
    return [low, high];
  };
  const shared: [number, number] | null = grid.range === "each" ? null
    : grid.low !== undefined && grid.high !== undefined ? [grid.low, grid.high] : rangeOf(0, count * size);
  for (let m = 0; m < count; m++) {
    const [low, high] = shared ?? rangeOf(m * size, (m + 1) * size);
    const x0 = (m % perRow) * (cols * scale + gap);
    const y0 = Math.floor(m / perRow) * (rows * scale + gap);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const [red, green, blue] = colorOf(values[m * size + r * cols + c], low, high, palette);
        for (let dy = 0; dy < scale; dy++) {
          let offset = ((y0 + r * scale + dy) * width + x0 + c * scale) * 4;
          for (let dx = 0; dx < scale; dx++, offset += 4) {
            image.data[offset] = red;
            image.data[offset + 1] = green;
            image.data[offset + 2] = blue;
            image.data[offset + 3] = 255;
          }
        }
      }
    }
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

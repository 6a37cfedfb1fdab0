// Heat-map figures, as a person makes them with matplotlib's imshow: each
// matrix drawn as an image of coloured blocks (one block of cellWidth ×
// cellHeight pixels per value, nearest-neighbour, no smoothing) inside
// labelled axes, with a colorbar showing the scale and a title. Several
// matrices make a grid of panels; panels that share a colour domain share one
// colorbar, otherwise each panel has its own.
//
// Each matrix becomes a picture of one pixel per value (exact colours from
// colormaps.ts), placed as an image mark of cellWidth × cellHeight pixels
// per value in a Vega specification, which draws axes, colorbar and titles;
// render.ts turns that into SVG and PNG, scaling the pictures up with
// nearest neighbour, so that each value is a block of one colour.
// Not here: what the matrices are (fc2-*.ts), writing files.

import type * as vega from "vega";
import { encodePng } from "../io/png.js";
import { ColormapName, colorIndexOf, colorOf, colormapPalette, vegaSchemeName } from "./colormaps.js";
import { FIGURE_CONFIG, FIGURE_FONT, prepareVega, svgToPng, viewToSvg, type RenderedFigure } from "./render.js";
import { figurePool } from "./render-pool.js";
import { type SignalledSpec, withView } from "./view-cache.js";

export interface HeatmapPanel {
  title: string;
  /** rows × cols values, row-major (row 0 at the top). */
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  /** Colour domain [min, max]: values map linearly onto the colormap, clamped. */
  domain: [number, number];
  /** Write each value on its cell with this many decimals (e.g. 2 for cosine similarities). Plain data, so a figure can be rendered in another thread. */
  cellDecimals?: number;
}

export interface HeatmapAxis {
  title: string;
  /** Label of each row (y) or column (x), top to bottom / left to right. */
  labels: string[];
  /** Indices of the labels that get a tick (default: all). */
  ticks?: number[];
}

export interface HeatmapFigureOptions {
  title: string;
  subtitle?: string;
  colormap: ColormapName;
  /** Pixels per value. */
  cellWidth: number;
  cellHeight: number;
  x: HeatmapAxis;
  y: HeatmapAxis;
  colorbarTitle: string;
  /** Panels per row of the grid (default: all in one row). */
  columns?: number;
}

/** Where a panel's blocks landed in the PNG: value (r, c) fills [x + c·cellWidth, …) × [y + r·cellHeight, …). */
export interface PanelPlacement {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface HeatmapFigure extends RenderedFigure {
  panels: PanelPlacement[];
}

/** Ticks at 0, step, 2·step, … and the last index: "every 10th unit" for 84 columns. */
export function everyNth(count: number, step: number, offset = 0): number[] {
  const ticks: number[] = [];
  for (let i = offset; i < count; i += step) ticks.push(i);
  if (ticks[ticks.length - 1] !== count - 1 && count - 1 - ticks[ticks.length - 1] >= step / 2) ticks.push(count - 1);
  return ticks;
}

/** Min and max of finite values; throws a RangeError on NaN (a diverged model must not look fine). */
export function valueRange(values: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) throw new RangeError(`value ${i} is NaN; nothing meaningful can be drawn`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return values.length === 0 ? [0, 1] : [min, max];
}

/**
 * The panel's values as colormap entries (colorIndexOf), one byte per value,
 * row-major: the picture the figure scales up into blocks.
 */
export function colorIndices(panel: HeatmapPanel): Uint8Array {
  const { rows, cols, values, domain } = panel;
  if (values.length !== rows * cols) throw new RangeError(`panel "${panel.title}" has ${values.length} values, ${rows}×${cols} needs ${rows * cols}`);
  const indices = new Uint8Array(rows * cols);
  for (let k = 0; k < indices.length; k++) {
    const v = values[k];
    if (Number.isNaN(v)) throw new RangeError(`panel "${panel.title}": value (${Math.floor(k / cols)}, ${k % cols}) is NaN`);
    indices[k] = colorIndexOf(v, domain[0], domain[1]);
  }
  return indices;
}

/** Black or white, whichever reads better on an RGB background (relative luminance). */
function textColorOn([r, g, b]: [number, number, number]): string {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 140 ? "black" : "white";
}

function sameDomain(panels: HeatmapPanel[]): boolean {
  return panels.every((p) => p.domain[0] === panels[0].domain[0] && p.domain[1] === panels[0].domain[1]);
}

/**
 * Where the figure's SVG points for panel `index`'s blocks: an address that
 * is never fetched (.invalid), handed to the rasteriser with the panel's
 * pixels (panelImages) instead of a base64 copy inside the SVG text.
 */
export function panelImageUrl(index: number): string {
  return `https://lenet-lab.invalid/heatmap-panel-${index}.png`;
}

/**
 * Each panel's picture as PNG, by panelImageUrl: cols × rows pixels, an
 * indexed PNG whose palette is the colormap (a byte per value, the exact
 * colours of colorOf), stored without deflate, since the rasteriser decodes
 * it at once (the figure's own PNG is compressed as ever). The figure draws
 * it cellWidth × cellHeight times larger, nearest neighbour: the same pixels
 * as a picture painted block by block, without painting, encoding and
 * decoding a picture of a quarter of a million pixels per panel.
 */
export function panelImages(panels: HeatmapPanel[], options: HeatmapFigureOptions): Map<string, Uint8Array> {
  const palette = colormapPalette(options.colormap);
  return new Map(panels.map((panel, index) => [panelImageUrl(index), encodePng({
    width: panel.cols, height: panel.rows, channels: 1, data: colorIndices(panel), palette,
  }, 0)]));
}

/**
 * The Vega specification of the figure (exported for inspection;
 * renderHeatmapFigure renders it with panelImages). What differs between
 * the figures of one shape (a run's ten digit maps, the cross-run maps of
 * each digit) are signals: the title, the subtitle and the colour domains,
 * so that they share one parsed specification (view-cache.ts), and figures
 * whose colour domains are the same also share one view.
 */
export function heatmapSpec(panels: HeatmapPanel[], options: HeatmapFigureOptions): SignalledSpec {
  if (panels.length === 0) throw new RangeError("a heat-map figure needs at least one panel");
  const shared = sameDomain(panels);
  const scheme = vegaSchemeName(options.colormap);
  const values: Record<string, unknown> = { figureTitle: options.title };
  if (options.subtitle !== undefined) values.figureSubtitle = options.subtitle;
  const colorScale = (domain: [number, number], index: number) => {
    values[`colorDomain${index}`] = domain[0] === domain[1] ? [domain[0] - 0.5, domain[1] + 0.5] : domain;
    return { name: "color", type: "linear", domain: { signal: `colorDomain${index}` }, range: { scheme }, zero: false, nice: false };
  };
  const colorbar = (length: number) => ({
    fill: "color", type: "gradient", title: options.colorbarTitle, direction: "vertical",
    gradientLength: Math.max(60, Math.min(length, 400)), gradientThickness: 14, tickCount: 6,
  });
  const groups = panels.map((panel, index) => {
    const width = panel.cols * options.cellWidth;
    const height = panel.rows * options.cellHeight;
    const decimals = panel.cellDecimals;
    const cellText = decimals === undefined ? undefined : (value: number) => value.toFixed(decimals);
    const textData = cellText ? Array.from({ length: panel.rows * panel.cols }, (_, k) => {
      const value = panel.values[k];
      return {
        x: options.x.labels[k % panel.cols], y: options.y.labels[Math.floor(k / panel.cols)],
        text: cellText(value), color: textColorOn(colorOf(options.colormap, value, panel.domain[0], panel.domain[1])),
      };
    }) : [];
    return {
      type: "group", name: `panel-${index}`,
      ...(panel.title ? { title: { text: panel.title, fontSize: 12, fontWeight: "normal", offset: 6 } } : {}),
      encode: { enter: { width: { value: width }, height: { value: height } } },
      data: cellText ? [{ name: "cells", values: textData }] : [],
      scales: [
        { name: "x", type: "band", domain: options.x.labels.slice(0, panel.cols), range: [0, width], padding: 0 },
        { name: "y", type: "band", domain: options.y.labels.slice(0, panel.rows), range: [0, height], padding: 0 },
        ...(shared ? [] : [colorScale(panel.domain, index)]),
      ],
      axes: [
        { orient: "bottom", scale: "x", title: options.x.title, values: (options.x.ticks ?? options.x.labels.map((_, i) => i)).map((i) => options.x.labels[i]), labelFlush: false, zindex: 1 },
        { orient: "left", scale: "y", title: options.y.title, values: (options.y.ticks ?? options.y.labels.map((_, i) => i)).map((i) => options.y.labels[i]), zindex: 1 },
      ],
      legends: shared ? [] : [colorbar(height)],
      marks: [
        { type: "image", encode: { enter: {
          x: { value: 0 }, y: { value: 0 }, width: { value: width }, height: { value: height },
          url: { value: panelImageUrl(index) }, aspect: { value: false }, smooth: { value: false },
        } } },
        ...(cellText ? [{ type: "text", from: { data: "cells" }, encode: { enter: {
          x: { scale: "x", field: "x", band: 0.5 }, y: { scale: "y", field: "y", band: 0.5 }, text: { field: "text" },
          fill: { field: "color" }, align: { value: "center" }, baseline: { value: "middle" },
          fontSize: { value: Math.min(12, Math.max(7, options.cellHeight / 3)) }, font: { value: FIGURE_FONT },
        } } }] : []),
      ],
    };
  });
  const tallest = Math.max(...panels.map((p) => p.rows * options.cellHeight));
  const scales = shared ? [colorScale(panels[0].domain, 0)] : [];
  const spec = {
    $schema: "https://vega.github.io/schema/vega/v6.json",
    autosize: "pad",
    padding: 12,
    config: FIGURE_CONFIG as never,
    background: "white",
    signals: Object.entries(values).map(([name, value]) => ({ name, value })),
    title: {
      text: { signal: "figureTitle" }, ...(options.subtitle !== undefined ? { subtitle: { signal: "figureSubtitle" } } : {}),
      fontSize: 15, subtitleFontSize: 12, anchor: "middle", offset: 10,
    },
    layout: { columns: options.columns ?? panels.length, padding: { row: 36, column: shared ? 28 : 36 }, bounds: "full", align: "all" },
    scales,
    legends: shared ? [colorbar(tallest)] : [],
    marks: groups,
  } as unknown as vega.Spec;
  return { spec, values, texts: ["figureTitle", "figureSubtitle"] };
}

/**
 * Renders the figure to SVG and PNG and reports where each panel's blocks
 * are: in a figure thread when there are some (render-pool.ts), else here.
 */
export async function renderHeatmapFigure(panels: HeatmapPanel[], options: HeatmapFigureOptions): Promise<HeatmapFigure> {
  const pool = figurePool();
  if (pool) return (await pool.render({ kind: "heatmap", panels, options })) as HeatmapFigure;
  return renderHeatmapFigureHere(panels, options);
}

/** renderHeatmapFigure in this thread (what a figure thread runs). */
export async function renderHeatmapFigureHere(panels: HeatmapPanel[], options: HeatmapFigureOptions): Promise<HeatmapFigure> {
  prepareVega();
  return withView(heatmapSpec(panels, options), async (view) => {
    const svg = await viewToSvg(view);
    // Where the renderer puts the scene's (0, 0): padding plus the origin autosize chose.
    const padding = view.padding() as { left: number; top: number };
    const originX = view.origin()[0] + padding.left;
    const originY = view.origin()[1] + padding.top;
    const root = (view.scenegraph() as unknown as { root: SceneGroup }).root;
    const placements = panels.map((_, index) => {
      const item = findGroup(root, `panel-${index}`);
      if (!item) throw new Error(`panel ${index} is missing from the rendered scene`);
      return { x: originX + item.x, y: originY + item.y, width: item.width, height: item.height };
    });
    return { svg, ...svgToPng(svg, 1, panelImages(panels, options), "nearest"), panels: placements };
  });
}

interface SceneGroup {
  marktype?: string;
  name?: string;
  items?: SceneGroup[];
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The first item of the group mark called `name`, searched depth-first from the root. */
function findGroup(node: SceneGroup, name: string): SceneGroup | undefined {
  if (node.marktype === "group" && node.name === name) return node.items?.[0];
  for (const child of node.items ?? []) {
    const found = findGroup(child, name);
    if (found) return found;
  }
  return undefined;
}

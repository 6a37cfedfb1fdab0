// Rendering figures: a Vega (or Vega-Lite) specification → SVG text (Vega's
// own SVG renderer, headless) → pixels (resvg) → PNG (src/io/png.ts). Text is
// drawn with DejaVu Sans from the npm package dejavu-fonts-ttf and no system
// font is consulted, so labels, titles and ticks look the same on a fresh
// machine with no fonts (figure-fonts.ts picks the files).
// Not here: what the figures show (heatmap-figure.ts, src/report/charts.ts).

import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { encodePng } from "../io/png.js";
import { registerVegaSchemes } from "./colormaps.js";
import { fontFilesFor } from "./figure-fonts.js";
import { figurePool } from "./render-pool.js";

/** The one font of every figure. */
export const FIGURE_FONT = "DejaVu Sans";

/** Vega config shared by all figures: the bundled font everywhere, white background. */
export const FIGURE_CONFIG = {
  background: "white",
  font: FIGURE_FONT,
  title: { font: FIGURE_FONT },
  axis: { labelFont: FIGURE_FONT, titleFont: FIGURE_FONT },
  legend: { labelFont: FIGURE_FONT, titleFont: FIGURE_FONT },
  text: { font: FIGURE_FONT },
} as const;

/**
 * The deflate level of a figure's PNG. At 3 the 47 figures of a compare run
 * come out 17 % smaller than resvg's own PNG encoder makes them, in a third
 * of its time; 6 saves another quarter of the bytes for three times the time.
 */
const FIGURE_PNG_LEVEL = 3;

export interface RenderedFigure {
  svg: string;
  png: Uint8Array;
  width: number;
  height: number;
}

/**
 * Width of a text in DejaVu Sans, in ems, from the glyph classes' typical
 * advances (digits 0.636, most lower case ~0.6, narrow letters and
 * punctuation ~0.3, capitals ~0.7; bold ~8 % wider). Vega lays out axes,
 * legends and titles from text widths; without a canvas in Node it would
 * guess 0.8 em per character, leaving wide gaps.
 */
export function estimateTextEms(text: string, bold = false): number {
  let ems = 0;
  for (const ch of text) {
    if (/[0-9]/.test(ch)) ems += 0.636;
    else if (/[ijlt.,:;'|!()[\] ]/.test(ch)) ems += 0.31;
    else if (/[frI\-]/.test(ch)) ems += 0.4;
    else if (/[mwMW—]/.test(ch)) ems += 0.95;
    else if (/[A-Z]/.test(ch)) ems += 0.7;
    else ems += 0.6;
  }
  return bold ? ems * 1.08 : ems;
}

let measuringInstalled = false;

/** Makes Vega measure text with estimateTextEms (once per process). */
function installTextMeasure(): void {
  if (measuringInstalled) return;
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: string) => number } }).textMetrics;
  metrics.width = (item, text) => {
    const value = String(text ?? item.text ?? "");
    const size = item.fontSize ?? 11;
    const bold = item.fontWeight === "bold" || Number(item.fontWeight) >= 600;
    return estimateTextEms(value, bold) * size;
  };
  measuringInstalled = true;
}

interface TextItem {
  text?: string;
  fontSize?: number;
  fontWeight?: string | number;
}

/** Renders a Vega specification to SVG in Node (no browser, no canvas). */
export async function vegaToSvg(spec: vega.Spec): Promise<string> {
  prepareVega();
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  try {
    return await viewToSvg(view);
  } finally {
    view.finalize();
  }
}

/** What Vega keeps on an image mark's item: the picture it loaded for it (item.image), and from where. */
interface ImageItem {
  url?: string;
  width?: number;
  height?: number;
  image?: { url: string; src: string; complete: boolean; width: number; height: number };
}

interface SceneNode {
  marktype?: string;
  items?: SceneNode[];
}

/**
 * Runs the view and writes its scene as SVG text. Vega's SVG writer would
 * try to load every image to learn its size, which Node cannot (no canvas):
 * it writes the scene once with no address, waits for the loads to fail
 * (polling every 10 ms), then writes it all again with the address. The
 * figures give every image its size, and the SVG only needs the address
 * (the rasteriser fetches nothing: svgToPng), so each image item is marked
 * as loaded from its own address first, and the scene is written once.
 */
export async function viewToSvg(view: vega.View): Promise<string> {
  await view.runAsync();
  markImagesLoaded((view.scenegraph() as unknown as { root: SceneNode }).root);
  return view.toSVG();
}

function markImagesLoaded(node: SceneNode): void {
  if (node.marktype === "image") {
    for (const item of (node.items ?? []) as ImageItem[]) {
      if (item.url) item.image = { url: item.url, src: item.url, complete: true, width: item.width ?? 0, height: item.height ?? 0 };
    }
    return;
  }
  for (const child of node.items ?? []) markImagesLoaded(child);
}

/** Registers the colormaps and the text measure; call before building a Vega View. */
export function prepareVega(): void {
  registerVegaSchemes();
  installTextMeasure();
}

/** Compiles a Vega-Lite specification to Vega, with the figure config. */
export function vegaLiteToVega(spec: TopLevelSpec): vega.Spec {
  return compile(spec, { config: FIGURE_CONFIG as never }).spec as vega.Spec;
}

/**
 * Rasterises SVG text with the bundled font only (figure-fonts.ts). `zoom` scales the output
 * (2 = twice the pixels, for sharp charts on high-density screens). `images`
 * holds the PNG of each image the SVG points to by address (nothing is
 * fetched: an image missing from it is an error). `imageScaling` is how
 * images drawn larger than their pixels are filled in: "smooth"
 * (interpolated), or "nearest" (each pixel a sharp block, as Vega's
 * smooth: false asks with image-rendering: pixelated, a keyword resvg
 * does not know).
 */
export function svgToPng(svg: string, zoom = 1, images: ReadonlyMap<string, Uint8Array> = new Map(),
  imageScaling: "smooth" | "nearest" = "smooth"): { png: Uint8Array; width: number; height: number } {
  const renderer = new Resvg(svg, {
    font: { fontFiles: fontFilesFor(svg), loadSystemFonts: false, defaultFontFamily: FIGURE_FONT, sansSerifFamily: FIGURE_FONT },
    fitTo: zoom === 1 ? { mode: "original" } : { mode: "zoom", value: zoom },
    background: "white",
    imageRendering: imageScaling === "nearest" ? 1 : 0, // 1: optimizeSpeed (nearest neighbour), 0: optimizeQuality
  });
  for (const href of renderer.imagesToResolve()) {
    const png = images.get(href);
    if (!png) throw new Error(`the figure points to an image it was not given: ${href}`);
    renderer.resolveImage(href, Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  }
  const image = renderer.render();
  // The pixels are opaque (white background), so resvg's premultiplied RGBA is the plain RGBA a PNG holds.
  const png = encodePng({ width: image.width, height: image.height, channels: 4, data: image.pixels }, FIGURE_PNG_LEVEL);
  return { png, width: image.width, height: image.height };
}

/** A Vega specification as SVG and PNG: in a figure thread when there are some (render-pool.ts), else here. */
export async function renderVega(spec: vega.Spec, zoom = 1): Promise<RenderedFigure> {
  const pool = figurePool();
  if (pool) return (await pool.render({ kind: "vega", spec, zoom })) as RenderedFigure;
  return renderVegaHere(spec, zoom);
}

/** renderVega in this thread (what a figure thread runs). */
export async function renderVegaHere(spec: vega.Spec, zoom = 1): Promise<RenderedFigure> {
  const svg = await vegaToSvg(spec);
  return { svg, ...svgToPng(svg, zoom) };
}

/** A Vega-Lite specification as SVG and PNG: compiled and rendered in a figure thread when there are some, else here. */
export async function renderVegaLite(spec: TopLevelSpec, zoom = 1): Promise<RenderedFigure> {
  const pool = figurePool();
  if (pool) return (await pool.render({ kind: "vega-lite", spec, zoom })) as RenderedFigure;
  return renderVegaHere(vegaLiteToVega(spec), zoom);
}

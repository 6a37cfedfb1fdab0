// Colormaps of the heat-map figures: value in [0, 1] → 8-bit RGB. viridis
// (perceptually uniform, matplotlib's default) comes from d3-scale-chromatic;
// gray is a linear ramp from black (low) to white (high), as matplotlib's
// "gray". The same interpolators are registered as Vega schemes, so a figure's
// colorbar and its pixels use one mapping.
// Not here: laying out figures (heatmap-figure.ts).

import { interpolateViridis } from "d3-scale-chromatic";
import * as vega from "vega";

export const COLORMAPS = ["viridis", "gray"] as const;
export type ColormapName = (typeof COLORMAPS)[number];

/** Parses "viridis" / "gray" (also "grey"); throws an Error naming the valid colormaps. */
export function parseColormap(value: string): ColormapName {
  const name = value.trim().toLowerCase() === "grey" ? "gray" : value.trim().toLowerCase();
  if ((COLORMAPS as readonly string[]).includes(name)) return name as ColormapName;
  throw new Error(`unknown colormap "${value}"; valid colormaps: ${COLORMAPS.join(", ")}`);
}

const INTERPOLATORS: Record<ColormapName, (t: number) => string> = {
  viridis: interpolateViridis,
  gray: (t) => {
    const v = Math.round(255 * t);
    return `rgb(${v}, ${v}, ${v})`;
  },
};

/** "#rrggbb" or "rgb(r, g, b)" → [r, g, b]. */
function parseCssColor(color: string): [number, number, number] {
  if (color.startsWith("#")) return [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)) as [number, number, number];
  const parts = color.match(/\d+(\.\d+)?/g);
  if (!parts || parts.length < 3) throw new Error(`cannot parse colour "${color}"`);
  return [Number(parts[0]), Number(parts[1]), Number(parts[2])];
}

/** Resolution of the lookup table: as matplotlib's colormaps, 256 entries. */
export const COLORMAP_ENTRIES = 256;

const tables = new Map<ColormapName, Uint8Array>();

/** The colormap as COLORMAP_ENTRIES × RGB bytes; entry k is the colour of t = k / 255. */
export function colormapTable(name: ColormapName): Uint8Array {
  let table = tables.get(name);
  if (!table) {
    table = new Uint8Array(COLORMAP_ENTRIES * 3);
    for (let k = 0; k < COLORMAP_ENTRIES; k++) table.set(parseCssColor(INTERPOLATORS[name](k / (COLORMAP_ENTRIES - 1))), 3 * k);
    tables.set(name, table);
  }
  return table;
}

/**
 * The colour of `value` on a colormap spanning [min, max]: t = (value − min) / (max − min)
 * clamped to [0, 1], then the nearest of the 256 entries. A constant domain (min = max) maps to the middle.
 */
export function colorOf(name: ColormapName, value: number, min: number, max: number): [number, number, number] {
  const k = colorIndexOf(value, min, max);
  const table = colormapTable(name);
  return [table[3 * k], table[3 * k + 1], table[3 * k + 2]];
}

/** The entry of the lookup table colorOf takes `value` to (0 … COLORMAP_ENTRIES − 1). */
export function colorIndexOf(value: number, min: number, max: number): number {
  const t = max > min ? Math.min(1, Math.max(0, (value - min) / (max - min))) : 0.5;
  return Math.round(t * (COLORMAP_ENTRIES - 1));
}

/** The lookup table as a PNG palette: COLORMAP_ENTRIES [r, g, b] entries. */
export function colormapPalette(name: ColormapName): [number, number, number][] {
  const table = colormapTable(name);
  return Array.from({ length: COLORMAP_ENTRIES }, (_, k) => [table[3 * k], table[3 * k + 1], table[3 * k + 2]]);
}

/** The Vega scheme name under which a colormap is registered (see registerVegaSchemes). */
export function vegaSchemeName(name: ColormapName): string {
  return `lenet-lab-${name}`;
}

let registered = false;

/** Registers every colormap as a Vega continuous scheme (idempotent). */
export function registerVegaSchemes(): void {
  if (registered) return;
  for (const name of COLORMAPS) vega.scheme(vegaSchemeName(name), INTERPOLATORS[name]);
  registered = true;
}

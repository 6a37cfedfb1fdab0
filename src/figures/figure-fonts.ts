// The font files the rasteriser (render.ts) is given. The figures' one font,
// DejaVu Sans, comes from the npm package dejavu-fonts-ttf (≈ 0.75 MB a
// file). The build also writes a subset of each file next to this module
// (scripts/figure-fonts.mjs: the same glyph outlines, kerning and names, only
// the characters of FIGURE_FONT_RANGES and no hinting, which resvg does not
// use; ≈ 40 kB), because resvg reads its font file again for every text it
// lays out: a figure has hundreds of texts, and with the whole file that
// reading was a third of the time a figure took.
// A figure whose text uses a character outside the subset gets the whole
// files, so every figure looks the same either way.
// Not here: drawing (render.ts).

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The file names of the regular and the bold face, in dejavu-fonts-ttf and in the subset. */
export const FIGURE_FONT_FILE_NAMES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"] as const;

/** Where the build writes the subset: a folder next to this module. */
export const SUBSET_DIR = "fonts";

/**
 * The code points kept in the subset, as inclusive ranges: ASCII, Latin-1
 * (× · ± é), Greek, general punctuation (— … ‖), super- and subscripts (₂),
 * arrows (← → ↔) and the mathematical signs a figure writes (∂ − √ ∞ ≈ ≠ ≤ ≥).
 * The smaller the file, the less resvg reads per text.
 */
export const FIGURE_FONT_RANGES: readonly (readonly [number, number])[] = [
  [0x20, 0x7e], [0xa0, 0xff], [0x391, 0x3a9], [0x3b1, 0x3c9], [0x2000, 0x206f], [0x2070, 0x209f],
  [0x2190, 0x2194], [0x2202, 0x2202], [0x2212, 0x2212], [0x221a, 0x221a], [0x221e, 0x221e], [0x2248, 0x2248],
  [0x2260, 0x2260], [0x2264, 0x2265],
];

/** The full files of dejavu-fonts-ttf. */
export function fullFontFiles(): string[] {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  return FIGURE_FONT_FILE_NAMES.map((name) => join(dir, name));
}

let subset: string[] | null | undefined;

/** The subset's files when the build wrote them (dist/), else null (the TypeScript sources under test). */
function subsetFontFiles(): string[] | null {
  if (subset === undefined) {
    const dir = fileURLToPath(new URL(`./${SUBSET_DIR}/`, import.meta.url));
    const files = FIGURE_FONT_FILE_NAMES.map((name) => join(dir, name));
    subset = files.every((file) => existsSync(file)) ? files : null;
  }
  return subset;
}

/** True when every character of `text` beyond ASCII lies in FIGURE_FONT_RANGES (one outside the Basic Multilingual Plane never does). */
export function subsetCovers(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x7e) continue; // ASCII: markup, digits, letters (control characters are never drawn)
    if (!FIGURE_FONT_RANGES.some(([first, last]) => code >= first && code <= last)) return false;
  }
  return true;
}

/** The font files to rasterise `svg` with: the subset when it has every character the SVG uses, else the full files. */
export function fontFilesFor(svg: string): string[] {
  const files = subsetFontFiles();
  return files && subsetCovers(svg) ? files : fullFontFiles();
}

// A confusion matrix as a picture for TensorBoard's Images tab: one cell per
// (true class, predicted class), its colour the share of the true class's
// images that went there (row-normalised: white 0 → dark blue 1), its count
// written in it, and the class numbers along the left (true) and the top
// (predicted). Text comes from a 3×5 pixel font drawn here, so a picture
// costs a few thousand byte writes, not a figure renderer: it is made at
// every evaluation. Pure: counts in, an indexed TensorImage out.
// Not here: the annotated figure with axis titles (class-figures.ts).

import type { TensorImage } from "./tensor-images.js";

/** Glyphs of 0–9 in a 3-wide, 5-high pixel font, row by row (1 = ink). */
export const DIGIT_GLYPHS: readonly string[] = [
  "111101101101111", "010110010010111", "111001111100111", "111001111001111", "101101111001001",
  "111100111001111", "111100111101111", "111001001001001", "111101111101111", "111101111001111",
];
const GLYPH_WIDTH = 3;
const GLYPH_HEIGHT = 5;
/** Pixels per font pixel. */
const FONT_SCALE = 2;
const CHAR_ADVANCE = (GLYPH_WIDTH + 1) * FONT_SCALE;

const CELL_WIDTH = 40;
const CELL_HEIGHT = 22;
/** Room for the class numbers left of and above the cells. */
const MARGIN = 16;

/** Where things are, for readers of the picture (the tests read the counts back). */
export const CONFUSION_LAYOUT = { cellWidth: CELL_WIDTH, cellHeight: CELL_HEIGHT, margin: MARGIN, fontScale: 2, glyphWidth: 3, glyphHeight: 5 } as const;

const RAMP_LEVELS = 250;
/** Palette indices of the two ink colours (dark on light cells, light on dark ones). */
export const INK_DARK = 250;
export const INK_LIGHT = 251;
const BACKGROUND = 252;
const GRID = 253;

/** White → light blue → dark blue, the shares 0 … 1. */
const RAMP_STOPS: readonly (readonly [number, number, number])[] = [[255, 255, 255], [158, 202, 225], [33, 113, 181], [8, 48, 107]];

function rampColor(t: number): [number, number, number] {
  const position = t * (RAMP_STOPS.length - 1);
  const i = Math.min(RAMP_STOPS.length - 2, Math.floor(position));
  const f = position - i;
  const [a, b] = [RAMP_STOPS[i]!, RAMP_STOPS[i + 1]!];
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as [number, number, number];
}

export const CONFUSION_PALETTE: readonly (readonly [number, number, number])[] = [
  ...Array.from({ length: RAMP_LEVELS }, (_, v) => rampColor(v / (RAMP_LEVELS - 1))),
  [20, 20, 20], [255, 255, 255], [245, 245, 245], [190, 190, 190],
];

/** Width in pixels of a number written in the font. */
function textWidth(text: string): number {
  return text.length * CHAR_ADVANCE - FONT_SCALE;
}

/** Writes the digits of `text` with its top-left corner at (x, y). */
function drawText(pixels: Uint8Array, width: number, text: string, x: number, y: number, ink: number): void {
  for (let c = 0; c < text.length; c++) {
    const glyph = DIGIT_GLYPHS[text.charCodeAt(c) - 48];
    if (!glyph) continue;
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (glyph[gy * GLYPH_WIDTH + gx] !== "1") continue;
        for (let sy = 0; sy < FONT_SCALE; sy++) {
          const row = (y + gy * FONT_SCALE + sy) * width;
          for (let sx = 0; sx < FONT_SCALE; sx++) pixels[row + x + c * CHAR_ADVANCE + gx * FONT_SCALE + sx] = ink;
        }
      }
    }
  }
}

/** The picture of a classes × classes matrix of counts ([true][predicted], row-major). */
export function confusionImage(confusion: ArrayLike<number>, classes: number): TensorImage {
  const width = MARGIN + classes * CELL_WIDTH + 1;
  const height = MARGIN + classes * CELL_HEIGHT + 1;
  const pixels = new Uint8Array(width * height).fill(BACKGROUND);
  for (let r = 0; r < classes; r++) {
    let rowSum = 0;
    for (let c = 0; c < classes; c++) rowSum += confusion[r * classes + c]!;
    for (let c = 0; c < classes; c++) {
      const count = confusion[r * classes + c]!;
      const share = rowSum > 0 ? count / rowSum : 0;
      const level = Math.round(share * (RAMP_LEVELS - 1));
      const x0 = MARGIN + c * CELL_WIDTH;
      const y0 = MARGIN + r * CELL_HEIGHT;
      for (let y = y0; y <= y0 + CELL_HEIGHT; y++) {
        for (let x = x0; x <= x0 + CELL_WIDTH; x++) {
          const edge = y === y0 || y === y0 + CELL_HEIGHT || x === x0 || x === x0 + CELL_WIDTH;
          pixels[y * width + x] = edge ? GRID : level;
        }
      }
      const text = String(count);
      drawText(pixels, width, text, x0 + Math.floor((CELL_WIDTH - textWidth(text)) / 2),
        y0 + Math.floor((CELL_HEIGHT - GLYPH_HEIGHT * FONT_SCALE) / 2) + 1, share > 0.5 ? INK_LIGHT : INK_DARK);
    }
    drawText(pixels, width, String(r), Math.floor((MARGIN - textWidth(String(r))) / 2),
      MARGIN + r * CELL_HEIGHT + Math.floor((CELL_HEIGHT - GLYPH_HEIGHT * FONT_SCALE) / 2) + 1, INK_DARK);
  }
  for (let c = 0; c < classes; c++) {
    drawText(pixels, width, String(c), MARGIN + c * CELL_WIDTH + Math.floor((CELL_WIDTH - textWidth(String(c))) / 2), 3, INK_DARK);
  }
  return { width, height, pixels, palette: CONFUSION_PALETTE };
}

// Build step (npm run build, after tsc): writes the subset of the figure font
// that the rasteriser is given (see src/figures/figure-fonts.ts for why) next
// to the compiled module, dist/src/figures/fonts/. Glyph outlines, kerning and
// names are kept as they are; characters outside FIGURE_FONT_RANGES go, and so
// do the hinting instructions (the rasteriser does not hint).

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import subsetFont from "subset-font";
import { FIGURE_FONT_RANGES, SUBSET_DIR, fullFontFiles } from "../dist/src/figures/figure-fonts.js";

const outDir = fileURLToPath(new URL(`../dist/src/figures/${SUBSET_DIR}/`, import.meta.url));
mkdirSync(outDir, { recursive: true });
let characters = "";
for (const [first, last] of FIGURE_FONT_RANGES) for (let code = first; code <= last; code++) characters += String.fromCodePoint(code);
for (const file of fullFontFiles()) {
  const subset = await subsetFont(readFileSync(file), characters, { targetFormat: "truetype", noHinting: true });
  writeFileSync(join(outDir, file.split("/").pop()), subset);
}

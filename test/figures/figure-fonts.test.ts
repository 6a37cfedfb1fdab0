// The figure font's subset is used only for text it can draw: anything beyond
// its ranges (CJK, emoji) falls back to the full DejaVu Sans files.

import { describe, expect, it } from "vitest";
import { fontFilesFor, fullFontFiles, subsetCovers } from "../../src/figures/figure-fonts.js";

describe("figure fonts", () => {
  it("cover the figures' own characters with the subset, and nothing else", () => {
    expect(subsetCovers("<text>fc2 features of digit 3 — relu · 100 × 84 → ‖∂loss/∂w‖₂ ≈ 0.5 μ σ Fashion-MNIST T-shirt/top é</text>")).toBe(true);
    expect(subsetCovers("<text>数字 3</text>")).toBe(false);
    expect(subsetCovers("<text>run 🙂</text>")).toBe(false);
  });

  it("fall back to the full files for a character the subset lacks", () => {
    expect(fontFilesFor("<text>数字</text>")).toEqual(fullFontFiles());
    expect(fullFontFiles().map((file) => file.split("/").pop())).toEqual(["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"]);
  });
});

// Figures of one shape drawn by a kept Vega view (view-cache.ts) are the
// figures a view built afresh draws: the same SVG (Vega numbers gradients
// process-wide, so their ids are set aside) and the same blocks, in any
// order, one after the other or all at once.

import * as vega from "vega";
import { describe, expect, it } from "vitest";
import { HeatmapFigureOptions, HeatmapPanel, heatmapSpec, renderHeatmapFigureHere } from "../../src/figures/heatmap-figure.js";
import { prepareVega, viewToSvg } from "../../src/figures/render.js";

const axes = (rows: number, cols: number) => ({
  x: { title: "unit", labels: Array.from({ length: cols }, (_, i) => String(i)) },
  y: { title: "sample", labels: Array.from({ length: rows }, (_, i) => String(i + 1)) },
});

/** One digit's map as fc2-figures.ts makes it: same shape, its own title, subtitle, values and domain. */
function digitFigure(digit: number, scale: number): [HeatmapPanel[], HeatmapFigureOptions] {
  const values = Float32Array.from({ length: 6 * 8 }, (_, k) => scale * (((k * (digit + 3)) % 11) / 10));
  return [
    [{ title: "", values, rows: 6, cols: 8, domain: [0, scale] }],
    { title: `fc2 features of digit ${digit} — run ${scale}`, subtitle: `${6} images, scale ${scale}`, colormap: "viridis", cellWidth: 6, cellHeight: 5, ...axes(6, 8), colorbarTitle: "fc2 value" },
  ];
}

/**
 * Two panels, as the cross-run maps of one digit: each run on its own
 * 0…1 scale (one colorbar, the same for every digit: only the titles
 * differ), on one scale across runs, or each on a scale of its own.
 */
function crossRunFigure(digit: number, scale: "per-run" | "shared" | "own"): [HeatmapPanel[], HeatmapFigureOptions] {
  const panel = (run: string, top: number): HeatmapPanel => ({
    title: run, values: Float32Array.from({ length: 4 * 5 }, (_, k) => top * Math.sin(k + digit)),
    rows: 4, cols: 5, domain: scale === "per-run" ? [0, 1] : [-top, top],
  });
  return [
    [panel("relu", 40 + digit), panel("sigmoid", scale === "own" ? 0.5 : 40 + digit)],
    { title: `${"very ".repeat(digit)}digit ${digit}, run by run`, subtitle: `digit ${digit}`, colormap: "gray", cellWidth: 4, cellHeight: 4, ...axes(4, 5), colorbarTitle: "share", columns: 2 },
  ];
}

const withoutGradientIds = (svg: string) => svg.replace(/gradient_\d+/g, "gradient_N");

/** The SVG a view built for this one figure writes. */
async function freshSvg([panels, options]: [HeatmapPanel[], HeatmapFigureOptions]): Promise<string> {
  prepareVega();
  const view = new vega.View(vega.parse(heatmapSpec(panels, options).spec), { renderer: "none" });
  try {
    return withoutGradientIds(await viewToSvg(view));
  } finally {
    view.finalize();
  }
}

describe("kept views", () => {
  it("draw each figure of a shape as a fresh view does, whatever came before", async () => {
    // A short legend (0…0.5) after a long one (0…40) and back: the layout must shrink as well as grow.
    const figures = [
      digitFigure(3, 40), digitFigure(7, 0.5), digitFigure(1, 1000), digitFigure(3, 40),
      crossRunFigure(2, "per-run"), crossRunFigure(9, "per-run"), crossRunFigure(0, "per-run"),
      crossRunFigure(2, "shared"), crossRunFigure(5, "shared"), crossRunFigure(2, "own"), crossRunFigure(5, "own"), crossRunFigure(2, "own"),
    ];
    const expected = await Promise.all(figures.map(freshSvg));
    for (const [index, [panels, options]] of figures.entries()) {
      const figure = await renderHeatmapFigureHere(panels, options);
      expect(withoutGradientIds(figure.svg), `figure ${index}`).toBe(expected[index]);
    }
    // All at once: each waits for the view to be free, and gets its own picture.
    const together = await Promise.all(figures.map(([panels, options]) => renderHeatmapFigureHere(panels, options)));
    together.forEach((figure, index) => expect(withoutGradientIds(figure.svg), `figure ${index} at once`).toBe(expected[index]));
    const again = await Promise.all(figures.map(([panels, options]) => renderHeatmapFigureHere(panels, options)));
    again.forEach((figure, index) => {
      expect(Buffer.from(figure.png).equals(Buffer.from(together[index].png)), `figure ${index}'s PNG`).toBe(true);
      expect(figure.panels).toEqual(together[index].panels);
    });
  }, 60_000);
});

// Heat-map figures: the PNG decodes, has the size the renderer reports, and a
// known matrix shows the expected colours at known pixels (viridis from
// d3-scale-chromatic: #440154 at the minimum, #fde725 at the maximum).

import { describe, expect, it } from "vitest";
import { colorOf, parseColormap } from "../../src/figures/colormaps.js";
import { HeatmapFigure, everyNth, renderHeatmapFigure } from "../../src/figures/heatmap-figure.js";
import { decodePng } from "../../src/io/png.js";

function pixel(figure: HeatmapFigure, x: number, y: number): number[] {
  const image = decodePng(figure.png);
  const at = (Math.round(y) * image.width + Math.round(x)) * image.channels;
  return Array.from(image.data.subarray(at, at + 3));
}

/** The centre pixel of value (r, c) of panel p. */
function cellCentre(figure: HeatmapFigure, p: number, r: number, c: number, cellWidth: number, cellHeight: number): number[] {
  const panel = figure.panels[p];
  return pixel(figure, panel.x + (c + 0.5) * cellWidth - 0.5, panel.y + (r + 0.5) * cellHeight - 0.5);
}

const axes = (rows: number, cols: number) => ({
  x: { title: "column", labels: Array.from({ length: cols }, (_, i) => String(i)) },
  y: { title: "row", labels: Array.from({ length: rows }, (_, i) => String(i + 1)) },
});

describe("heat-map figures", () => {
  it("draws a known 3 × 4 matrix as blocks of the expected viridis colours", async () => {
    const values = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const figure = await renderHeatmapFigure([{ title: "", values, rows: 3, cols: 4, domain: [0, 11] }],
      { title: "known", colormap: "viridis", cellWidth: 10, cellHeight: 8, ...axes(3, 4), colorbarTitle: "value" });

    const image = decodePng(figure.png);
    expect([image.width, image.height]).toEqual([figure.width, figure.height]);
    expect(figure.panels).toHaveLength(1);
    expect(figure.panels[0]).toMatchObject({ width: 40, height: 24 });
    // The panel lies inside the picture with room for axes, title and colorbar around it.
    expect(figure.panels[0].x).toBeGreaterThan(20);
    expect(figure.panels[0].y).toBeGreaterThan(20);
    expect(figure.width).toBeGreaterThan(figure.panels[0].x + 40 + 40);

    expect(cellCentre(figure, 0, 0, 0, 10, 8)).toEqual([0x44, 0x01, 0x54]);
    expect(cellCentre(figure, 0, 2, 3, 10, 8)).toEqual([0xfd, 0xe7, 0x25]);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 4; c++) {
        expect(cellCentre(figure, 0, r, c, 10, 8)).toEqual(colorOf("viridis", r * 4 + c, 0, 11));
      }
    }
    // Every pixel of a block has the block's colour: values are blocks, not smoothed (column 0 lies under the y axis's line).
    const { x, y } = figure.panels[0];
    for (let py = 0; py < 24; py++) {
      for (let px = 1; px < 40; px++) {
        const at = ((y + py) * image.width + x + px) * image.channels;
        expect(Array.from(image.data.subarray(at, at + 3)), `pixel (${px}, ${py})`).toEqual(colorOf("viridis", Math.floor(py / 8) * 4 + Math.floor(px / 10), 0, 11));
      }
    }
    // Outside the plot the background is white.
    expect(pixel(figure, 2, figure.height - 2)).toEqual([255, 255, 255]);
  });

  it("draws the gray colormap from black (minimum) to white (maximum), clamping beyond the domain", async () => {
    const values = Float32Array.from([-5, 0, 0.5, 1, 7, 1]);
    const figure = await renderHeatmapFigure([{ title: "", values, rows: 2, cols: 3, domain: [0, 1] }],
      { title: "gray", colormap: parseColormap("grey"), cellWidth: 12, cellHeight: 12, ...axes(2, 3), colorbarTitle: "v" });
    expect(cellCentre(figure, 0, 0, 0, 12, 12)).toEqual([0, 0, 0]);
    expect(cellCentre(figure, 0, 0, 1, 12, 12)).toEqual([0, 0, 0]);
    expect(cellCentre(figure, 0, 0, 2, 12, 12)).toEqual([128, 128, 128]);
    expect(cellCentre(figure, 0, 1, 0, 12, 12)).toEqual([255, 255, 255]);
    expect(cellCentre(figure, 0, 1, 1, 12, 12)).toEqual([255, 255, 255]);
  });

  it("lays several panels out in a grid, each at its reported place, with its own scale when the domains differ", async () => {
    const a = Float32Array.from([0, 1, 2, 3]);
    const b = Float32Array.from([10, 20, 30, 40]);
    const figure = await renderHeatmapFigure([
      { title: "a", values: a, rows: 2, cols: 2, domain: [0, 3] },
      { title: "b", values: b, rows: 2, cols: 2, domain: [10, 40] },
      { title: "c", values: a, rows: 2, cols: 2, domain: [0, 3] },
    ], { title: "grid", colormap: "viridis", cellWidth: 20, cellHeight: 20, ...axes(2, 2), colorbarTitle: "v", columns: 2 });
    const [p0, p1, p2] = figure.panels;
    expect(p1.x).toBeGreaterThan(p0.x + 40);
    expect(p1.y).toBe(p0.y);
    expect(p2.x).toBe(p0.x);
    expect(p2.y).toBeGreaterThan(p0.y + 40);
    for (const p of [0, 1, 2]) {
      expect(cellCentre(figure, p, 0, 0, 20, 20)).toEqual([0x44, 0x01, 0x54]);
      expect(cellCentre(figure, p, 1, 1, 20, 20)).toEqual([0xfd, 0xe7, 0x25]);
    }
  });

  it("draws its text with the bundled font (no system font is consulted): the title's glyphs are dark pixels above the plot", async () => {
    const render = (title: string) => renderHeatmapFigure([{ title: "", values: [0, 1], rows: 1, cols: 2, domain: [0, 1] }],
      { title, colormap: "viridis", cellWidth: 40, cellHeight: 40, ...axes(1, 2), colorbarTitle: "value" });
    const darkAbove = (figure: HeatmapFigure) => {
      const image = decodePng(figure.png);
      let dark = 0;
      for (let y = 0; y < figure.panels[0].y - 4; y++) {
        for (let x = 0; x < image.width; x++) if (image.data[(y * image.width + x) * image.channels] < 100) dark++;
      }
      return dark;
    };
    expect(darkAbove(await render("Title with glyphs"))).toBeGreaterThan(100);
    expect(darkAbove(await render(" "))).toBe(0);
  });

  it("refuses NaN instead of drawing a diverged model as if it were fine", async () => {
    await expect(renderHeatmapFigure([{ title: "", values: [0, NaN], rows: 1, cols: 2, domain: [0, 1] }],
      { title: "nan", colormap: "viridis", cellWidth: 4, cellHeight: 4, ...axes(1, 2), colorbarTitle: "v" })).rejects.toThrow(/NaN/);
  });

  it("ticks every 10th fc2 unit and the last one", () => {
    expect(everyNth(84, 10)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80]);
    expect(everyNth(100, 10)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99]);
    expect(everyNth(100, 10, 9)).toEqual([9, 19, 29, 39, 49, 59, 69, 79, 89, 99]);
  });
});

// Rendering: a Vega view to SVG (an image mark is written once, with its
// address, and no wait for an image loader that cannot load in Node), and
// SVG to PNG (the pixels resvg draws, whoever encodes them).

import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FIGURE_FONT, prepareVega, svgToPng, vegaToSvg, viewToSvg } from "../../src/figures/render.js";
import { fontFilesFor } from "../../src/figures/figure-fonts.js";
import { decodePng } from "../../src/io/png.js";

const IMAGE_URL = "https://lenet-lab.invalid/test-image.png";

function imageView(): vega.View {
  prepareVega();
  return new vega.View(vega.parse({
    width: 40, height: 30,
    marks: [{ type: "image", encode: { enter: {
      x: { value: 0 }, y: { value: 0 }, width: { value: 40 }, height: { value: 30 }, url: { value: IMAGE_URL }, aspect: { value: false },
    } } }],
  } as vega.Spec), { renderer: "none" });
}

describe("viewToSvg", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes each image's address and size without polling for its load", async () => {
    const view = imageView();
    const timers = vi.spyOn(globalThis, "setTimeout");
    const svg = await viewToSvg(view);
    view.finalize();
    expect(timers).not.toHaveBeenCalled();
    expect(svg).toContain(`xlink:href="${IMAGE_URL}"`);
    expect(svg).toMatch(/<image[^>]* width="40" height="30"/);
  }, 10_000);

  it("writes the same SVG as Vega does once its image loads have failed", async () => {
    const ours = imageView();
    const vegas = imageView();
    // Vega's own way: write, poll until the loads have failed, write again.
    const timers = vi.spyOn(globalThis, "setTimeout");
    const expected = await vegas.toSVG();
    expect(timers).toHaveBeenCalled();
    expect(await viewToSvg(ours)).toBe(expected);
    ours.finalize();
    vegas.finalize();
  }, 10_000);
});

describe("svgToPng", () => {
  it("holds the very pixels resvg's own PNG encoder writes, at 1× and 2×", async () => {
    const svg = await vegaToSvg({
      width: 120, height: 60, background: "white",
      marks: [
        { type: "rect", encode: { enter: { x: { value: 5 }, y: { value: 5 }, width: { value: 50 }, height: { value: 30 }, fill: { value: "#3a7" }, opacity: { value: 0.6 } } } },
        { type: "text", encode: { enter: { x: { value: 60 }, y: { value: 40 }, text: { value: "fc2 · 0.5" }, font: { value: FIGURE_FONT }, fontSize: { value: 14 } } } },
      ],
    } as vega.Spec);
    for (const zoom of [1, 2]) {
      const ours = decodePng(svgToPng(svg, zoom).png);
      const resvg = new Resvg(svg, {
        font: { fontFiles: fontFilesFor(svg), loadSystemFonts: false, defaultFontFamily: FIGURE_FONT, sansSerifFamily: FIGURE_FONT },
        fitTo: zoom === 1 ? { mode: "original" } : { mode: "zoom", value: zoom }, background: "white",
      });
      const theirs = decodePng(new Uint8Array(resvg.render().asPng()));
      expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
      expect(ours.channels).toBe(4);
      expect(Buffer.from(ours.data).equals(Buffer.from(theirs.data))).toBe(true);
    }
  }, 20_000);
});

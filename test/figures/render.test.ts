// Rendering a Vega view to SVG: an image mark is written once, with its
// address, and no wait for an image loader that cannot load in Node.

import * as vega from "vega";
import { afterEach, describe, expect, it, vi } from "vitest";
import { prepareVega, viewToSvg } from "../../src/figures/render.js";

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

// The dashboard's Classes tab in a real browser: two runs trained for real
// (20 iterations, an evaluation every 10, so they log the test set's
// confusion matrix and each class's accuracy), opened in Debian's Chromium
// through playwright-core. Both runs' matrices are shown (at their latest
// evaluation) and the per-class error chart draws a bar colour per run.
// Skips without /usr/bin/chromium, unless LENET_LAB_REQUIRE_BROWSER=1 (CI).

import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable } from "../browser.js";
import type { Board } from "../../src/board/server.js";
import { tempDir, trainRealRun } from "./fixtures.js";
import { closeBoard, openBoardInChromium, saveScreenshot } from "./open-board.js";

const available = browserAvailable();
const WAIT_MS = 30_000;
const RUNS = ["relu", "sigmoid"];

let board: Board | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

describe.skipIf(!available)("the Classes tab in Chromium", () => {
  beforeAll(async () => {
    const logdir = tempDir();
    trainRealRun(logdir, "relu");
    trainRealRun(logdir, "sigmoid", "--activation", "sigmoid");
    ({ board, browser, page } = await openBoardInChromium(logdir, { width: 1400, height: 1100 }, pageErrors));
    await page.goto(`${board.url}#classes`, { timeout: WAIT_MS });
  }, 120_000);

  afterAll(() => closeBoard(board, browser));

  it("shows both runs' confusion matrices at their latest evaluation, and a bar colour per run", async () => {
    await page.waitForSelector('section[data-view="classes"]', { timeout: WAIT_MS });
    await page.waitForFunction(() => {
      const images = [...(globalThis as any).document.querySelectorAll("img.confusion")] as any[];
      return images.length === 2 && images.every((img) => img.complete && img.naturalWidth > 0);
    }, undefined, { timeout: WAIT_MS });
    const shown = await page.$$eval("img.confusion", (images) => images.map((img) => ({
      run: img.closest("[data-run]")!.getAttribute("data-run"), width: (img as any).naturalWidth, step: img.getAttribute("data-step"),
    })));
    expect(shown.map((s) => s.run).sort()).toEqual(RUNS);
    for (const image of shown) {
      expect(image.width).toBe(16 + 10 * 40 + 1);
      expect(image.step).toBe("20");
    }
    const barRuns = JSON.parse((await page.getAttribute("canvas.classes-bars", "data-runs"))!);
    expect(barRuns.sort()).toEqual(RUNS);
    // Each run's colour (its swatch in the legend) is painted in the bar chart.
    const colors = await page.$$eval(".chart-legend .swatch", (swatches) => swatches.map((s) =>
      (globalThis as any).getComputedStyle(s).backgroundColor.match(/\d+/g).map(Number)));
    const counts = await page.locator("canvas.classes-bars").evaluate((canvas: any, wanted: number[][]) => {
      const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      return wanted.map(([r, g, b]) => {
        let n = 0;
        for (let p = 0; p < data.length; p += 4) if (Math.abs(data[p] - r) + Math.abs(data[p + 1] - g) + Math.abs(data[p + 2] - b) < 20) n++;
        return n;
      });
    }, colors);
    for (const count of counts) expect(count).toBeGreaterThan(100);
    await saveScreenshot(page, "classes", true);
    expect(pageErrors).toEqual([]);
  });
});

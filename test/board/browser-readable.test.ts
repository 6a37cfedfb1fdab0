// The dashboard read at a glance, in a real browser: two runs trained for
// real (relu and sigmoid, 20 iterations, an evaluation every 10), opened in
// Debian's Chromium (/usr/bin/chromium) through playwright-core at 1400 px
// wide. Each image tag is one row with a column per run; the Config tab
// starts with the results; the Text tab renders the config's Markdown table
// (and runs no script a summary holds); histogram axes have a tick at 0.
// Screenshots go to test-artifacts/board/readable-*.png.
// Skips without /usr/bin/chromium, unless LENET_LAB_REQUIRE_BROWSER=1 (CI).

import { join } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable } from "../browser.js";
import type { Board } from "../../src/board/server.js";
import { SummaryWriter } from "../../src/tensorboard/summary-writer.js";
import { tempDir, trainRealRun } from "./fixtures.js";
import { closeBoard, openBoardInChromium, saveScreenshot } from "./open-board.js";

const available = browserAvailable();
/** Every wait of this file ends within this many milliseconds. */
const WAIT_MS = 20_000;
const RUNS = ["relu", "sigmoid"];

// Functions given to page.evaluate run in the page; this file is type-checked
// without the DOM's types, so the page's objects are typed loosely (any).
type PageElement = any;

let board: Board | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

const screenshot = (name: string, fullPage = false) => saveScreenshot(page, `readable-${name}`, fullPage);

async function openTab(id: string): Promise<void> {
  await page.click(`button[data-tab="${id}"]`, { timeout: WAIT_MS });
  await page.waitForSelector(`section[data-view="${id}"]`, { timeout: WAIT_MS });
}

describe.skipIf(!available)("the dashboard at a glance, in Chromium", () => {
  beforeAll(async () => {
    const logdir = tempDir();
    trainRealRun(logdir, "relu");
    trainRealRun(logdir, "sigmoid", "--activation", "sigmoid");
    // A text summary with HTML in it: shown, never run.
    const writer = new SummaryWriter(join(logdir, "sigmoid"), { flushIntervalMs: 0 });
    writer.addText("notes", "**bold** <img src=\"data:,\" onerror=\"window.__textRan = true\"> <script>window.__textRan = true</script>", 1);
    writer.close();
    ({ board, browser, page } = await openBoardInChromium(logdir, { width: 1400, height: 1000 }, pageErrors));
    page.setDefaultTimeout(WAIT_MS);
    page.on("response", (response) => { if (response.status() >= 400) pageErrors.push(`HTTP ${response.status()}: ${response.url()}`); });
    await page.goto(`${board.url}#images`, { timeout: WAIT_MS });
  }, 120_000);

  afterAll(() => closeBoard(board, browser));

  it("shows each image tag as one row, one column per run, pictures loaded where they are visible", async () => {
    await page.waitForSelector('section[data-view="images"] .image-card');
    // The cards in view show their pictures without any scrolling.
    await page.waitForFunction(() => {
      const cards = [...(globalThis as any).document.querySelectorAll(".image-card")] as PageElement[];
      const inView = cards.filter((card) => card.getBoundingClientRect().top < (globalThis as any).innerHeight);
      return inView.length >= 4 && inView.every((card) => { const img = card.querySelector("img"); return img.complete && img.naturalWidth > 0; });
    }, undefined, { timeout: WAIT_MS });
    const cards = await page.$$eval(".image-card", (elements) => elements.map((card) => {
      const box = card.getBoundingClientRect();
      return { tag: card.getAttribute("data-tag")!, run: card.getAttribute("data-run")!, top: Math.round(box.top), left: Math.round(box.left), scale: card.getAttribute("data-scale") };
    }));
    const tags = [...new Set(cards.map((c) => c.tag))];
    expect(tags).toEqual(expect.arrayContaining(["kernels/conv1", "kernels/conv2", "weights/fc1", "weights/fc2", "weights/fc3", "feature_maps/conv1", "confusion/test"]));
    for (const tag of tags) {
      const row = cards.filter((c) => c.tag === tag);
      expect(row.map((c) => c.run), tag).toEqual(RUNS);
      expect(new Set(row.map((c) => c.top)).size, `${tag}: both runs in one row`).toBe(1);
      expect(row[0]!.left, tag).toBeLessThan(row[1]!.left);
    }
    // A run keeps its column in every row of a group.
    for (const group of ["kernels", "weights"]) {
      for (const run of RUNS) {
        expect(new Set(cards.filter((c) => c.run === run && c.tag.startsWith(`${group}/`)).map((c) => c.left)).size, `${group}, ${run}`).toBe(1);
      }
    }
    // conv1's six kernels (a 260 × 40 strip) are enlarged by a whole factor, and the card is as wide as its picture.
    const kernels = page.locator('.image-card[data-tag="kernels/conv1"][data-run="relu"]');
    await kernels.scrollIntoViewIfNeeded();
    await page.waitForSelector('.image-card[data-tag="kernels/conv1"][data-run="relu"][data-scale="2"]');
    const [imageWidth, cardWidth] = await kernels.evaluate((card: PageElement) => [card.querySelector("img").getBoundingClientRect().width, card.getBoundingClientRect().width]);
    expect(imageWidth).toBe(520);
    expect(cardWidth).toBeLessThan(imageWidth + 40);
    await screenshot("images");
  });

  it("puts the results first in the Config tab: test accuracy within the first 1,400 px, no column twice", async () => {
    await openTab("config");
    await page.waitForSelector('.runs-table th[data-key="final/testAccuracy"]');
    expect(await page.isChecked('input[aria-label="only settings that differ"]')).toBe(true);
    const box = (await page.locator('.runs-table th[data-key="final/testAccuracy"]').boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1400);
    const headers = await page.$$eval(".runs-table thead th", (cells) => cells.map((c) => c.getAttribute("data-key") ?? c.textContent));
    expect(headers.slice(0, 4)).toEqual(["run", "final/testAccuracy", "final/testLoss", "seconds"]);
    expect(headers).toContain("config/activation"); // differs
    expect(headers).not.toContain("config/optimizer"); // the same in both runs
    const accuracy = await page.locator('.runs-table tr[data-run="relu"] td[data-key="final/testAccuracy"]').textContent();
    expect(accuracy).toMatch(/^\d+\.\d\d%$/);
    await screenshot("config");

    await page.uncheck('input[aria-label="only settings that differ"]');
    await page.waitForSelector('.runs-table th[data-key="config/optimizer"]');
    const all = await page.$$eval(".runs-table thead th", (cells) => cells.map((c) => c.getAttribute("data-key") ?? c.textContent));
    expect(all.filter((key) => key === "run")).toHaveLength(1);
    expect(all).not.toContain("config/runName");
    expect(all).toContain("config/iterations");
    expect(all).not.toContain("iterations"); // the same as config/iterations in both runs
    expect(new Set(all).size).toBe(all.length);
    await page.check('input[aria-label="only settings that differ"]');
  });

  it("renders the Text tab's Markdown as HTML: the config as a table, a summary's HTML without its script", async () => {
    await openTab("text");
    await page.waitForSelector('.card[data-run="relu"] .text-entry[data-tag="config"] .markdown table');
    const rows = await page.$$eval('.card[data-run="relu"] .markdown table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    expect(rows).toContainEqual(["activation", "relu"]);
    expect(rows).toContainEqual(["iterations", "20"]);
    expect(await page.locator('.card[data-run="relu"] .markdown table thead th').allTextContents()).toEqual(["setting", "value"]);
    await page.waitForSelector('.card[data-run="sigmoid"] .text-entry[data-tag="notes"] strong');
    const notes = page.locator('.card[data-run="sigmoid"] .text-entry[data-tag="notes"] .markdown');
    expect(await notes.locator("strong").textContent()).toBe("bold");
    expect(await notes.locator("script").count()).toBe(0);
    expect(await notes.evaluate((element: PageElement) => [...element.querySelectorAll("*")].some((e: PageElement) => e.hasAttribute("onerror")))).toBe(false);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (globalThis as any).__textRan)).toBeUndefined();
    await screenshot("text");
  });

  it("draws histogram axes with round ticks, 0 among them when the range spans it, and one range for every run on request", async () => {
    await openTab("histograms");
    const canvas = (run: string) => `.histogram-card[data-tag="conv1/weight"][data-run="${run}"] canvas[data-ticks]`;
    const row = '.histogram-row[data-tag="conv1/weight"]';
    await page.locator(row).scrollIntoViewIfNeeded();
    await page.waitForSelector(canvas("relu"));
    await page.waitForSelector(canvas("sigmoid"));
    const axis = async (run: string) => {
      const [ticks, range] = await page.locator(canvas(run)).evaluate((c: PageElement) => [c.dataset.ticks, c.dataset.range]);
      return { ticks: ticks.split(",").map(Number), range: range.split(",").map(Number) };
    };
    for (const run of RUNS) {
      const { ticks, range } = await axis(run);
      expect(range[0]).toBeLessThan(0);
      expect(range[1]).toBeGreaterThan(0);
      expect(ticks).toContain(0);
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      const step = ticks[1]! - ticks[0]!;
      for (const tick of ticks) expect(Math.abs(tick / step - Math.round(tick / step))).toBeLessThan(1e-6);
    }
    // The axis is drawn: its labels under the plot are painted.
    const painted = await page.locator(canvas("relu")).evaluate((c: PageElement) => {
      const ratio = (globalThis as any).devicePixelRatio || 1;
      const { data } = c.getContext("2d").getImageData(0, Math.round(c.height - 26 * ratio), c.width, Math.round(12 * ratio));
      let n = 0;
      for (let p = 3; p < data.length; p += 4) if (data[p] > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(100);
    const own = [await axis("relu"), await axis("sigmoid")];
    expect(own[0]!.range).not.toEqual(own[1]!.range);
    await screenshot("histograms");

    await page.check('section[data-view="histograms"] input[aria-label="one range for every run"]');
    await page.locator(row).scrollIntoViewIfNeeded();
    await page.waitForFunction((s) => (globalThis as any).document.querySelectorAll(s).length === 2, `.histogram-card[data-tag="conv1/weight"] canvas[data-ticks]`);
    const shared = [await axis("relu"), await axis("sigmoid")];
    expect(shared[0]!.range).toEqual(shared[1]!.range);
    expect(shared[0]!.range).toEqual([Math.min(own[0]!.range[0]!, own[1]!.range[0]!), Math.max(own[0]!.range[1]!, own[1]!.range[1]!)]);
    expect(shared[0]!.ticks).toContain(0);
    await screenshot("histograms-shared");
    await page.uncheck('section[data-view="histograms"] input[aria-label="one range for every run"]');
  });

  it("logged no error in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});

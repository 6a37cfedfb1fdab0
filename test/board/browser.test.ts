// The dashboard in a real browser: the server started for real on a logdir
// of runs written with our SummaryWriter (the tags training logs), opened in
// Debian's Chromium (/usr/bin/chromium) driven by playwright-core. Checks
// what is drawn (pixels of the canvases, images loaded), the sliders, the
// live arrival of a new run, the warning banner, and that the page logs no
// error. Screenshots go to test-artifacts/board/.
// Skips without /usr/bin/chromium, unless LENET_LAB_REQUIRE_BROWSER=1 (CI).

import { readFileSync, writeFileSync } from "node:fs";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable } from "../browser.js";
import type { Board } from "../../src/board/server.js";
import { listEventFiles, readEventFile } from "../../src/tensorboard/reader.js";
import { tempDir, writeFc2Maps, writeSyntheticRun } from "./fixtures.js";
import { closeBoard, openBoardInChromium, saveScreenshot } from "./open-board.js";

const available = browserAvailable();

// Functions given to page.evaluate run in the page; this file is type-checked
// without the DOM's types, so the page's objects are typed loosely (any).
type PageElement = any;

let board: Board;
let browser: Browser;
let page: Page;
let logdir: string;
const pageErrors: string[] = [];

const screenshot = (name: string) => saveScreenshot(page, name);

/** Pixels of a canvas within a small distance of each colour (#rrggbb). */
async function colorCounts(selector: string, colors: string[]): Promise<number[]> {
  return page.locator(selector).first().evaluate((canvas: PageElement, wanted: string[]) => {
    const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    const rgb = wanted.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
    const counts = wanted.map(() => 0);
    for (let p = 0; p < data.length; p += 4) {
      if (data[p + 3]! < 200) continue;
      rgb.forEach(([r, g, b], k) => {
        if (Math.abs(data[p]! - r!) + Math.abs(data[p + 1]! - g!) + Math.abs(data[p + 2]! - b!) < 30) counts[k]!++;
      });
    }
    return counts;
  }, colors);
}

async function canvasSignature(selector: string): Promise<string> {
  return page.locator(selector).first().evaluate((canvas: PageElement) => canvas.toDataURL());
}

async function openTab(id: string): Promise<void> {
  await page.click(`button[data-tab="${id}"]`);
  await page.waitForSelector(`section[data-view="${id}"]`);
}

async function runColors(): Promise<Record<string, string>> {
  return page.$$eval(".run-list li[data-run]", (items) => Object.fromEntries(items.map((li) => {
    const [r, g, b] = (globalThis as any).getComputedStyle(li.querySelector(".swatch")!).backgroundColor.match(/\d+/g)!.map(Number);
    return [li.getAttribute("data-run")!, `#${[r, g, b].map((v) => v!.toString(16).padStart(2, "0")).join("")}`];
  })));
}

describe.skipIf(!available)("the dashboard in Chromium", () => {
  beforeAll(async () => {
    logdir = tempDir();
    writeFc2Maps(writeSyntheticRun(logdir, "relu-adam", { seed: 1, embedding: true }), 1);
    writeFc2Maps(writeSyntheticRun(logdir, "sigmoid-adam", { seed: 2, activation: "sigmoid" }), 2);
    writeSyntheticRun(logdir, "relu-sgd", { seed: 3 });
    ({ board, browser, page } = await openBoardInChromium(logdir, { width: 1400, height: 1000 }, pageErrors));
    await page.goto(board.url);
  }, 60_000);

  afterAll(() => closeBoard(board, browser));

  it("draws one line per visible run in the scalars view", async () => {
    const card = '.chart-card[data-tag="loss/train"]';
    await page.waitForFunction((s) => (globalThis as any).document.querySelector(s)?.querySelector(".chart")?.getAttribute("data-runs")?.includes("relu-sgd"), card);
    await page.locator('input[aria-label="smoothing"]').fill("0");
    await page.waitForTimeout(200);
    const runs = JSON.parse((await page.getAttribute(`${card} .chart`, "data-runs"))!);
    expect(runs.sort()).toEqual(["relu-adam", "relu-sgd", "sigmoid-adam"]);
    const colors = await runColors();
    expect(new Set(Object.values(colors)).size).toBe(3);
    const counts = await colorCounts(`${card} canvas`, runs.map((r: string) => colors[r]!));
    for (const count of counts) expect(count).toBeGreaterThan(50);
    await screenshot("scalars");

    await page.click('.run-list li[data-run="relu-sgd"] input[type="checkbox"]');
    await page.waitForFunction((s) => !(globalThis as any).document.querySelector(s)?.querySelector(".chart")?.getAttribute("data-runs")?.includes("relu-sgd"), card);
    const [hidden] = await colorCounts(`${card} canvas`, [colors["relu-sgd"]!]);
    expect(hidden).toBe(0);
    await page.click('.run-list li[data-run="relu-sgd"] input[type="checkbox"]');
    await page.waitForFunction((s) => (globalThis as any).document.querySelector(s)?.querySelector(".chart")?.getAttribute("data-runs")?.includes("relu-sgd"), card);
  });

  it("changes the drawn path when the smoothing slider moves, and shows every run's value on hover", async () => {
    const canvas = '.chart-card[data-tag="loss/train"] canvas';
    const before = await canvasSignature(canvas);
    await page.locator('input[aria-label="smoothing"]').fill("0.95");
    await page.waitForTimeout(200);
    expect(await canvasSignature(canvas)).not.toBe(before);
    const box = (await page.locator('.chart-card[data-tag="loss/train"] .u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const rows = await page.locator('.chart-card[data-tag="loss/train"] .chart-tooltip tbody tr').allTextContents();
    expect(rows).toHaveLength(3);
    expect(rows.join(" ")).toMatch(/relu-adam.*step \d+/);

    const smoothed = await canvasSignature(canvas);
    await page.check('.toolbar input[type="checkbox"]'); // log scale
    await page.waitForTimeout(200);
    const logScale = await canvasSignature(canvas);
    expect(logScale).not.toBe(smoothed);
    await page.selectOption('select[aria-label="x axis"]', "wall");
    await page.waitForTimeout(200);
    expect(await canvasSignature(canvas)).not.toBe(logScale);
    await page.selectOption('select[aria-label="x axis"]', "step");
    await page.uncheck('.toolbar input[type="checkbox"]');
  });

  it("moves through every logged image with the step slider, pixels unsmoothed", async () => {
    await openTab("images");
    const card = '.image-card[data-tag="kernels/conv1"][data-run="relu-adam"]';
    await page.waitForSelector(`${card}[data-step="100"]`);
    const image = page.locator(`${card} img`);
    const last = await image.getAttribute("src");
    expect(await page.locator(`${card} input[type="range"]`).getAttribute("max")).toBe("1"); // steps 50 and 100
    await page.locator(`${card} input[type="range"]`).fill("0");
    await page.waitForSelector(`${card}[data-step="50"]`);
    expect(await image.getAttribute("src")).not.toBe(last);
    await page.waitForFunction((s) => ((globalThis as any).document.querySelector(s) as PageElement).complete && ((globalThis as any).document.querySelector(s) as PageElement).naturalWidth === 5, `${card} img`);
    expect(await image.evaluate((img) => [(globalThis as any).getComputedStyle(img).imageRendering, (img as PageElement).width])).toEqual(["pixelated", 160]); // 5 px × 32
    await screenshot("images");
  });

  it("renders histograms (offset and overlay) and distributions", async () => {
    await openTab("histograms");
    const canvas = '.histogram-card[data-tag="conv1/weight"][data-run="relu-adam"] canvas';
    await page.waitForSelector(canvas);
    const painted = () => page.locator(canvas).evaluate((c: PageElement) => {
      const { data } = c.getContext("2d")!.getImageData(0, 0, c.width, c.height);
      let n = 0;
      for (let p = 3; p < data.length; p += 4) if (data[p]! > 0) n++;
      return n;
    });
    expect(await painted()).toBeGreaterThan(2000);
    const offset = await canvasSignature(canvas);
    await screenshot("histograms");
    await page.selectOption('select[aria-label="histogram mode"]', "overlay");
    await page.waitForSelector(canvas);
    expect(await canvasSignature(canvas)).not.toBe(offset);
    expect(await painted()).toBeGreaterThan(500);
    await openTab("distributions");
    await page.waitForSelector('.histogram-card[data-tag="logits"] canvas');
    expect(await page.locator(".histogram-card canvas").count()).toBeGreaterThanOrEqual(6); // 2 tags × 3 runs
    await screenshot("distributions");
  });

  it("shows the fc2 maps of each run and two runs side by side, and the embedding with digit images on hover", async () => {
    await openTab("fc2");
    await page.waitForFunction(() => ([...(globalThis as any).document.querySelectorAll(".fc2-run img")] as PageElement[]).filter((img) => (img as PageElement).naturalWidth === 84).length === 20);
    // A raw 84 × 100 map is enlarged by a whole factor to a readable width; a click enlarges it over the page.
    const map = page.locator('.fc2-run[data-run="relu-adam"] figure[data-name="digit-3.png"] img');
    expect(await map.evaluate((img: PageElement) => img.getBoundingClientRect().width)).toBe(84 * 3);
    await map.click();
    await page.waitForSelector("dialog.lightbox[open] img");
    expect(await page.locator("dialog.lightbox img").evaluate((img: PageElement) => img.getBoundingClientRect().width)).toBeGreaterThan(84 * 5);
    await screenshot("fc2-enlarged");
    await page.keyboard.press("Escape");
    await page.waitForSelector("dialog.lightbox:not([open])", { state: "attached" });
    await screenshot("fc2");
    // The side-by-side view is one click away, at the top.
    await page.click('button.segment[data-mode="pair"]');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll(".fc2-pair:not(.header)").length === 10);
    expect(await page.locator(".fc2-run").count()).toBe(0);
    expect(await page.locator('select[aria-label="left run"]').inputValue()).toBe("relu-adam");
    expect(await page.locator('select[aria-label="right run"]').inputValue()).toBe("sigmoid-adam");
    await screenshot("fc2-side-by-side");
    await page.click('button.segment[data-mode="runs"]');
    await openTab("embedding");
    await page.waitForSelector('canvas.embedding-canvas[data-points="200"]');
    const point = await page.evaluate(() => {
      const canvas = (globalThis as any).document.querySelector("canvas.embedding-canvas") as PageElement;
      const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      for (let p = 0; p < data.length; p += 4) if (data[p + 3]! > 150) return { x: (p / 4) % canvas.width, y: Math.floor(p / 4 / canvas.width) };
      return null;
    });
    expect(point).not.toBeNull();
    const box = (await page.locator("canvas.embedding-canvas").boundingBox())!;
    await page.mouse.move(box.x + (point!.x + 1) * (box.width / 640), box.y + (point!.y + 2) * (box.height / 520));
    await page.waitForSelector(".embedding-hover:not([hidden]) canvas.thumb");
    expect(await page.locator(".embedding-hover").textContent()).toMatch(/label: \d/);
    await screenshot("embedding");
    const pca = await canvasSignature("canvas.embedding-canvas");
    await page.selectOption('select[aria-label="projection"]', "umap");
    await page.waitForFunction(() => /^UMAP of 200 points/.test((globalThis as any).document.querySelector('section[data-view="embedding"] .toolbar .hint')?.textContent ?? ""), undefined, { timeout: 60_000 });
    expect(await canvasSignature("canvas.embedding-canvas")).not.toBe(pca);
    await screenshot("embedding-umap");
  });

  it("shows a run added to the logdir while the page is open, and a warning for a damaged file", async () => {
    await openTab("scalars");
    writeSyntheticRun(logdir, "tanh-adam", { seed: 4 });
    await page.waitForSelector('.run-list li[data-run="tanh-adam"]', { timeout: 15_000 });
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.chart-card[data-tag="loss/train"] .chart')?.getAttribute("data-runs")?.includes("tanh-adam"), undefined, { timeout: 15_000 });

    const damaged = writeSyntheticRun(logdir, "damaged", { seed: 5 });
    const path = listEventFiles(damaged)[0]!;
    const bytes = readFileSync(path);
    bytes[readEventFile(path).events[4]!.offset + 14] ^= 0xff;
    writeFileSync(path, bytes);
    await page.waitForSelector(".warnings:not([hidden])", { timeout: 15_000 });
    expect(await page.locator(".warnings").textContent()).toMatch(/damaged: .*data CRC mismatch/);
    expect(await page.locator('.run-list li[data-run="damaged"] .badge.warning').count()).toBe(1);
    await screenshot("live-and-warning");
  });

  it("logged no error in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});

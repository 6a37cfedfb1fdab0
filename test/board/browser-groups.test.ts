// The "group seeds" view in a real browser: the server started for real on a
// logdir of two seed groups of two seeds each and a run alone (run.json
// written by training's writeRunSummary), opened in Debian's Chromium
// (/usr/bin/chromium) driven by playwright-core. Checks the pixels of the
// loss/train chart: one mean line per group in the group's colour over a
// band in a light tint of it, the grouped runs' own colours gone, the run
// alone still drawn; the band's kind changing what is drawn; the tooltip's
// mean, band and n against numbers computed here; the Config tab's group
// table; the setting surviving a reload; and one line per run again when
// switched off. Screenshots go to test-artifacts/board/groups-*.png.
// Skips without /usr/bin/chromium, unless LENET_LAB_REQUIRE_BROWSER=1 (CI).

import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable } from "../browser.js";
import type { Board } from "../../src/board/server.js";
import { TWO_SEED_GROUPS, seedRunLoss, tempDir, writeSeedRun, writeTwoSeedGroups } from "./fixtures.js";
import { closeBoard, openBoardInChromium, saveScreenshot } from "./open-board.js";

const available = browserAvailable();
/** Every wait of this file ends within this many milliseconds. */
const WAIT_MS = 15_000;

// Functions given to page.evaluate run in the page; this file is type-checked
// without the DOM's types, so the page's objects are typed loosely (any).
type PageElement = any;

const CARD = '.chart-card[data-tag="loss/train"]';
const CANVAS = `${CARD} canvas`;
const GROUPS = ["relu-adam-lr0.01", "sigmoid-adam-lr0.01"];
const GROUPED_RUNS = TWO_SEED_GROUPS.map((run) => run.name);
const ALONE = "relu-adam-lr0.1-seed2";

let board: Board;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const screenshot = (name: string) => saveScreenshot(page, name);

/**
 * Pixels of the chart's canvas near each colour (#rrggbb) whose opacity is
 * within [minAlpha, maxAlpha]: lines are opaque, a band's fill is faint.
 */
async function colorCounts(colors: string[], minAlpha = 200, maxAlpha = 255): Promise<number[]> {
  return page.locator(CANVAS).first().evaluate((canvas: PageElement, [wanted, low, high]: [string[], number, number]) => {
    const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    const rgb = wanted.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
    const counts = wanted.map(() => 0);
    for (let p = 0; p < data.length; p += 4) {
      if (data[p + 3]! < low || data[p + 3]! > high) continue;
      rgb.forEach(([r, g, b], k) => {
        if (Math.abs(data[p]! - r!) + Math.abs(data[p + 1]! - g!) + Math.abs(data[p + 2]! - b!) < 30) counts[k]!++;
      });
    }
    return counts;
  }, [colors, minAlpha, maxAlpha] as [string[], number, number]);
}

async function canvasSignature(): Promise<string> {
  return page.locator(CANVAS).first().evaluate((canvas: PageElement) => canvas.toDataURL());
}

function hex(cssColor: string): string {
  const [r, g, b] = cssColor.match(/\d+/g)!.map(Number);
  return `#${[r, g, b].map((v) => v!.toString(16).padStart(2, "0")).join("")}`;
}

async function runColors(): Promise<Record<string, string>> {
  const entries = await page.$$eval(".run-list li[data-run]", (items) => items.map((li) =>
    [li.getAttribute("data-run")!, (globalThis as any).getComputedStyle(li.querySelector(".swatch")!).backgroundColor as string] as const));
  return Object.fromEntries(entries.map(([run, color]) => [run, hex(color)]));
}

/** Each drawn group's colour, as its legend entry shows it (the line above the band's swatch). */
async function groupColors(): Promise<Record<string, string>> {
  const entries = await page.$$eval(`${CARD} .group-legend .legend-item[data-group]`, (items) => items.map((item) =>
    [item.getAttribute("data-group")!, (globalThis as any).getComputedStyle(item.querySelector(".legend-band")!).borderTopColor as string] as const));
  return Object.fromEntries(entries.map(([group, color]) => [group, hex(color)]));
}

/** Waits until the chart draws exactly these runs and groups. */
async function waitForLines(runs: string[], groups: string[]): Promise<void> {
  await page.waitForFunction(([selector, wantedRuns, wantedGroups]) => {
    const chart = (globalThis as any).document.querySelector(selector);
    const same = (attribute: string, wanted: string[]) => JSON.stringify(JSON.parse(chart?.getAttribute(attribute) ?? "[]").sort()) === JSON.stringify([...wanted].sort());
    return chart !== null && same("data-runs", wantedRuns) && same("data-groups", wantedGroups);
  }, [`${CARD} .chart`, runs, groups] as const, { timeout: WAIT_MS });
}

/** The loss/train value a seed run logged at a step, as the event file holds it (float32). */
function logged(group: string, seed: number, step: number): number {
  return Math.fround(seedRunLoss(group.startsWith("relu") ? "relu" : "sigmoid", seed, step));
}

describe.skipIf(!available)("seed groups in the dashboard, in Chromium", () => {
  beforeAll(async () => {
    const logdir = tempDir();
    writeTwoSeedGroups(logdir);
    writeSeedRun(logdir, ALONE, { activation: "relu", seed: 2, lr: "0.1", testAccuracy: 0.9 });
    ({ board, browser, page } = await openBoardInChromium(logdir, { width: 1400, height: 900 }, pageErrors));
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(board.url, { timeout: WAIT_MS });
    await waitForLines([...GROUPED_RUNS, ALONE], []);
    await page.locator('input[aria-label="smoothing"]').fill("0");
    await page.waitForTimeout(300);
  }, 60_000);

  afterAll(() => closeBoard(board, browser));

  it("draws one mean line per group over a lighter band in the group's colour, and the run alone as before", async () => {
    const colors = await runColors();
    expect(new Set(Object.values(colors)).size).toBe(5);
    for (const count of await colorCounts(Object.values(colors))) expect(count).toBeGreaterThan(50);
    await screenshot("groups-off");

    await page.check('input[aria-label="group seeds"]');
    await waitForLines([ALONE], GROUPS);
    await page.waitForTimeout(200);
    const groups = await groupColors();
    expect(Object.keys(groups).sort()).toEqual(GROUPS);
    expect(new Set(Object.values(groups)).size).toBe(2);
    for (const color of Object.values(groups)) expect(Object.values(colors)).not.toContain(color);

    const lines = await colorCounts(GROUPS.map((g) => groups[g]!));
    for (const count of lines) expect(count).toBeGreaterThan(150);
    // The band: the group's colour at about 22 % opacity (0x38), over many pixels.
    const bands = await colorCounts(GROUPS.map((g) => groups[g]!), 30, 90);
    for (const count of bands) expect(count).toBeGreaterThan(3000);
    // The grouped runs are no longer drawn one by one; the run alone still is.
    expect(await colorCounts(GROUPED_RUNS.map((run) => colors[run]!))).toEqual([0, 0, 0, 0]);
    expect((await colorCounts([colors[ALONE]!]))[0]).toBeGreaterThan(50);
    expect(await page.locator('select[aria-label="x axis"]').isDisabled()).toBe(true);
    await screenshot("groups-on");
  });

  it("shows each group's mean, band edges and n on hover, equal to the seeds' values at that step", async () => {
    const box = (await page.locator(`${CARD} .u-over`).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.waitForSelector(`${CARD} .chart-tooltip:not([hidden]) tr.group-row`);
    for (const group of GROUPS) {
      const cells = await page.locator(`${CARD} .chart-tooltip tr.group-row[data-group="${group}"] td`).allTextContents();
      expect(cells[1]).toBe(`${group} (mean)`);
      const step = Number(/^step (\d+)$/.exec(cells[6]!)![1]);
      const [a, b] = [logged(group, 0, step), logged(group, 1, step)];
      expect(Number(cells[2])).toBeCloseTo((a + b) / 2, 3);
      const [low, high] = cells[4]!.split(" – ").map(Number);
      expect(low).toBeCloseTo(Math.min(a, b), 3);
      expect(high).toBeCloseTo(Math.max(a, b), 3);
      expect(cells[5]).toBe("n = 2");
    }
    expect(await page.locator(`${CARD} .chart-tooltip tr[data-run="${ALONE}"]`).count()).toBe(1);
    expect(await page.locator(`${CARD} .chart-tooltip th`).allTextContents()).toContain("band");
    await screenshot("groups-hover");
    await page.mouse.move(box.x - 40, box.y - 40);
  });

  it("draws another band when its kind changes, and smooths the mean line", async () => {
    const groups = await groupColors();
    const minmax = await canvasSignature();
    const minmaxBands = await colorCounts(GROUPS.map((g) => groups[g]!), 30, 90);
    await page.selectOption('select[aria-label="band"]', "std");
    await page.waitForFunction(([selector, before]) => (globalThis as any).document.querySelector(selector)?.toDataURL() !== before, [CANVAS, minmax] as const, { timeout: WAIT_MS });
    // Two seeds a, b: ±1 std is ±|a − b|/√2, √2 times as wide as min–max.
    const stdBands = await colorCounts(GROUPS.map((g) => groups[g]!), 30, 90);
    stdBands.forEach((count, i) => expect(count).toBeGreaterThan(minmaxBands[i]! * 1.2));
    expect(await page.locator(`${CARD} .group-legend`).textContent()).toMatch(/band: mean ± 1 standard deviation/);
    await screenshot("groups-std");

    const std = await canvasSignature();
    await page.locator('input[aria-label="smoothing"]').fill("0.9");
    await page.waitForFunction(([selector, before]) => (globalThis as any).document.querySelector(selector)?.toDataURL() !== before, [CANVAS, std] as const, { timeout: WAIT_MS });
    await screenshot("groups-smoothed");
    await page.locator('input[aria-label="smoothing"]').fill("0");
    await page.selectOption('select[aria-label="band"]', "minmax");
  });

  it("lists the groups in the Config tab with n, seeds and the final test accuracy's mean ± std", async () => {
    await page.click('button[data-tab="config"]');
    await page.waitForSelector(".groups-table tbody tr", { timeout: WAIT_MS });
    const rows = await page.$$eval(".groups-table tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("th, td")].map((cell) => cell.textContent)));
    expect(rows).toEqual([
      // In percent, the spread in points, as `compare` prints it.
      ["relu-adam-lr0.01", "2", "0, 1", `98.00% ± ${(100 * Math.SQRT2 * 0.01).toFixed(2)}`],
      ["sigmoid-adam-lr0.01", "2", "0, 1", `75.00% ± ${(100 * Math.SQRT2 * 0.05).toFixed(2)}`],
    ]);
    await screenshot("groups-config");
    await page.click('button[data-tab="scalars"]');
  });

  it("keeps the setting across a reload, and draws one line per run again when switched off", async () => {
    await page.reload({ timeout: WAIT_MS });
    await waitForLines([ALONE], GROUPS);
    expect(await page.isChecked('input[aria-label="group seeds"]')).toBe(true);
    const groups = await groupColors();

    await page.uncheck('input[aria-label="group seeds"]');
    await waitForLines([...GROUPED_RUNS, ALONE], []);
    await page.waitForTimeout(200);
    const colors = await runColors();
    for (const count of await colorCounts(Object.values(colors))) expect(count).toBeGreaterThan(50);
    expect(await colorCounts(GROUPS.map((g) => groups[g]!))).toEqual([0, 0]);
    expect(await page.locator(`${CARD} .group-legend .legend-item`).count()).toBe(0);
  });

  it("logged no error in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});

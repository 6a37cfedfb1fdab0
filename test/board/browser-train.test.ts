// The dashboard's Train tab in Debian's Chromium: LeNet-5 trained in the
// page, in Web Workers, by the same kernels and training loop as Node. The
// page's losses and evaluations must be Node's, bit for bit (with the same
// kernel build), also across a pause; it reaches 90 % in 300 iterations; a
// second run overlays the first; a cross-origin isolated page trains on more
// than one worker, one that is not on one, and says so. The static playground
// (`lenet-lab playground --out DIR`), served by a plain static server, trains
// too.
// Skips without /usr/bin/chromium, unless LENET_LAB_REQUIRE_BROWSER=1 (CI).

import { createServer, type Server } from "node:http";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchChromium, pageCollectingErrors } from "../browser.js";
import { startBoard, type Board } from "../../src/board/server.js";
import { loadDataset } from "../../src/data/datasets.js";
import { wasmKernelBuild } from "../../src/engine/wasm/kernel-files.js";
import { resolveRunConfig } from "../../src/train/config.js";
import { removeTempDirs, runCli, tempDir, trainOnPageKernels } from "./fixtures.js";

const available = browserAvailable();
const WAIT_MS = 30_000;
const TRAIN_WAIT_MS = 150_000;

interface PageRun {
  state: string;
  build: string;
  threads: number;
  isolated: boolean;
  losses: number[];
  evals: { iteration: number; testAccuracy: number; testLoss: number }[];
}

const boards: Board[] = [];
let browser: Browser | undefined;
const pageErrors: string[] = [];

const servers: Server[] = [];

/** A plain static file server of `root` on a free loopback port (no special headers), as any static host. */
async function serveStatic(root: string): Promise<string> {
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm" };
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(root, path.endsWith("/") ? `${path}index.html` : path);
    try {
      if (!statSync(file).isFile()) throw new Error("not a file");
      response.writeHead(200, { "Content-Type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
    } catch {
      response.writeHead(404).end("not found");
    }
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}/`;
}

async function openTrainPage(crossOriginIsolated: boolean): Promise<Page> {
  const board = await startBoard({ logdir: tempDir(), port: 0, pollIntervalMs: 200, crossOriginIsolated });
  boards.push(board);
  return openPage(`${board.url}?kernels=${wasmKernelBuild()}#train`);
}

async function openPage(url: string): Promise<Page> {
  const page = await pageCollectingErrors(browser!, { width: 1400, height: 1100 }, pageErrors);
  await page.goto(url, { timeout: WAIT_MS });
  await page.waitForSelector('button[data-action="train"]', { timeout: WAIT_MS });
  return page;
}

async function setChoice(page: Page, name: string, value: string): Promise<void> {
  const control = page.locator(`.train-form [name="${name}"]`);
  if (await control.evaluate((e) => e.tagName === "SELECT")) await control.selectOption(value);
  else await control.fill(value);
}

async function waitForState(page: Page, states: string[], timeout = TRAIN_WAIT_MS): Promise<string> {
  await page.waitForFunction((wanted) => wanted.includes((globalThis as any).document.querySelector(".train-status")?.dataset.trainState),
    states, { timeout });
  return (await page.getAttribute(".train-status", "data-train-state"))!;
}

/** Clears the pad, draws `strokes` (pad pixels) with the mouse, and returns the prediction shown. */
async function classifyStrokes(page: Page, strokes: [number, number][][]): Promise<string> {
  await page.click('button[data-action="clear-drawing"]');
  const pad = (await page.locator("canvas.draw-pad").boundingBox())!;
  const before = await classifiedCount(page);
  for (const stroke of strokes) {
    await page.mouse.move(pad.x + stroke[0]![0], pad.y + stroke[0]![1]);
    await page.mouse.down();
    for (const [x, y] of stroke.slice(1)) await page.mouse.move(pad.x + x, pad.y + y, { steps: 4 });
    await page.mouse.up();
  }
  return predictionAfter(page, before + strokes.length);
}

/** Renders a 28×28 MNIST image onto the pad, 10× larger, and returns the prediction shown. */
async function classifyRendered(page: Page, pixels: number[]): Promise<string> {
  await page.click('button[data-action="clear-drawing"]');
  const before = await classifiedCount(page);
  await page.evaluate((values) => {
    const canvas = (globalThis as any).document.querySelector("canvas.draw-pad");
    const context = canvas.getContext("2d");
    values.forEach((v: number, i: number) => {
      context.fillStyle = `rgb(${v},${v},${v})`;
      context.fillRect((i % 28) * 10, Math.floor(i / 28) * 10, 10, 10);
    });
    canvas.dispatchEvent(new (globalThis as any).Event("drawn"));
  }, pixels);
  return predictionAfter(page, before + 1);
}

const classifiedCount = async (page: Page) => Number((await page.getAttribute(".draw-result", "data-classified")) ?? 0);

async function predictionAfter(page: Page, count: number): Promise<string> {
  await page.waitForFunction((n) => Number((globalThis as any).document.querySelector(".draw-result")?.dataset.classified ?? 0) >= n, count, { timeout: WAIT_MS });
  return (await page.getAttribute(".draw-result", "data-prediction"))!;
}

const pageRuns = (page: Page) => page.evaluate(() => (globalThis as any).lenetPlayground.runs as PageRun[]);

/** Node's run of the same config: every step's loss, every evaluation and the last one's surest mistakes. */
async function nodeRun(options: Record<string, string>) {
  const losses: number[] = [];
  let surest: unknown[] = [];
  const result = await trainOnPageKernels(resolveRunConfig({ threads: "1", ...options }), loadDataset(), {
    callbacks: { onStep: (step) => void losses.push(step.loss), onEval: (_record, _network, test) => void (surest = test.surest) },
  });
  return { losses, surest, evals: result.history.map((r) => ({ iteration: r.iteration, testAccuracy: r.testAccuracy, testLoss: r.testLoss })) };
}

describe.skipIf(!available)("the Train tab in Chromium", () => {
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(boards.map((board) => board.close()));
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    removeTempDirs();
  });

  it("trains 300 iterations to ≥ 90 % with Node's numbers bit for bit, across a pause, on more than one worker", async () => {
    const page = await openTrainPage(true);
    await page.click('button[data-action="train"]');
    await waitForState(page, ["running"]);
    await page.waitForFunction(() => ((globalThis as any).lenetPlayground.runs[0]?.losses.length ?? 0) >= 40, undefined, { timeout: TRAIN_WAIT_MS });
    await page.click('button[data-action="pause"]');
    expect(await waitForState(page, ["paused", "done"])).toBe("paused");
    const pausedAt = (await pageRuns(page))[0]!.losses.length;
    await page.click('button[data-action="pause"]'); // now labelled Resume
    expect(await waitForState(page, ["done", "failed"])).toBe("done");

    const [run] = await pageRuns(page);
    expect(run!.build).toBe(wasmKernelBuild());
    expect(run!.isolated).toBe(true);
    expect(run!.threads).toBeGreaterThan(1);
    expect(await page.getAttribute("[data-engine]", "data-engine")).toBe("isolated");
    expect(run!.losses).toHaveLength(300);
    expect(pausedAt).toBeLessThan(300);
    expect(run!.evals.at(-1)!.testAccuracy).toBeGreaterThanOrEqual(0.9);

    const node = await nodeRun({ iterations: "300", evalEvery: "50" });
    expect(run!.losses.slice(0, 20)).toEqual(node.losses.slice(0, 20));
    expect(run!.losses).toEqual(node.losses);
    expect(run!.evals.map((e) => ({ iteration: e.iteration, testAccuracy: e.testAccuracy, testLoss: e.testLoss }))).toEqual(node.evals);

    // At the end: the ten fc2 maps (100 test images × 84 units each), the digits' similarity, the confusion matrix.
    await page.waitForSelector(".fc2-maps canvas", { timeout: WAIT_MS });
    const fc2Sizes = await page.$$eval(".fc2-map canvas", (canvases) => canvases.map((c) => [(c as any).width, (c as any).height]));
    expect(fc2Sizes).toEqual(Array.from({ length: 10 }, () => [84 * 2, 100 * 2]));
    const confusion = await page.$$eval("[data-confusion] td", (cells) => cells.map((cell) => Number(cell.textContent)));
    expect(confusion).toHaveLength(100);
    expect(confusion.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(confusion.filter((_, i) => i % 11 === 0).reduce((a, b) => a + b, 0) / 10_000).toBe(run!.evals.at(-1)!.testAccuracy);

    // The pictures of the last evaluation: weights and the probe digit's maps, drawn.
    expect(await page.locator(".train-pictures canvas").count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator(".train-probabilities li").count()).toBe(10);

    // Digits drawn with the mouse, and one of MNIST's test digits rendered onto the pad, are classified correctly.
    expect(await classifyStrokes(page, [[[140, 40], [140, 240]]])).toBe("1");
    const ring = Array.from({ length: 25 }, (_, i) => [140 + 60 * Math.sin((2 * Math.PI * i) / 24), 140 - 90 * Math.cos((2 * Math.PI * i) / 24)] as [number, number]);
    expect(await classifyStrokes(page, [ring])).toBe("0");
    const mnist = loadDataset().test;
    const index = 0;
    const digit = Array.from(mnist.images.subarray(index * 784, (index + 1) * 784));
    expect(await classifyRendered(page, digit)).toBe(String(mnist.labels[index]));

    // Kept in the logdir: an ordinary run directory the board lists.
    await page.click('.train-runs li:first-child button[data-action="keep"]');
    await page.waitForSelector(".train-runs [data-kept]", { timeout: WAIT_MS });
    const keptName = (await page.getAttribute(".train-runs [data-kept]", "data-kept"))!;
    expect(keptName).toBe("relu-adam-lr0.01-it300-browser");
    const kept = JSON.parse(readFileSync(join(boards[0]!.index.logdir, keptName, "run.json"), "utf8"));
    expect([kept.status, kept.final.testAccuracy, kept.engine.kernels]).toEqual(["finished", run!.evals.at(-1)!.testAccuracy, wasmKernelBuild()]);
    expect(kept.classes.surest).toEqual(node.surest);

    // A second run (sigmoid) overlays the first.
    await setChoice(page, "activation", "sigmoid");
    await setChoice(page, "iterations", "60");
    await setChoice(page, "evalEvery", "30");
    await page.click('button[data-action="train"]');
    expect(await waitForState(page, ["done", "failed"])).toBe("done");
    const runs = await pageRuns(page);
    expect(runs.map((r) => r.state)).toEqual(["done", "done"]);
    expect(await page.locator(".train-runs li").count()).toBe(2);
    const sigmoid = await nodeRun({ activation: "sigmoid", iterations: "60", evalEvery: "30" });
    expect(runs[1]!.losses).toEqual(sigmoid.losses);
    expect(pageErrors).toEqual([]);
  }, 300_000);

  it("trains on one worker where the page is not cross-origin isolated, and says so", async () => {
    const page = await openTrainPage(false);
    await setChoice(page, "iterations", "20");
    await setChoice(page, "evalEvery", "20");
    await page.click('button[data-action="train"]');
    expect(await waitForState(page, ["done", "failed"])).toBe("done");
    const [run] = await pageRuns(page);
    expect(run!.isolated).toBe(false);
    expect(run!.threads).toBe(1);
    expect(await page.getAttribute("[data-engine]", "data-engine")).toBe("single");
    expect(await page.textContent("[data-engine]")).toMatch(/not cross-origin isolated.*one/);
    const node = await nodeRun({ iterations: "20", evalEvery: "20" });
    expect(run!.losses).toEqual(node.losses);

    // A learning rate that blows the network up: the run fails and says why, in the page's words.
    await setChoice(page, "lr", "5");
    await page.click('button[data-action="train"]');
    expect(await waitForState(page, ["done", "failed"])).toBe("failed");
    expect(await page.textContent(".train-status")).toMatch(/training diverged at iteration \d+: the loss is .* try a smaller one/);
    expect(await page.textContent(".train-runs li:last-child")).toMatch(/failed: training diverged/);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it("the static playground, served by a plain static server, trains too (on one worker, saying why)", async () => {
    const out = join(tempDir(), "site");
    const written = runCli(["playground", "--out", out]);
    expect(written.status, written.stderr).toBe(0);
    expect(written.stdout).toMatch(/python3 -m http\.server 8000 --directory/);
    const page = await openPage(`${await serveStatic(out)}?kernels=${wasmKernelBuild()}`);
    expect(await page.textContent("header h1")).toBe("lenet-lab playground");
    await setChoice(page, "iterations", "30");
    await setChoice(page, "evalEvery", "30");
    await page.click('button[data-action="train"]');
    expect(await waitForState(page, ["done", "failed"])).toBe("done");
    const [run] = await pageRuns(page);
    expect(run!.threads).toBe(1);
    expect(await page.getAttribute("[data-engine]", "data-engine")).toBe("single");
    const node = await nodeRun({ iterations: "30", evalEvery: "30" });
    expect(run!.losses).toEqual(node.losses);
    expect(run!.evals.map((e) => ({ iteration: e.iteration, testAccuracy: e.testAccuracy, testLoss: e.testLoss }))).toEqual(node.evals);

    // No board to keep it: downloaded as one file, which `lenet-lab import` writes into a logdir.
    expect(await page.locator('button[data-action="keep"]').count()).toBe(0);
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: WAIT_MS }), page.click('button[data-action="download"]')]);
    const file = join(tempDir(), download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toBe("relu-adam-lr0.01-seed0-browser.lenet-run.json");
    const logdir = tempDir();
    const imported = runCli(["import", file, "--logdir", logdir]);
    expect(imported.status, imported.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(logdir, "relu-adam-lr0.01-it30-browser", "run.json"), "utf8"));
    expect(summary.history.map((r: { testAccuracy: number }) => r.testAccuracy)).toEqual(node.evals.map((e) => e.testAccuracy));
    expect(summary.classes.surest).toEqual(node.surest);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it("playground --out refuses a file and a directory that is not empty, and writes nothing", () => {
    const dir = tempDir();
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const onFile = runCli(["playground", "--out", file]);
    expect(onFile.status).toBe(2);
    expect(onFile.stderr).toMatch(/is a file; give --out a directory/);
    expect(readFileSync(file, "utf8")).toBe("x");
    const onFull = runCli(["playground", "--out", dir]);
    expect(onFull.status).toBe(2);
    expect(onFull.stderr).toMatch(/is not empty/);
    const missing = runCli(["playground"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--out DIR/);
  });
});

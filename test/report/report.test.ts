// The report of a logdir (runs written through the SummaryWriter with the
// tags training logs, and real checkpoints): every file is written, every
// image it names exists, and the page, opened from disk in Debian's
// Chromium (driven by playwright-core), shows every run and has no broken
// image and no request beyond its own files.
// The browser part skips without /usr/bin/chromium, unless LENET_LAB_REQUIRE_BROWSER=1 (CI).

import { existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, CHROMIUM_ARGS, browserAvailable } from "../browser.js";
import { decodePng } from "../../src/io/png.js";
import { writeReport, WrittenReport } from "../../src/report/write-report.js";
import { writeRunFigures } from "../../src/report/run-figures.js";
import { tempDir } from "../idx-files.js";
import { writeFakeRun } from "../figures/fake-run.js";
import { RELU, SIGMOID, endingAt, writeFixtureLogdir, writeGroupLogdir } from "./logdir-fixture.js";

const browserIsAvailable = browserAvailable();

let logdir: string;
let report: WrittenReport;

beforeAll(async () => {
  logdir = tempDir();
  writeFixtureLogdir(logdir);
  writeFakeRun(logdir, { activation: "tanh", status: "diverged", runName: "tanh-diverged" });
  report = await writeReport(logdir);
});

/** The relative paths of every image in the Markdown. */
function imagePaths(markdown: string): string[] {
  return [...markdown.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => decodeURI(m[1]));
}

describe("the report", () => {
  it("writes index.html and report.md with every content item, and every image it names", () => {
    expect(report.html).toBe(join(logdir, "report", "index.html"));
    const markdown = readFileSync(report.markdown, "utf8");
    for (const heading of ["## The question", "## Runs", "## Results", "## Findings", "## Learning curves",
      "## Which classes each configuration gets wrong", "## Diagnostics",
      "## Weights", "### Conv kernels and fc weight matrices", "## Feature maps", "## fc2 feature maps", "## Runs without results"]) {
      expect(markdown).toContain(heading);
    }
    expect(markdown).toContain("| **activation** (differs) | **relu** | **sigmoid** |");
    expect(markdown).toMatch(/\| relu-adam-lr0\.01-it40-seed5 \| \*\*97\.00%\*\* \| 0\.0300 \|/);
    expect(markdown).toContain("tanh-diverged: diverged after");
    const images = imagePaths(markdown);
    for (const name of ["img/loss.png", "img/accuracy.png", "img/gradient-norms.png", "img/dead-and-saturated-units.png",
      "img/weight-distributions.png", "img/compare/fc2-all-digits.png", "img/compare/fc2-3.png", "img/logged/inputs.png",
      `img/fc2/${RELU}/all-digits.png`, `img/fc2/${SIGMOID}/class-similarity.png`, `img/logged/${RELU}/kernels-conv1-first.png`,
      `img/logged/${SIGMOID}/feature_maps-conv2.png`, `img/logged/${RELU}/weights-fc1.png`,
      `img/classes/${RELU}/confusion.png`, `img/classes/${SIGMOID}/misclassified.png`]) {
      expect(images).toContain(name);
    }
    for (const image of images) expect(existsSync(join(logdir, "report", image)), image).toBe(true);
    // Charts are real pictures: rendered at twice their size, with axes and legends around the plot.
    const loss = decodePng(readFileSync(join(logdir, "report", "img", "loss.png")));
    expect(loss.width).toBeGreaterThan(2 * 620);
    expect(loss.height).toBeGreaterThan(2 * 300);
  });

  it("made the fc2 maps of runs that had none, and the cross-run figures", () => {
    for (const run of [RELU, SIGMOID]) {
      for (const file of ["digit-0.png", "digit-9.csv", "indices.json", "all-digits.png", "class-means.png", "class-similarity.png"]) {
        expect(existsSync(join(logdir, run, "fc2", file)), `${run}/fc2/${file}`).toBe(true);
      }
    }
    for (let d = 0; d < 10; d++) expect(existsSync(join(logdir, "compare", `fc2-${d}.png`))).toBe(true);
    expect(existsSync(join(logdir, "compare", "fc2-all-digits.png"))).toBe(true);
  });

  it.skipIf(!browserIsAvailable)("opens from disk in Chromium: every run appears, no image is broken, nothing is fetched", async () => {
    const context = await chromium.launchPersistentContext(tempDir("lenet-lab-chromium-"), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      page.on("request", (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(report.html).href, { waitUntil: "load" });
      const images = await page.$$eval("img", (elements) => elements.map((img) => ({
        src: img.getAttribute("src"), complete: img.complete, width: img.naturalWidth, height: img.naturalHeight,
      })));
      expect(images.length).toBeGreaterThan(30);
      const broken = images.filter((img) => !img.complete || img.width === 0 || img.height === 0);
      expect(broken).toEqual([]);
      const text = await page.innerText("body");
      for (const run of [RELU, SIGMOID, "tanh-diverged"]) expect(text).toContain(run);
      const headers = await page.$$eval("table:first-of-type th", (cells) => cells.map((c) => c.textContent));
      expect(headers).toEqual(["setting", "relu-adam-lr0.01-it40", "sigmoid-adam-lr0.01-it40"]);
      expect(requests.filter((url) => !url.startsWith("file://"))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("runs whose figures are drawn elsewhere (compare's runs that finished while others trained)", () => {
  it("are waited for, not drawn again; one whose drawing failed is remade", async () => {
    const dir = tempDir();
    const [relu, sigmoid] = writeFixtureLogdir(dir);
    const fc2Options = { pick: "first" as const, seed: null, scale: "minmax" as const, colormap: "viridis" as const };
    // relu's figures are drawn only once the report has started; sigmoid's drawing failed after its CSVs, before its last figure.
    let drawnAt = 0;
    let startDrawing!: () => void;
    const reluDrawn = new Promise<void>((start) => (startDrawing = start))
      .then(() => writeRunFigures(relu, fc2Options))
      .then(() => { drawnAt = statSync(join(relu, "fc2", "digit-0.png")).mtimeMs; return null; });
    await writeRunFigures(sigmoid, fc2Options);
    rmSync(join(sigmoid, "fc2", "all-digits.png"));
    const drawing = new Map<string, Promise<Error | null>>([[relu, reluDrawn], [sigmoid, Promise.resolve(new Error("a figure thread stopped"))]]);
    const written = writeReport(dir, { fc2: fc2Options, drawing });
    expect(existsSync(join(relu, "fc2")), "the report made relu's maps itself").toBe(false);
    startDrawing();
    const markdown = readFileSync((await written).markdown, "utf8");
    // relu's maps are the ones drawn elsewhere, untouched since; sigmoid's were made by the report.
    expect(statSync(join(relu, "fc2", "digit-0.png")).mtimeMs).toBe(drawnAt);
    for (const run of [relu, sigmoid]) {
      for (const file of ["fc2/all-digits.png", "fc2/digit-9.csv", "confusion.png", "misclassified.png"]) expect(existsSync(join(run, file)), `${run}/${file}`).toBe(true);
    }
    for (const name of [RELU, SIGMOID]) {
      expect(markdown).toContain(`img/fc2/${name}/all-digits.png`);
      expect(markdown).toContain(`img/classes/${name}/confusion.png`);
    }
    expect(existsSync(join(dir, "compare", "fc2-all-digits.png"))).toBe(true);
  });
});

describe("the report of seed groups", () => {
  let groupLogdir: string;
  let markdown: string;

  beforeAll(async () => {
    groupLogdir = tempDir();
    const seeds = (means: number[]) => means.map((mean, seed) => ({ seed, accuracies: endingAt(mean) }));
    const seedsWithMistakes = (means: number[], fourNine: number) => seeds(means).map((s) => ({ ...s, mistakes: { "4>9": fourNine + s.seed } }));
    writeGroupLogdir(groupLogdir, { relu: seedsWithMistakes([0.9812, 0.9755, 0.9790], 20), sigmoid: seedsWithMistakes([0.9790, 0.9801, 0.9731], 30) },
      { withEvents: true });
    markdown = readFileSync((await writeReport(groupLogdir)).markdown, "utf8");
  }, 120_000);

  it("gives each group's mean ± std with its interval, then every run, and the comparison in Findings", () => {
    expect(markdown).toContain("# LeNet-5 on MNIST: 2 configurations, 6 runs over seeds");
    expect(markdown).toContain("| seeds | 0, 1, 2 | 0, 1, 2 |");
    // mean 97.857 ± 0.287, scipy's t interval 97.143 … 98.571 (see findings.test.ts)
    expect(markdown).toMatch(/\| relu-adam-lr0\.01-it200 \| 0, 1, 2 \| \*\*97\.86 ± 0\.29\*\* \| 97\.14 … 98\.57 \| 97\.55 … 98\.12 \|/);
    expect(markdown).toContain("### Every run");
    expect(markdown).toMatch(/\| sigmoid-adam-lr0\.01-seed2 \|/);
    expect(markdown).toContain("relu vs sigmoid (adam, lr 0.01), test accuracy: +0.12 pp (95% CI −0.66 … +0.90, n = 3 each): no difference shown.");
    expect(markdown).toContain("Pictures from here on show one seed of each configuration: relu-adam-lr0.01-it200 (seed 0), sigmoid-adam-lr0.01-it200 (seed 0).");
    expect(markdown).toContain("### relu-adam-lr0.01-it200 (seed 0)");
    expect(markdown).not.toContain("### relu-adam-lr0.01-seed1");
  });

  it("draws the curves as a band per group, and writes each group's mean, min and max for TensorBoard, which the report does not take for runs", () => {
    expect(markdown).toContain("band from its lowest to its highest seed shaded");
    const accuracy = decodePng(readFileSync(join(groupLogdir, "report", "img", "accuracy.png")));
    expect(accuracy.width).toBeGreaterThan(2 * 620);
    for (const group of ["relu-adam-lr0.01-it200", "sigmoid-adam-lr0.01-it200"]) {
      for (const statistic of ["mean", "min", "max"]) {
        const dir = join(groupLogdir, "_groups", group, statistic);
        expect(readdirSync(dir).some((name) => name.includes("tfevents")), dir).toBe(true);
      }
    }
    expect(markdown).not.toContain("_groups");
    // Which classes go wrong: the per-class error chart over the groups' seeds, one confusion matrix per group.
    expect(markdown).toContain("![test error of each class](img/per-class-error.png)");
    expect(markdown).toContain("| confusion matrix | ![relu-adam-lr0.01-it200 (seed 0) confusion matrix](img/classes/relu-adam-lr0.01-seed0/confusion.png) |");
    expect(markdown).toContain("relu-adam-lr0.01-it200 mixes up most often: 4 → 9 (21 test images per seed)");
  });
});

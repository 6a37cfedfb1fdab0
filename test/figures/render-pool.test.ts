// Figures drawn in the figure threads (src/figures/render-pool.ts, active in
// the built package) are the very bytes drawn in the main thread: the same
// run's fc2 maps and class figures, made by the built `lenet-lab features`
// with the threads on and off, compared file by file. And the pool itself,
// on the built worker script: every job is drawn once by some thread, a
// failing figure fails alone, a thread that dies fails only what it held,
// and only as many threads draw as the pool is told.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FIGURE_THREADS_ENV, FigurePool } from "../../src/figures/render-pool.js";
import { vegaLiteToVega } from "../../src/figures/render.js";
import { decodePng } from "../../src/io/png.js";
import { CLI } from "../cli-process.js";
import { tempDir } from "../idx-files.js";
import { writeFakeRun } from "./fake-run.js";
import { spawnSync } from "node:child_process";
import type { Worker } from "node:worker_threads";

function features(runDir: string, threads: string): void {
  const result = spawnSync(process.execPath, [CLI, "features", runDir], { encoding: "utf8", env: { ...process.env, [FIGURE_THREADS_ENV]: threads } });
  expect(result.status, result.stderr).toBe(0);
}

describe("figure threads", () => {
  it("draw the same bytes as the main thread", () => {
    const threaded = writeFakeRun(tempDir(), { activation: "relu", seed: "7" }).runDir;
    const inline = writeFakeRun(tempDir(), { activation: "relu", seed: "7" }).runDir;
    features(threaded, "2");
    features(inline, "0");
    const pngs = (dir: string) => readdirSync(join(dir, "fc2")).filter((f) => f.endsWith(".png")).map((f) => join("fc2", f)).concat("confusion.png", "misclassified.png");
    expect(pngs(threaded)).toHaveLength(15);
    for (const file of pngs(threaded)) {
      expect(readFileSync(join(threaded, file)).equals(readFileSync(join(inline, file))), file).toBe(true);
    }
  });
});

const WORKER = pathToFileURL(join(fileURLToPath(new URL(".", import.meta.url)), "../../dist/src/figures/render-worker.js"));

/** A small bar chart whose bars say which job it is. */
function barChart(bars: number) {
  return vegaLiteToVega({
    data: { values: Array.from({ length: bars }, (_, i) => ({ x: String(i), y: i + 1 })) },
    mark: "bar", encoding: { x: { field: "x", type: "nominal" }, y: { field: "y", type: "quantitative" } }, width: { step: 10 }, height: 40,
  });
}

/** Runs `body` on a pool of `size` threads, closed after it whatever happens. */
async function withPool(size: number, body: (pool: FigurePool) => Promise<void>): Promise<void> {
  const pool = new FigurePool(WORKER, size);
  try {
    await body(pool);
  } finally {
    await pool.close();
  }
}

/** The width of a rendered figure's PNG. */
const widthOf = (result: unknown) => decodePng((result as { png: Uint8Array }).png).width;

/** Each chart is one bar per step wider than the one before: each result is its own job's. */
function expectGrowingWidths(results: unknown[]): void {
  const widths = results.map(widthOf);
  for (let k = 1; k < widths.length; k++) expect(widths[k]).toBeGreaterThan(widths[k - 1]);
}

describe("the figure pool", () => {
  it("draws every job it is given, in whichever thread is free, and a failing figure fails alone", () => withPool(2, async (pool) => {
    const jobs = Array.from({ length: 9 }, (_, i) => i === 4
      ? pool.render({ kind: "vega", spec: { width: 0, height: 0, padding: 0 }, zoom: 1 }) // nothing to draw: the rasteriser refuses it
      : pool.render({ kind: "vega", spec: barChart(i + 1), zoom: 1 }));
    const settled = await Promise.allSettled(jobs);
    expect(settled[4].status).toBe("rejected");
    expect(String((settled[4] as PromiseRejectedResult).reason)).toMatch(/invalid size/);
    expectGrowingWidths(settled.filter((_, i) => i !== 4).map((r) => (r as PromiseFulfilledResult<unknown>).value));
  }), 60_000);

  it("fails the jobs of a thread that stops and draws the rest on the threads left", () => withPool(2, async (pool) => {
    const workers = [...(pool as unknown as { workers: Worker[] }).workers];
    const jobs = Array.from({ length: 6 }, (_, i) => pool.render({ kind: "vega", spec: barChart(i + 1), zoom: 1 }));
    await workers[0].terminate();
    for (const result of await Promise.allSettled(jobs)) {
      if (result.status === "rejected") expect(String(result.reason)).toMatch(/a figure thread stopped/);
    }
    expect(pool.size).toBe(1);
    expect(widthOf(await pool.render({ kind: "vega", spec: barChart(7), zoom: 1 }))).toBeGreaterThan(0);
  }), 60_000);

  it("lets only as many threads draw as it is told, and the next one in when a drawing thread stops", () => withPool(2, async (pool) => {
    const claims = () => (pool as unknown as { claims: Int32Array }).claims;
    pool.setDrawing(1);
    expectGrowingWidths(await Promise.all(Array.from({ length: 4 }, (_, i) => pool.render({ kind: "vega", spec: barChart(i + 1), zoom: 1 }))));
    expect([...claims().subarray(0, 4)]).toEqual([1, 1, 1, 1]); // all drawn by the first thread
    // The jobs the stopped thread had not claimed are drawn by the other one (none is left waiting).
    const workers = [...(pool as unknown as { workers: Worker[] }).workers];
    const jobs = Array.from({ length: 4 }, (_, i) => pool.render({ kind: "vega", spec: barChart(i + 1), zoom: 1 }));
    await workers[0].terminate();
    const settled = await Promise.allSettled(jobs);
    for (const result of settled) if (result.status === "rejected") expect(String(result.reason)).toMatch(/a figure thread stopped/);
    expect(settled.filter((r) => r.status === "fulfilled").length).toBeGreaterThanOrEqual(3);
    expect([...claims().subarray(4, 8)]).toContain(2);
  }), 60_000);

  it("grows by threads that take the jobs nobody has claimed yet", () => withPool(1, async (pool) => {
    const jobs = Array.from({ length: 6 }, (_, i) => pool.render({ kind: "vega", spec: barChart(i + 1), zoom: 1 }));
    pool.grow(2);
    expect(pool.size).toBe(2);
    expectGrowingWidths(await Promise.all(jobs));
  }), 60_000);
});

// `node dist/bench/page.js [--iterations N] [--rounds R]`
//
// Training images/s in the browser (the dashboard's Train tab in Debian's
// Chromium, relu + Adam, batch 64) on one worker and on every core, against
// Node's `train` of the same config on 1 and on every thread, in the same
// run on the same machine. Both count the training steps alone (not the
// evaluations), as run.json's trainImagesPerSecond does. Medians of R rounds,
// taken in turn so that other load on the machine falls on all of them.

import { cpus, loadavg, tmpdir } from "node:os";
import { chromium } from "playwright-core";
import { startBoard } from "../src/board/server.js";
import { loadDataset } from "../src/data/datasets.js";
import { defaultThreads } from "../src/engine/backend.js";
import { kernelBuild } from "../src/engine/wasm/kernel-files.js";
import { resolveRunConfig } from "../src/train/config.js";
import { train } from "../src/train/train.js";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = argv.indexOf(name);
  return at < 0 ? fallback : Number(argv[at + 1]);
};
const iterations = option("--iterations", 1000);
const rounds = option("--rounds", 3);
const all = defaultThreads();
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const logdir = mkdtempSync(join(tmpdir(), "lenet-page-bench-"));
const board = await startBoard({ logdir, port: 0 });
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const dataset = loadDataset();
const results = new Map<string, number[]>();
const record = (name: string, value: number) => results.set(name, [...(results.get(name) ?? []), value]);

/** What the functions run in the page see as globalThis (its window). */
interface InPage {
  document: { querySelector(selector: string): { dataset: { trainState?: string } } | null };
  lenetPlayground: { runs: { state: string; threads: number; imagesPerSecond: number }[] };
}

async function pageRun(threads: number): Promise<number> {
  const page = await browser.newPage();
  try {
    await page.goto(`${board.url}?kernels=${kernelBuild()}&threads=${threads}#train`);
    await page.fill('.train-form [name="iterations"]', String(iterations));
    await page.fill('.train-form [name="evalEvery"]', String(iterations));
    await page.click('button[data-action="train"]');
    await page.waitForFunction(() => ["done", "failed"].includes((globalThis as unknown as InPage).document.querySelector(".train-status")?.dataset.trainState ?? ""), undefined, { timeout: 600_000 });
    const run = await page.evaluate(() => (globalThis as unknown as InPage).lenetPlayground.runs[0]!);
    if (run.state !== "done" || run.threads !== threads) throw new Error(`the page's run ended ${run.state} on ${run.threads} workers`);
    return run.imagesPerSecond;
  } finally {
    await page.close();
  }
}

async function nodeRun(threads: number): Promise<number> {
  const config = resolveRunConfig({ iterations: String(iterations), evalEvery: String(iterations), threads: String(threads) });
  const result = await train(config, dataset);
  return result.trainImagesPerSecond;
}

try {
  const load = loadavg()[0]!;
  for (let round = 0; round < rounds; round++) {
    for (const threads of [1, all]) {
      record(`page, ${threads} worker${threads > 1 ? "s" : ""}`, await pageRun(threads));
      record(`node, ${threads} thread${threads > 1 ? "s" : ""}`, await nodeRun(threads));
    }
  }
  console.log(`CPU: ${cpus()[0]?.model} × ${cpus().length}; ${kernelBuild()} kernels; Chromium ${browser.version()}; ` +
    `relu + Adam, batch 64, ${iterations} iterations; medians of ${rounds} rounds; load average ${load.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`);
  for (const [name, values] of results) {
    console.log(`${name.padEnd(18)} ${Math.round(median(values)).toLocaleString("en").padStart(8)} train images/s  (${values.map((v) => Math.round(v)).join(", ")})`);
  }
  for (const threads of [1, all]) {
    const page = median(results.get(`page, ${threads} worker${threads > 1 ? "s" : ""}`)!);
    const node = median(results.get(`node, ${threads} thread${threads > 1 ? "s" : ""}`)!);
    console.log(`page ÷ node on ${threads}: ${(page / node).toFixed(2)}`);
  }
} finally {
  await browser.close();
  await board.close();
  rmSync(logdir, { recursive: true, force: true });
}

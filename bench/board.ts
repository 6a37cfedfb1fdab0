// `node dist/bench/board.js [--runs 100] [--tags 10] [--steps 10000] [--logdir DIR]`:
// how responsive `lenet-lab board` is on a big logdir. Writes (once, then
// reuses) a logdir of runs × scalar tags × steps with our SummaryWriter, one
// event per point as PyTorch writes them; starts the dashboard in this
// process and measures the time until the runs are listed and until every
// event is read, the API's response times (once a tenth of the runs are read,
// and after loading), and, when Debian's Chromium is installed, the time to
// the first chart in a real browser (opened while loading, and after). Prints one JSON object; record the numbers in BENCHMARKS.md.

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startBoard } from "../src/board/server.js";
import { SummaryWriter } from "../src/tensorboard/summary-writer.js";

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const RUNS = Number(option("runs", "100"));
const TAGS = Number(option("tags", "10"));
const STEPS = Number(option("steps", "10000"));
const LOGDIR = option("logdir", `/tmp/lenet-lab-board-bench-${RUNS}x${TAGS}x${STEPS}`);

function generate(): number {
  const done = join(LOGDIR, "COMPLETE");
  if (existsSync(done)) return 0;
  const start = performance.now();
  mkdirSync(LOGDIR, { recursive: true });
  for (let r = 0; r < RUNS; r++) {
    const writer = new SummaryWriter(join(LOGDIR, `run-${String(r).padStart(3, "0")}`), { flushIntervalMs: 0 });
    for (let step = 0; step < STEPS; step++) {
      for (let t = 0; t < TAGS; t++) {
        writer.addScalar(`group${t % 3}/tag${t}`, Math.exp(-step / 3000) * (1 + 0.1 * Math.sin(step * 0.1 + r + t)), step, 1_700_000_000 + r * 10 + step * 0.01);
      }
    }
    writer.close();
  }
  writeFileSync(done, "");
  return (performance.now() - start) / 1000;
}

/** Time of one request (a 404 while loading means no run has the tag yet). */
async function timed(url: string): Promise<{ ms: number; bytes: number; status: number }> {
  const start = performance.now();
  const response = await fetch(url);
  const body = await response.arrayBuffer();
  return { ms: Math.round(performance.now() - start), bytes: body.byteLength, status: response.status };
}

async function apiTimes(base: string): Promise<Record<string, { ms: number; bytes: number; status: number }>> {
  const tag = "group0/tag0";
  return {
    runs: await timed(`${base}api/runs`),
    tags: await timed(`${base}api/tags`),
    "scalars (1 tag, all runs, 500 points each)": await timed(`${base}api/scalars?tag=${tag}&samples=500`),
    "scalars (1 tag, 1 run, every point)": await timed(`${base}api/scalars?tag=${tag}&run=run-000&samples=0`),
    "export csv (1 tag, all runs, every point)": await timed(`${base}api/scalars/export?tag=${tag}&format=csv`),
  };
}

async function firstChartMs(base: string, runs: number): Promise<Record<string, number> | string> {
  if (!existsSync("/usr/bin/chromium")) return "skipped: /usr/bin/chromium is not installed";
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const start = performance.now();
    await page.goto(base);
    // The page's code is written as strings: this file is compiled without the DOM's types.
    await page.waitForFunction('document.querySelector(".chart-card canvas") !== null', undefined, { timeout: 120_000 });
    const first = performance.now() - start;
    await page.waitForFunction(`[...document.querySelectorAll(".chart-card .chart")].some((c) => JSON.parse(c.getAttribute("data-runs") ?? "[]").length === ${runs})`, undefined, { timeout: 120_000 });
    const all = performance.now() - start;
    return { "page open → first chart drawn": Math.round(first), [`page open → a chart with all ${runs} runs`]: Math.round(all) };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const generateSeconds = generate();
  const start = performance.now();
  const board = await startBoard({ logdir: LOGDIR, port: 0 });
  const listedMs = performance.now() - start;
  let loadedMs = 0;
  const loaded = new Promise<void>((resolve) => board.index.on("status", (status: { loading: boolean }) => {
    if (!status.loading && loadedMs === 0) {
      loadedMs = performance.now() - start;
      resolve();
    }
  }));
  // "While loading": once a tenth of the runs are read, so that the routes have data to send.
  while (board.index.status().runsLoaded < RUNS / 10 && board.index.status().loading) await new Promise((resolve) => setTimeout(resolve, 20));
  const duringLoad = await apiTimes(board.url);
  const chartDuringLoad = await firstChartMs(board.url, RUNS);
  await loaded;
  const afterLoad = await apiTimes(board.url);
  const chartAfterLoad = await firstChartMs(board.url, RUNS);
  const status = board.index.status();
  await board.close();
  console.log(JSON.stringify({
    logdir: LOGDIR, runs: RUNS, tags: TAGS, steps: STEPS, events: status.events,
    generateSeconds: Math.round(generateSeconds), memoryMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    "server start → runs listed (ms)": Math.round(listedMs),
    "server start → every event read (ms)": Math.round(loadedMs),
    "API while loading": duringLoad, "first chart while loading (ms)": chartDuringLoad,
    "API after loading": afterLoad, "first chart after loading (ms)": chartAfterLoad,
  }, null, 2));
}

await main();

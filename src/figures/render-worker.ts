// A figure thread of render-pool.ts: receives every job, claims the ones no
// other thread has taken yet, draws each with the same functions the main
// thread would use, and posts the result back; jobs are drawn one at a time,
// in the order they were asked for.
// On start it draws two small figures nobody asked for (a heat map and a
// line chart at the charts' zoom), so that Vega's and resvg's first-use costs
// (compiling their code, loading the font) are paid while the thread waits
// for work, not by the first real figure; jobs wait for that warm-up.

import { parentPort, workerData } from "node:worker_threads";
import { renderHeatmapFigureHere } from "./heatmap-figure.js";
import { renderVegaHere, vegaLiteToVega } from "./render.js";
import type { JobReply, PostedJob, RenderJob } from "./render-pool.js";

async function warmUp(): Promise<void> {
  const labels = ["0", "1", "2"];
  await renderHeatmapFigureHere(
    [0, 1].map((p) => ({ title: `panel ${p}`, values: [0, 1, 2, 3, 4, 5, 6, 7, 8], rows: 3, cols: 3, domain: [0, 8 + p] as [number, number] })),
    { title: "warm-up", subtitle: "a figure nobody sees", colormap: "viridis", cellWidth: 4, cellHeight: 4, x: { title: "x", labels }, y: { title: "y", labels }, colorbarTitle: "value" },
  );
  await renderVegaHere(vegaLiteToVega({
    data: { values: [{ x: 0, y: 1, run: "a" }, { x: 1, y: 0.5, run: "a" }, { x: 0, y: 0.8, run: "b" }, { x: 1, y: 0.2, run: "b" }] },
    mark: "line", encoding: { x: { field: "x", type: "quantitative", title: "iteration" }, y: { field: "y", type: "quantitative", scale: { type: "log" } }, color: { field: "run" } },
    width: 60, height: 40, title: "warm-up",
  }), 2);
}

// A failed warm-up is no error of anybody's job: the real figure will meet the same problem and report it.
const warm = warmUp().catch(() => {});

/** This thread's number in the claims (render-pool.ts). */
const claimant = (workerData as { claimant: number }).claimant;

async function draw(job: RenderJob): Promise<unknown> {
  switch (job.kind) {
    case "vega": return renderVegaHere(job.spec as never, job.zoom);
    case "vega-lite": return renderVegaHere(vegaLiteToVega(job.spec as never), job.zoom);
    case "heatmap": return renderHeatmapFigureHere(job.panels as never, job.options as never);
  }
}

/** Draws the job if no other thread has claimed it. */
async function take({ id, claims, slot, job }: PostedJob): Promise<void> {
  if (Atomics.compareExchange(claims, slot, 0, claimant) !== 0) return;
  let reply: JobReply;
  try {
    reply = { id, result: await draw(job) };
  } catch (error) {
    reply = { id, error: (error as Error).stack ?? String(error) };
  }
  parentPort!.postMessage(reply);
}

// One job after another: a job is claimed only when this thread is free to draw it.
let queue = warm;
parentPort!.on("message", (posted: PostedJob) => {
  queue = queue.then(() => take(posted));
});

// A figure thread of render-pool.ts: receives a render job, draws it with the
// same functions the main thread would use, and posts the result back.

import { parentPort } from "node:worker_threads";
import { renderHeatmapFigureHere } from "./heatmap-figure.js";
import { renderVegaHere } from "./render.js";
import type { RenderJob } from "./render-pool.js";

parentPort!.on("message", async (job: RenderJob) => {
  try {
    const result = job.kind === "vega"
      ? await renderVegaHere(job.spec as never, job.zoom)
      : await renderHeatmapFigureHere(job.panels as never, job.options as never);
    parentPort!.postMessage({ result });
  } catch (error) {
    parentPort!.postMessage({ error: (error as Error).stack ?? String(error) });
  }
});

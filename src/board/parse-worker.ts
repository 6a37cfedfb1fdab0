// A worker thread of the dashboard: reads and decodes chunks of event files
// (event-batch.ts) on request, so that the server's thread stays free and
// several files are decoded at once. Started by parse-pool.ts.

import { parentPort } from "node:worker_threads";
import { readChunk, transferablesOf, type ChunkRequest } from "./event-batch.js";

parentPort!.on("message", ({ id, request }: { id: number; request: ChunkRequest }) => {
  try {
    const result = readChunk(request);
    parentPort!.postMessage({ id, result }, transferablesOf(result.batch));
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message });
  }
});

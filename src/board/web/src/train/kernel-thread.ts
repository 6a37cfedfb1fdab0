// A thread of the training worker's thread pool, as a Web Worker: it is sent
// its ThreadInit (the shared memory, the kernels' module, its number), then
// serves the pool's commands exactly as a Node worker thread does.

import { serveThread } from "../../../../engine/parallel/serve-thread.js";
import type { ThreadInit } from "../../../../engine/parallel/thread-pool.js";

const scope = self as unknown as { onmessage: ((event: MessageEvent<ThreadInit>) => void) | null; postMessage(message: unknown): void };

scope.onmessage = (event) => {
  scope.onmessage = null;
  serveThread(event.data, () => scope.postMessage({ ready: true }), (error) => scope.postMessage({ error }));
};

// The script of a Node worker thread of the thread pool (node-threads.ts): it
// serves the pool's commands (serve-thread.ts) with what it was started with,
// with the native kernels when the main thread uses them, and sends its errors
// on the port it was given.

import { MessagePort, parentPort, workerData } from "node:worker_threads";
import { accelerateNatively } from "../native/native-kernels.js";
import { ThreadInit } from "./thread-pool.js";
import { serveThread } from "./serve-thread.js";

const { errorPort, ...init } = workerData as ThreadInit & { errorPort: MessagePort };
serveThread(init, () => parentPort?.postMessage("ready"), (message) => errorPort.postMessage(message), accelerateNatively);

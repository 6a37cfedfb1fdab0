// The thread pool's workers in Node: worker threads running worker.ts, each
// with a message port for its errors, which the pool reads synchronously
// (receiveMessageOnPort) when it finds a thread failed.

import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";
import { DEFAULT_WORKER_SPIN_MICROSECONDS, PoolThread, ThreadInit, ThreadPool } from "./thread-pool.js";

/**
 * The compiled worker script: next to this file when it runs compiled, or in
 * the repository's dist/ when it runs from source (the tests), since a worker
 * thread runs JavaScript only.
 */
function workerScriptPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, "worker.js"), resolve(here, "../../../dist/src/engine/parallel/worker.js")];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`the worker script was not found (looked in ${candidates.join(" and ")}); run \`npm run build\``);
  return found;
}

/** Starts one worker thread of the pool (a ThreadStarter). */
export function startNodeThread(init: ThreadInit): PoolThread {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(workerScriptPath(), { workerData: { ...init, errorPort: port2 }, transferList: [port2] });
  const ready = new Promise<void>((resolveReady, reject) => {
    worker.once("message", () => resolveReady());
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`worker thread ${init.thread} exited (code ${code}) before it was ready`)));
  });
  return {
    ready,
    detach() {
      worker.removeAllListeners();
      worker.unref();
      port1.unref();
    },
    async terminate() {
      await worker.terminate();
    },
    takeError: () => receiveMessageOnPort(port1)?.message as string | undefined,
  };
}

/**
 * Starts a pool of `threads` threads in this process (see ThreadPool.start);
 * with `native`, the threads use the native kernels (src/engine/native), as
 * the main thread must then too.
 */
export function startNodeThreadPool(threads: number, memory: WebAssembly.Memory, module: WebAssembly.Module, native = false): Promise<ThreadPool> {
  return ThreadPool.start(threads, memory, module, startNodeThread, workerSpinMicroseconds(), native);
}

/**
 * How long (µs) an idle worker looks for its next command before it sleeps.
 * LENET_LAB_WORKER_SPIN_US overrides it (0: sleep at once).
 */
export function workerSpinMicroseconds(): number {
  const fromEnvironment = Number(process.env.LENET_LAB_WORKER_SPIN_US);
  return Number.isFinite(fromEnvironment) && fromEnvironment >= 0 ? fromEnvironment : DEFAULT_WORKER_SPIN_MICROSECONDS;
}

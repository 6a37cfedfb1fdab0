// Reads event-file chunks in worker threads (parse-worker.ts), one request at
// a time per worker. The pool is used only where the compiled worker script
// exists next to this file (the built package, dist/); elsewhere (tests
// running the TypeScript sources) `createParsePool` returns undefined and the
// index reads in its own thread, with the same code (event-batch.ts).

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ChunkRequest, ChunkResult } from "./event-batch.js";

interface Pending {
  resolve: (result: ChunkResult) => void;
  reject: (error: Error) => void;
}

export class ParsePool {
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; request: ChunkRequest }[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly workers: Worker[] = [];
  private nextId = 0;

  constructor(script: URL, size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script);
      worker.unref();
      worker.on("message", (message: { id: number; result?: ChunkResult; error?: string }) => {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.result) pending?.resolve(message.result);
        else pending?.reject(new Error(message.error ?? "the parse worker failed"));
        this.release(worker);
      });
      // A worker that dies is dropped; its request fails and the index reads that chunk itself.
      worker.on("error", (error) => {
        for (const p of this.pending.values()) p.reject(error);
        this.pending.clear();
        this.workers.splice(this.workers.indexOf(worker), 1);
        if (this.idle.includes(worker)) this.idle.splice(this.idle.indexOf(worker), 1);
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** Size of the pool. */
  get size(): number {
    return this.workers.length;
  }

  read(request: ChunkRequest): Promise<ChunkResult> {
    if (this.workers.length === 0) return Promise.reject(new Error("no parse worker is left"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const worker = this.idle.pop();
      if (worker) worker.postMessage({ id, request });
      else this.queue.push({ id, request });
    });
  }

  private release(worker: Worker): void {
    const next = this.queue.shift();
    if (next) worker.postMessage(next);
    else this.idle.push(worker);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** A pool of `size` workers, or undefined when size < 1 or the compiled worker script is not there. */
export function createParsePool(size: number, script = new URL("./parse-worker.js", import.meta.url)): ParsePool | undefined {
  if (size < 1 || !existsSync(fileURLToPath(script))) return undefined;
  return new ParsePool(script, size);
}

// Figures rendered in worker threads, so that the many figures of a run (13
// fc2 maps, the class figures, the report's charts) are drawn on every core at
// once: a small pool of threads (render-worker.ts), each running the same
// render code as this thread would, started when the first figure is asked
// for (or when startFigureThreads says so) and holding the process alive only
// while it has figures to draw.
// Callers that ask for several figures before awaiting them get them in
// parallel; the pictures are the same bytes either way.
//
// Used only where the compiled worker script is there (the built package,
// dist/); tests that run the TypeScript sources render in their own thread.
// LENET_LAB_FIGURE_THREADS=0 turns the pool off (and N sets its size).

import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker, isMainThread } from "node:worker_threads";

/** What a figure thread is asked to draw (plain data: it crosses a thread boundary). */
export type RenderJob =
  | { kind: "vega"; spec: unknown; zoom: number }
  | { kind: "heatmap"; panels: unknown; options: unknown };

export const FIGURE_THREADS_ENV = "LENET_LAB_FIGURE_THREADS";
/** More threads than this do not pay for their start-up (each loads Vega and resvg). */
const MAX_THREADS = 4;

interface Slot {
  worker: Worker;
  busy: boolean;
}

export class FigurePool {
  private readonly slots: Slot[];
  private readonly queue: { job: RenderJob; resolve: (value: unknown) => void; reject: (error: Error) => void }[] = [];
  private readonly running = new Map<Worker, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(script: URL, size: number) {
    this.slots = Array.from({ length: size }, () => {
      const worker = new Worker(script);
      worker.unref();
      const slot = { worker, busy: false };
      worker.on("message", (message: { result?: unknown; error?: string }) => {
        const job = this.running.get(worker);
        this.running.delete(worker);
        if (message.error !== undefined) job?.reject(new Error(message.error));
        else job?.resolve(message.result);
        this.next(slot);
      });
      worker.on("error", (error) => {
        this.running.get(worker)?.reject(error);
        this.running.delete(worker);
        this.slots.splice(this.slots.indexOf(slot), 1);
        if (this.slots.length === 0) for (const queued of this.queue.splice(0)) queued.reject(error);
      });
      return slot;
    });
  }

  get size(): number {
    return this.slots.length;
  }

  /** Draws `job` in a free thread (queued until one is); resolves with what the render function returned. */
  render(job: RenderJob): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      const idle = this.slots.find((slot) => !slot.busy);
      if (idle) this.next(idle);
    });
  }

  private next(slot: Slot): void {
    const queued = this.queue.shift();
    if (!queued) {
      slot.busy = false;
      slot.worker.unref(); // idle threads never keep the process alive
      return;
    }
    slot.busy = true;
    slot.worker.ref(); // a thread with a figure to draw does: its result is awaited
    this.running.set(slot.worker, { resolve: queued.resolve, reject: queued.reject });
    slot.worker.postMessage(queued.job);
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}

let pool: FigurePool | null | undefined;

/**
 * Starts the process's figure threads now, if it has any, so that their
 * start-up (each imports Vega and resvg, about half a second) overlaps other
 * work instead of delaying the first figure. Idle threads never keep the
 * process alive.
 */
export function startFigureThreads(): void {
  figurePool();
}

/** The process's figure threads, started on first use; null when there are none (no compiled worker, or turned off). */
export function figurePool(): FigurePool | null {
  if (pool !== undefined) return pool;
  const script = new URL("./render-worker.js", import.meta.url);
  const setting = process.env[FIGURE_THREADS_ENV];
  const size = setting !== undefined && setting !== "" ? Math.max(0, Math.min(MAX_THREADS, Math.floor(Number(setting)) || 0))
    : Math.min(MAX_THREADS, availableParallelism());
  pool = size > 0 && isMainThread && existsSync(fileURLToPath(script)) ? new FigurePool(script, size) : null;
  return pool;
}

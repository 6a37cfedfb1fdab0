// Figures rendered in worker threads, so that the many figures of a run (13
// fc2 maps, the class figures, the report's charts) are drawn on every core at
// once: a small pool of threads (render-worker.ts), each running the same
// render code as this thread would, started when the first figure is asked
// for (or when startFigureThreads says so) and holding the process alive only
// while it has figures to draw.
// Callers that ask for several figures before awaiting them get them in
// parallel; the pictures are the same bytes either way.
//
// Every job is posted to every thread at once (to every thread that takes
// jobs: a caller whose other work still holds cores lets only as many draw as
// are free, setDrawing), and the first thread free to draw it claims it (an
// atomic claim in memory the threads share); the others skip it. So a thread goes from one figure to the next on its own: it never
// waits for this thread's event loop, which is often busy for a second
// reading event files or classifying the test set, and a slow figure holds
// up only the thread that drew it.
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
  | { kind: "vega-lite"; spec: unknown; zoom: number }
  | { kind: "heatmap"; panels: unknown; options: unknown };

/**
 * A job as posted to each thread: `claims[slot]` is 0 while nobody draws it;
 * the thread that swaps in its own number (1, 2, …) draws it.
 */
export interface PostedJob {
  id: number;
  claims: Int32Array;
  slot: number;
  job: RenderJob;
}

/** What a thread posts back: the result or error of a job it claimed. */
export interface JobReply {
  id: number;
  result?: unknown;
  error?: string;
}

export const FIGURE_THREADS_ENV = "LENET_LAB_FIGURE_THREADS";
/** More threads than this do not pay for their start-up (each loads Vega and resvg). */
const MAX_THREADS = 4;
/** Claim slots per shared block; a new block is made when one is used up. */
const CLAIMS_PER_BLOCK = 1024;

interface Pending {
  posted: PostedJob;
  /** The threads it was posted to. */
  sentTo: Set<Worker>;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class FigurePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private nextClaimant = 1;
  private claims = new Int32Array(new SharedArrayBuffer(CLAIMS_PER_BLOCK * 4));
  private nextSlot = 0;
  /** How many threads take jobs (the first ones started); the others wait, started, until there may be more. */
  private drawing = Infinity;

  constructor(private readonly script: URL, size: number) {
    this.grow(size);
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Starts threads until there are `size`; each new one is given the jobs
   * nobody has claimed yet, so it helps with those too.
   */
  grow(size: number): void {
    while (this.workers.length < size) {
      const claimant = this.nextClaimant++;
      const worker = new Worker(this.script, { workerData: { claimant } });
      worker.on("message", (reply: JobReply) => {
        const job = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (reply.error !== undefined) job?.reject(new Error(reply.error));
        else job?.resolve(reply.result);
        this.holdProcess();
      });
      worker.on("error", (error) => this.lose(worker, claimant, error));
      worker.on("exit", (code) => this.lose(worker, claimant, new Error(`a figure thread stopped (exit code ${code}) before it drew its figure`)));
      this.workers.push(worker);
    }
    this.postUnclaimed();
    this.holdProcess();
  }

  /**
   * Lets `count` threads take jobs (all of them when undefined): a caller
   * whose other work still holds some cores starts every thread early but
   * lets only as many draw as there are cores free. Threads let in take the
   * jobs nobody has claimed yet.
   */
  setDrawing(count: number | undefined): void {
    this.drawing = count === undefined ? Infinity : Math.max(1, count);
    this.postUnclaimed();
  }

  /** The threads that take jobs now. */
  private drawers(): Worker[] {
    return this.workers.slice(0, Math.min(this.drawing, this.workers.length));
  }

  /** Posts every job nobody has claimed yet to each thread that takes jobs and does not have it. */
  private postUnclaimed(): void {
    for (const job of this.pending.values()) {
      if (Atomics.load(job.posted.claims, job.posted.slot) !== 0) continue;
      for (const worker of this.drawers()) {
        if (job.sentTo.has(worker)) continue;
        job.sentTo.add(worker);
        worker.postMessage(job.posted);
      }
    }
  }

  /** Draws `job` in the first free thread; resolves with what the render function returned. */
  render(job: RenderJob): Promise<unknown> {
    if (this.workers.length === 0) return Promise.reject(new Error("every figure thread has failed"));
    if (this.nextSlot === CLAIMS_PER_BLOCK) {
      this.claims = new Int32Array(new SharedArrayBuffer(CLAIMS_PER_BLOCK * 4));
      this.nextSlot = 0;
    }
    const posted: PostedJob = { id: this.nextId++, claims: this.claims, slot: this.nextSlot++, job };
    return new Promise((resolve, reject) => {
      this.pending.set(posted.id, { posted, sentTo: new Set(), resolve, reject });
      this.postUnclaimed();
      this.holdProcess();
    });
  }

  /** Threads with figures to draw keep the process alive (their results are awaited); idle ones never do. */
  private holdProcess(): void {
    for (const worker of this.workers) {
      if (this.pending.size > 0) worker.ref();
      else worker.unref();
    }
  }

  /** A thread died: the jobs it had claimed fail with its error; the others are drawn by the threads left. */
  private lose(worker: Worker, claimant: number, error: Error): void {
    const index = this.workers.indexOf(worker);
    if (index < 0) return; // already lost (an error is followed by an exit), or closed
    this.workers.splice(index, 1);
    for (const [id, job] of this.pending) {
      if (this.workers.length === 0 || Atomics.load(job.posted.claims, job.posted.slot) === claimant) {
        this.pending.delete(id);
        job.reject(error);
      }
    }
    this.postUnclaimed(); // the thread next in line may take jobs now
    this.holdProcess();
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

let pool: FigurePool | null | undefined;

/**
 * Starts the process's figure threads now, if it has any, so that their
 * start-up (each imports Vega and resvg and draws warm-up figures, about half
 * a second) overlaps other work instead of delaying the first figure. Idle
 * threads never keep the process alive.
 */
export function startFigureThreads(): void {
  figurePool();
}

/** Lets `count` of the process's figure threads take jobs, all of them when undefined (FigurePool.setDrawing); none are started. */
export function setFigureThreadsDrawing(count: number | undefined): void {
  if (pool) pool.setDrawing(count);
}

/** How many figure threads the process may have: LENET_LAB_FIGURE_THREADS, else one per core, at most MAX_THREADS. */
function figureThreadCount(): number {
  const setting = process.env[FIGURE_THREADS_ENV];
  return setting !== undefined && setting !== "" ? Math.max(0, Math.min(MAX_THREADS, Math.floor(Number(setting)) || 0))
    : Math.min(MAX_THREADS, availableParallelism());
}

/** A pool of `size` threads on the compiled worker script; null where there is none (the TypeScript sources) or in a worker. */
function makePool(size: number): FigurePool | null {
  const script = new URL("./render-worker.js", import.meta.url);
  return size > 0 && isMainThread && existsSync(fileURLToPath(script)) ? new FigurePool(script, size) : null;
}

/** The process's figure threads, started on first use (all of them); null when there are none (no compiled worker, or turned off). */
export function figurePool(): FigurePool | null {
  if (pool === undefined) pool = makePool(figureThreadCount());
  return pool;
}

// Worker threads that run LeNet passes on their share of a batch, in the same
// shared WebAssembly memory as the main thread. The main thread is thread 0
// and computes its own share while the workers compute theirs; then it waits
// for them. Every wait is bounded looking followed by sleep: an idle worker
// looks for its next command, and the main thread for the workers' "done",
// for up to 1 ms (workerSpinMicroseconds) before sleeping with Atomics.wait.
// Between the passes of a training step, and between two threads finishing
// their shares, the gap is shorter than that, and waking a sleeping thread
// costs 100–300 µs on a virtual machine; a longer wait sleeps, so a machine
// with fewer cores than threads loses at most that much per wait. No message
// passing per step: each worker has eight int32 control words in the shared
// memory (CONTROL_OFFSET):
//
//   0 sequence   bumped by the main thread to start a command (workers wait on it)
//   1 done       set to the sequence by the worker when finished (the main thread waits on it)
//   2 op         FORWARD, BACKWARD, UPDATE or EXIT
//   3 b0, 4 b1   the worker's images [b0, b1) (forward), gradient shards (backward) or parameters (update)
//   5 status     0; FAILED when the command threw (the message is on the worker's error port);
//                DEAD when the worker stopped serving; EXITED after EXIT
//   6 activation kind (index in ACTIVATIONS)
//   7 flags      FROM_PIXELS: the forward pass starts from the staged uint8 pixels
//
// The layout of the memory is in the memory too (memory-layout.ts). This file
// knows nothing of LeNet beyond the op codes, and nothing of how a thread is
// started: Node's worker threads (node-threads.ts) and a page's Web Workers
// start theirs through a ThreadStarter and run the same serveThread().

import { CONTROL_BYTES_PER_THREAD, CONTROL_OFFSET, MAX_THREADS, evenShare } from "../wasm/memory-layout.js";

export const OP_EXIT = 0;
export const OP_FORWARD = 1;
export const OP_BACKWARD = 2;
/** An optimizer's update of the parameters [b0, b1) (src/engine/wasm/parameter-update.ts). */
export const OP_UPDATE = 3;

export const WORD = { sequence: 0, done: 1, op: 2, b0: 3, b1: 4, status: 5, activation: 6, flags: 7 } as const;
export const FROM_PIXELS = 1;
export const STATUS_FAILED = 1;
export const STATUS_DEAD = 2;
export const STATUS_EXITED = 3;

/**
 * How long join() waits for a worker before it gives up with an error. No pass
 * of LeNet on one thread's share of a batch comes near it; it is there so that
 * a worker that can no longer answer stops the run with a message instead of
 * leaving the process asleep for ever.
 */
export const JOIN_LIMIT_MS = 5 * 60_000;
const JOIN_SLICE_MS = 1000;

/** Index of worker `thread`'s first control word in an Int32Array over the memory. */
export function controlBase(thread: number): number {
  return (CONTROL_OFFSET + thread * CONTROL_BYTES_PER_THREAD) / 4;
}

/** What a worker thread is given: the memory, the kernels' module, its number and how long it looks for work before it sleeps. */
export interface ThreadInit {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  thread: number;
  spinMicroseconds: number;
  /** Whether the thread lets its host's accelerator take over kernels, as the main thread does (KernelHost.accelerate). */
  accelerated: boolean;
}

/** A started worker thread, as the pool sees it. */
export interface PoolThread {
  /** Settles when the thread serves commands (rejects if it could not start). */
  ready: Promise<void>;
  /** Called once the thread is ready: from now on it sleeps on its control words and must not keep the process alive. */
  detach(): void;
  /** Stops the thread. */
  terminate(): Promise<void>;
  /** The error the thread reported, if one has arrived (without waiting). */
  takeError(): string | undefined;
}

/** Starts one worker thread running serveThread() (serve-thread.ts) with `init`. */
export type ThreadStarter = (init: ThreadInit) => PoolThread;

export class ThreadPool {
  private sequence = 0;
  private busy: number[] = [];
  private closed = false;

  private constructor(
    /** Threads in all, the main thread included. */
    readonly threads: number,
    private readonly workers: PoolThread[],
    private readonly words: Int32Array,
    /** How long join() looks for a worker's "done" before it sleeps. */
    private readonly spinMicroseconds: number,
  ) {}

  /** Starts threads − 1 workers on memory, each with its own instance of module, with `start`. */
  static async start(threads: number, memory: WebAssembly.Memory, module: WebAssembly.Module,
    start: ThreadStarter, spinMicroseconds = DEFAULT_WORKER_SPIN_MICROSECONDS, accelerated = false): Promise<ThreadPool> {
    if (!(Number.isInteger(threads) && threads >= 2 && threads <= MAX_THREADS)) {
      throw new RangeError(`a thread pool needs 2 to ${MAX_THREADS} threads, got ${threads}`);
    }
    const workers: PoolThread[] = [];
    for (let thread = 1; thread < threads; thread++) workers.push(start({ memory, module, thread, spinMicroseconds, accelerated }));
    try {
      await Promise.all(workers.map((worker) => worker.ready));
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    for (const worker of workers) worker.detach();
    return new ThreadPool(threads, workers, new Int32Array(memory.buffer, 0, 1024), spinMicroseconds);
  }

  /** Starts op on every worker thread (1 … threads − 1) whose range is not empty; returns at once. */
  dispatch(op: number, activation: number, ranges: readonly (readonly [number, number])[], flags = 0): void {
    if (this.closed) throw new Error("the thread pool is closed");
    this.sequence = (this.sequence + 1) | 0;
    this.busy = [];
    for (let thread = 1; thread < this.threads; thread++) {
      const [b0, b1] = ranges[thread];
      if (b1 <= b0 && op !== OP_EXIT) continue;
      const base = controlBase(thread);
      this.words[base + WORD.op] = op;
      this.words[base + WORD.b0] = b0;
      this.words[base + WORD.b1] = b1;
      this.words[base + WORD.activation] = activation;
      this.words[base + WORD.flags] = flags;
      this.words[base + WORD.status] = 0;
      Atomics.store(this.words, base + WORD.sequence, this.sequence);
      Atomics.notify(this.words, base + WORD.sequence);
      this.busy.push(thread);
    }
  }

  /** The worker threads that were given work by the last dispatch. */
  get lastDispatched(): readonly number[] {
    return this.busy;
  }

  /**
   * Waits until every dispatched worker is done (looking for up to
   * spinMicroseconds, then sleeping); throws the first worker error, and
   * throws (closing the pool) if a worker has stopped serving or has not
   * answered within JOIN_LIMIT_MS.
   */
  join(): void {
    const busy = this.busy;
    this.busy = [];
    const spinUntil = performance.now() + this.spinMicroseconds / 1000;
    for (const thread of busy) {
      const index = controlBase(thread) + WORD.done;
      // The threads usually finish within microseconds of each other: look before sleeping.
      while (Atomics.load(this.words, index) !== this.sequence && performance.now() < spinUntil);
      const start = performance.now();
      for (;;) {
        const done = Atomics.load(this.words, index);
        if (done === this.sequence) break;
        if (performance.now() - start > JOIN_LIMIT_MS) {
          const words = Array.from(this.words.subarray(controlBase(thread), controlBase(thread) + 8)).join(",");
          this.abandon();
          throw new Error(`worker thread ${thread} has not answered for ${JOIN_LIMIT_MS / 1000} s `
            + `(command ${this.sequence}; its control words ${words}); `
            + "the run cannot go on with it (try --threads 1, and please report this)");
        }
        Atomics.wait(this.words, index, done, JOIN_SLICE_MS);
      }
      const status = this.words[controlBase(thread) + WORD.status];
      if (status === STATUS_DEAD) {
        this.abandon();
        throw new Error(`worker thread ${thread} stopped: ${this.errorMessage(thread) ?? "no message"} (try --threads 1)`);
      }
      if (status !== 0) throw new Error(`worker thread ${thread} failed: ${this.errorMessage(thread) ?? "unknown error"}`);
    }
  }

  private errorMessage(thread: number): string | undefined {
    return this.workers[thread - 1].takeError();
  }

  /** Marks the pool closed and stops its workers in the background (join cannot await). */
  private abandon(): void {
    this.closed = true;
    for (const worker of this.workers) void worker.terminate();
  }

  /** Stops the workers (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** How long (µs) an idle worker looks for its next command before it sleeps, unless told otherwise. */
export const DEFAULT_WORKER_SPIN_MICROSECONDS = 1000;

/**
 * Splits [0, total) — the images of a forward pass, the gradient shards of a
 * backward, the parameters of an update — into `threads` contiguous ranges
 * whose sizes differ by at most one (some empty when there are more threads
 * than items). The main thread gets no larger share: it looks for the
 * workers' "done" before sleeping (join), so finishing first costs it little.
 */
export function splitEvenly(total: number, threads: number): [number, number][] {
  return Array.from({ length: threads }, (_, t) => evenShare(total, threads, t));
}

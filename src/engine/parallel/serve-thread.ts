// What a worker thread of the thread pool (thread-pool.ts) does, wherever it
// runs (a Node worker thread, a page's Web Worker): instantiates the kernels
// on the shared memory, says it is ready, then sleeps on its control words and
// runs each LeNet pass it is given on its range of images, until told to exit.
// It never allocates per command and never touches the event loop again after
// starting.

import { KernelAccelerator, instantiateKernels } from "../wasm/kernels.js";
import { backwardShards, forwardRange } from "../wasm/lenet-passes.js";
import { BATCH_SIZE_WORD, readLayout } from "../wasm/memory-layout.js";
import { applyUpdate, readUpdate } from "../wasm/parameter-update.js";
import {
  FROM_PIXELS, OP_BACKWARD, OP_EXIT, OP_FORWARD, OP_UPDATE, STATUS_DEAD, STATUS_EXITED, STATUS_FAILED, ThreadInit, WORD, controlBase,
} from "./thread-pool.js";

/** The longest a sleeping worker goes without looking at its sequence word. */
const WAIT_SLICE_MS = 50;

/**
 * Serves the pool's commands on this thread until EXIT. `ready` is called once
 * the thread will see the next command; `reportError` sends an error's text
 * to the pool (which reads it when it finds the thread failed). `accelerate`
 * is the host's (KernelHost.accelerate), used when init.accelerated.
 */
export function serveThread(
  init: ThreadInit, ready: () => void, reportError: (message: string) => void, accelerate?: KernelAccelerator,
): void {
  const { memory, module, thread, spinMicroseconds } = init;
  const wasmKernels = instantiateKernels(memory, module);
  let kernels = wasmKernels;
  if (init.accelerated) {
    if (!accelerate) throw new Error("this thread was asked to accelerate its kernels but has no accelerator");
    kernels = accelerate(wasmKernels, memory);
  }
  const words = new Int32Array(memory.buffer, 0, 1024);
  const head = new Float32Array(memory.buffer, 0, 16);
  const base = controlBase(thread);
  const report = (error: unknown) => reportError(error instanceof Error ? error.stack ?? error.message : String(error));

  // The starting sequence is read before saying "ready": the main thread may
  // dispatch the first command the moment it hears it, and a worker that read
  // the sequence after that would take the command for its starting state and
  // sleep through it, leaving the main thread waiting for ever.
  let seen = Atomics.load(words, base + WORD.sequence);
  ready();

  try {
    for (;;) {
      // The next command usually comes within microseconds (backward right after
      // forward): look for it briefly before sleeping, since waking a sleeping
      // thread can take a hundred microseconds or more on a virtual machine.
      const spinUntil = performance.now() + spinMicroseconds / 1000;
      while (Atomics.load(words, base + WORD.sequence) === seen && performance.now() < spinUntil);
      // Sleep in slices, looking at the word after each: a wake-up that is lost
      // (we have seen a worker sleep through one) then costs one slice, not the run.
      while (Atomics.load(words, base + WORD.sequence) === seen) Atomics.wait(words, base + WORD.sequence, seen, WAIT_SLICE_MS);
      const sequence = Atomics.load(words, base + WORD.sequence);
      seen = sequence;
      const op = words[base + WORD.op];
      if (op === OP_EXIT) {
        Atomics.store(words, base + WORD.status, STATUS_EXITED);
        return;
      }
      try {
        const layout = readLayout(words);
        const b0 = words[base + WORD.b0], b1 = words[base + WORD.b1], activation = words[base + WORD.activation];
        const fromPixels = (words[base + WORD.flags] & FROM_PIXELS) !== 0;
        if (op === OP_FORWARD) forwardRange(kernels, layout, activation, thread, b0, b1, fromPixels);
        else if (op === OP_BACKWARD) backwardShards(kernels, layout, activation, thread, b0, b1, Atomics.load(words, BATCH_SIZE_WORD));
        else if (op === OP_UPDATE) applyUpdate(kernels, layout, readUpdate(head), b0, b1);
        else throw new Error(`unknown op ${op}`);
      } catch (error) {
        report(error);
        words[base + WORD.status] = STATUS_FAILED;
      }
      Atomics.store(words, base + WORD.done, sequence);
      Atomics.notify(words, base + WORD.done);
    }
  } catch (error) {
    report(error);
    throw error;
  } finally {
    // Anything but EXIT that ends the loop (an error outside a command) must not
    // leave the main thread asleep on this worker: mark it dead and wake it.
    if (Atomics.load(words, base + WORD.status) !== STATUS_EXITED) {
      Atomics.store(words, base + WORD.status, STATUS_DEAD);
      Atomics.store(words, base + WORD.done, Atomics.load(words, base + WORD.sequence));
      Atomics.notify(words, base + WORD.done);
    }
  }
}

// A worker thread of the thread pool (thread-pool.ts): instantiates the
// kernels on the shared memory, says it is ready, then sleeps on its control
// words and runs each LeNet pass it is given on its range of images, until
// told to exit. It never allocates per command and never touches the event
// loop again after starting.

import { MessagePort, parentPort, workerData } from "node:worker_threads";
import { instantiateKernels } from "../wasm/kernels.js";
import { backwardRange, forwardRange } from "../wasm/lenet-passes.js";
import { readLayout } from "../wasm/memory-layout.js";
import { FROM_PIXELS, OP_BACKWARD, OP_EXIT, OP_FORWARD, WORD, controlBase } from "./thread-pool.js";

const { memory, module, thread, errorPort, spinMicroseconds } = workerData as {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  thread: number;
  errorPort: MessagePort;
  spinMicroseconds: number;
};

const kernels = instantiateKernels(memory, module);
const words = new Int32Array(memory.buffer, 0, 1024);
const base = controlBase(thread);
parentPort?.postMessage("ready");

let seen = Atomics.load(words, base + WORD.sequence);
for (;;) {
  // The next command usually comes within microseconds (backward right after
  // forward): look for it briefly before sleeping, since waking a sleeping
  // thread can take a hundred microseconds or more on a virtual machine.
  const spinUntil = performance.now() + spinMicroseconds / 1000;
  while (Atomics.load(words, base + WORD.sequence) === seen && performance.now() < spinUntil);
  Atomics.wait(words, base + WORD.sequence, seen);
  const sequence = Atomics.load(words, base + WORD.sequence);
  if (sequence === seen) continue;
  seen = sequence;
  const op = words[base + WORD.op];
  if (op === OP_EXIT) break;
  try {
    const layout = readLayout(words);
    const b0 = words[base + WORD.b0], b1 = words[base + WORD.b1], activation = words[base + WORD.activation];
    const fromPixels = (words[base + WORD.flags] & FROM_PIXELS) !== 0;
    if (op === OP_FORWARD) forwardRange(kernels, layout, activation, thread, b0, b1, fromPixels);
    else if (op === OP_BACKWARD) backwardRange(kernels, layout, activation, thread, b0, b1);
    else throw new Error(`unknown op ${op}`);
  } catch (error) {
    errorPort.postMessage(error instanceof Error ? error.stack ?? error.message : String(error));
    words[base + WORD.status] = 1;
  }
  Atomics.store(words, base + WORD.done, sequence);
  Atomics.notify(words, base + WORD.done);
}

// The kernels in a page: the two builds of lenet-kernels.wasm, copied beside
// the built page, the relaxed one where the browser validates it (the same
// choice Node makes), and the thread pool's workers as Web Workers. A shared
// memory can only be handed to another worker where the page is cross-origin
// isolated; elsewhere the network runs on the training worker alone.

import relaxedUrl from "../../../../../dist/wasm/lenet-kernels-relaxed.wasm?url";
import plainUrl from "../../../../../dist/wasm/lenet-kernels.wasm?url";
import type { KernelBuild } from "../../../../engine/wasm/kernels.js";
import type { KernelHost } from "../../../../engine/wasm/wasm-lenet.js";
import { DEFAULT_WORKER_SPIN_MICROSECONDS, PoolThread, ThreadInit, ThreadPool } from "../../../../engine/parallel/thread-pool.js";

/** Where each build is, as URLs the page can fetch (absolute, so a worker can fetch them too). */
export function kernelUrls(): Record<KernelBuild, string> {
  return { "relaxed-simd": new URL(relaxedUrl, import.meta.url).href, "simd": new URL(plainUrl, import.meta.url).href };
}

/** The compiled kernels of the build this browser runs best: relaxed SIMD where it validates, else plain SIMD. */
export async function loadKernels(urls: Record<KernelBuild, string>, wanted?: KernelBuild): Promise<{ module: WebAssembly.Module; build: KernelBuild }> {
  const fetchBytes = async (url: string) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`cannot load the kernels (${url}): HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  if (wanted !== "simd") {
    const relaxed = await fetchBytes(urls["relaxed-simd"]);
    if (WebAssembly.validate(relaxed)) return { module: await WebAssembly.compile(relaxed), build: "relaxed-simd" };
    if (wanted === "relaxed-simd") throw new Error("this browser cannot run relaxed SIMD; use the plain build");
  }
  return { module: await WebAssembly.compile(await fetchBytes(urls.simd)), build: "simd" };
}

/** Starts one pool thread as a Web Worker running kernel-thread.ts. */
function startWebWorkerThread(init: ThreadInit): PoolThread {
  const worker = new Worker(new URL("./kernel-thread.ts", import.meta.url), { type: "module", name: `kernel thread ${init.thread}` });
  let lastError: string | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ ready?: true; error?: string }>) => {
      if (event.data.ready) resolve();
      if (event.data.error) lastError = event.data.error;
    };
    worker.onerror = (event) => reject(new Error(`kernel thread ${init.thread} could not start: ${event.message}`));
  });
  worker.postMessage(init);
  return {
    ready,
    detach() {},
    async terminate() {
      worker.terminate();
    },
    takeError: () => lastError,
  };
}

/**
 * The kernels and, with `threads` > 1, Web Workers sharing the network's
 * memory. Only where the page is cross-origin isolated can a shared memory go
 * to another worker.
 */
export function browserKernelHost(module: WebAssembly.Module): KernelHost {
  return {
    module,
    startThreads: (threads, memory, kernels) => ThreadPool.start(threads, memory, kernels, startWebWorkerThread, DEFAULT_WORKER_SPIN_MICROSECONDS),
  };
}

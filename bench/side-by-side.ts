// How much a second core gives on this machine, whatever the threads of one
// process do: `count` separate processes, each training relu + Adam on one
// thread, measured over the same span (each warms up, says so, and starts
// timing when all have; the same steps each). The sum of their images per
// second ÷ one process's alone is the ceiling for "2 threads ÷ 1 thread":
// on a VM whose two vCPUs share one physical core, or whose second vCPU comes
// and goes, two processes that never talk get less than 2× too.
// Run as a script, it is one of those processes (it reads "go" on stdin).

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { loadDataset } from "../src/data/datasets.js";
import { measureTraining } from "./throughput.js";

const SCRIPT = fileURLToPath(import.meta.url);

export interface SideBySide {
  processes: number;
  /** Images per second of each process over the shared span. */
  imagesPerSecond: number[];
  /** Their sum. */
  total: number;
}

/** Starts `count` one-thread training processes, lets them measure at the same time, and sums their rates. */
export async function measureSideBySide(count: number, steps: number): Promise<SideBySide> {
  const children = Array.from({ length: count }, () => spawn(process.execPath, [SCRIPT, String(steps)], { stdio: ["pipe", "pipe", "inherit"] }));
  try {
    const lines = children.map((child) => createInterface({ input: child.stdout })[Symbol.asyncIterator]());
    const next = async (i: number) => {
      const line = await lines[i].next();
      if (line.done) throw new Error(`side-by-side process ${i + 1} ended early`);
      return String(line.value);
    };
    await Promise.all(children.map((_, i) => next(i))); // each says "ready" after its warm-up
    for (const child of children) child.stdin.write("go\n");
    const rates = (await Promise.all(children.map((_, i) => next(i)))).map((line) => Number(JSON.parse(line).imagesPerSecond));
    return { processes: count, imagesPerSecond: rates, total: rates.reduce((a, b) => a + b, 0) };
  } finally {
    for (const child of children) child.kill();
  }
}

if (process.argv[1] === SCRIPT) {
  const steps = Number(process.argv[2]);
  const mnist = loadDataset();
  await measureTraining(mnist, { backend: "wasm", threads: 1 }, "relu", "adam", 64, 100); // warm-up
  console.log("ready");
  for await (const line of createInterface({ input: process.stdin })) if (line === "go") break;
  const measured = await measureTraining(mnist, { backend: "wasm", threads: 1 }, "relu", "adam", 64, steps);
  console.log(JSON.stringify({ imagesPerSecond: measured.imagesPerSecond }));
  process.exit(0);
}

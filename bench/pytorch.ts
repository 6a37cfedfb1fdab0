// The same LeNet-5 workload in PyTorch (bench/pytorch_lenet.py), run in a
// child process when /usr/bin/python3 has torch: the yardstick the bench
// reports its ratios against.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { embeddedMnistDirectory } from "../src/data/datasets.js";
import { runChild } from "./child-process.js";
import { Measurement } from "./throughput.js";

export const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("../../bench/pytorch_lenet.py", import.meta.url));

/** torch's version, or null when /usr/bin/python3 or its torch is missing. */
export function pytorchVersion(): string | null {
  const probe = spawnSync(PYTHON, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

export interface PytorchOutput {
  torch: string;
  threads: number;
  measurements: Measurement[];
  classic: { seconds: number; runs: { activation: string; seconds: number; testAccuracy: number }[] } | null;
  peakRssMB: number;
}

interface RawOutput {
  torch: string;
  threads: number;
  results: Record<string, { name: string; imagesPerSecond: number; seconds: number; images: number; cpuSeconds: number }[]>;
  classic: PytorchOutput["classic"];
  peakRssMB: number;
}

/** Runs the PyTorch bench: throughput at 1 and `threads` threads unless skipped, and the classic experiment if asked. */
export function runPytorch(options: { threads: number; quick: boolean; throughput: boolean; classic: boolean }): Promise<PytorchOutput> {
  const args = [SCRIPT, embeddedMnistDirectory(), "--threads", String(options.threads)];
  if (options.quick) args.push("--quick");
  if (!options.throughput) args.push("--no-throughput");
  if (options.classic) args.push("--classic");
  return runChild(PYTHON, args, `${PYTHON} ${args.join(" ")}`).then(({ stdout }) => {
    const raw = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as RawOutput;
    const measurements = Object.entries(raw.results).flatMap(([threads, list]) =>
      list.map((m) => ({ ...m, backend: "pytorch" as const, threads: Number(threads) })));
    return { torch: raw.torch, threads: raw.threads, measurements, classic: raw.classic, peakRssMB: raw.peakRssMB };
  });
}

// Logdirs for the dashboard's tests: runs written by the real `lenet-lab
// train` (a child process on the real MNIST), runs written directly with our
// SummaryWriter using the same tags, runs of a seed group (a full config in a
// run.json written by training's own writeRunSummary), runs in the shapes
// TensorFlow 2 and PyTorch write (tensors with plugin metadata, classic
// summaries), stand-in fc2 maps, and damaged event files. Nothing here is
// under test itself.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodePng } from "../../src/io/png.js";
import { EventFileWriter } from "../../src/tensorboard/event-file-writer.js";
import { DataClass, DataType, type SummaryValue } from "../../src/tensorboard/messages.js";
import { SummaryWriter } from "../../src/tensorboard/summary-writer.js";
import { RunConfig, resolveRunConfig } from "../../src/train/config.js";
import { writeRunSummary } from "../../src/train/run-directory.js";
import type { PageRun, PageRunChoices } from "../../src/train/page-run.js";
import { TrainOptions, TrainingResult, trainNetwork } from "../../src/train/trainer.js";
import { KERNEL_BUILD_ENV, compileKernelBuild, wasmKernelBuild } from "../../src/engine/wasm/kernel-files.js";
import { WasmLeNet5 } from "../../src/engine/wasm/wasm-lenet.js";
import { Dataset, loadDataset } from "../../src/data/datasets.js";

const CLI = fileURLToPath(new URL("../../dist/src/cli/main.js", import.meta.url));

const made: string[] = [];

/** A fresh temporary directory; `removeTempDirs` deletes them all. */
export function tempDir(prefix = "lenet-lab-board-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runs the built CLI with `args` (in `env`); its exit status and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Trains for real with the built CLI (`lenet-lab train --iterations 20 --eval-every 10`). */
export function trainRealRun(logdir: string, runName: string, ...extra: string[]): string {
  const result = spawnSync(process.execPath, [CLI, "train", "--iterations", "20", "--eval-every", "10", "--logdir", logdir, "--run-name", runName, ...extra], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`lenet-lab train failed (${result.status}): ${result.stderr}`);
  return join(logdir, runName);
}

/** A gray test pattern of width × height whose pixels depend on `seed`. */
export function pattern(width: number, height: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: width * height }, (_, i) => ((i * 37 + seed * 101) ^ (i >> 3)) & 255);
}

/** Stand-ins for the fc2 maps of issue 5: fc2/digit-<d>.png (84 wide, 100 high) for every digit. */
export function writeFc2Maps(runDir: string, seed = 0): void {
  mkdirSync(join(runDir, "fc2"), { recursive: true });
  for (let digit = 0; digit < 10; digit++) {
    writeFileSync(join(runDir, "fc2", `digit-${digit}.png`), encodePng({ width: 84, height: 100, channels: 1, data: pattern(84, 100, seed * 10 + digit) }));
  }
}

export interface SyntheticRunOptions {
  steps?: number;
  /** Training iterations between scalar points. */
  every?: number;
  seed?: number;
  activation?: "relu" | "sigmoid";
  /** Also write a projector embedding: 20 points per digit, 84 values each, with labels and a sprite. */
  embedding?: boolean;
}

/**
 * A run written with our SummaryWriter using the tags `lenet-lab train` logs
 * (a subset: losses, accuracies, one gradient norm, two histograms, the conv1
 * kernels, text, hparams), plus a run.json.
 */
export function writeSyntheticRun(logdir: string, name: string, options: SyntheticRunOptions = {}): string {
  const { steps = 100, every = 10, seed = 1, activation = "relu" } = options;
  const runDir = join(logdir, name);
  const writer = new SummaryWriter(runDir, { flushIntervalMs: 0 });
  writer.addText("config", ["| setting | value |", "|---|---|", `| activation | ${activation} |`].join("\n"), 0);
  for (let step = every; step <= steps; step += every) {
    const t = step / steps;
    writer.addScalar("loss/train", 2.3 * Math.exp(-3 * t * seed) + 0.05 * Math.sin(step * seed), step, 1_700_000_000 + step);
    writer.addScalar("accuracy/train", 1 - Math.exp(-3 * t * seed), step, 1_700_000_000 + step);
    writer.addScalar("gradient_norm/conv1", 0.5 + 0.1 * Math.cos(step), step, 1_700_000_000 + step);
    if (step % (every * 5) === 0) {
      writer.addScalar("loss/test", 2.2 * Math.exp(-3 * t * seed), step, 1_700_000_000 + step);
      const values = Float32Array.from({ length: 150 }, (_, i) => Math.sin(i * 1.3 + seed) * (1 + t));
      writer.addHistogram("conv1/weight", values, step);
      writer.addHistogram("logits", values.map((v) => v * 3), step);
      writer.addImage("kernels/conv1", pattern(5, 5, step + seed), { width: 5, height: 5, channels: 1 }, step);
    }
  }
  writer.addHparams({ activation, optimizer: "adam", lr: 0.01 }, { "loss/test": null });
  if (options.embedding) {
    const labels = Array.from({ length: 200 }, (_, i) => i % 10);
    const data = Float32Array.from({ length: 200 * 84 }, (_, k) => {
      const [i, j] = [Math.floor(k / 84), k % 84];
      return Math.max(0, Math.sin(labels[i]! * 0.7 + j * 0.3) * 2 + Math.cos(i * 13.1 + j) * 0.3);
    });
    writer.addEmbedding("fc2", { data, rows: 200, cols: 84 }, {
      metadata: { header: ["label", "name"], rows: labels.map((l) => [l, `digit ${l}`]) },
      labelImages: { pixels: Uint8Array.from({ length: 200 * 28 * 28 }, (_, k) => ((k % 784) * (1 + labels[Math.floor(k / 784)]!)) & 255), width: 28, height: 28, channels: 1 },
      step: steps,
    });
  }
  writer.close();
  writeFileSync(join(runDir, "run.json"), JSON.stringify({ run: name, config: { activation, optimizer: "adam", lr: 0.01, seed }, final: { testAccuracy: 0.9 }, history: [] }));
  return runDir;
}

export interface SeedRunOptions {
  activation: "relu" | "sigmoid";
  seed: number;
  lr?: string;
  /** Last step with a scalar (every 10 steps from 10); default 200. */
  lastStep?: number;
  /** run.json's final test accuracy (of the last evaluation, while running). */
  testAccuracy: number;
  /** Default "finished". */
  status?: "finished" | "running";
}

/** The loss/train curve of a seed run: relu falls fast, sigmoid slowly; each seed sits apart from the others. */
export function seedRunLoss(activation: "relu" | "sigmoid", seed: number, step: number): number {
  return activation === "relu"
    ? 0.3 + 1.8 * Math.exp(-step / 40) + 0.25 * seed + 0.03 * Math.sin(step / 7 + seed)
    : 2.3 - 0.004 * step + 0.35 * seed + 0.03 * Math.cos(step / 9 + seed);
}

/**
 * A run of a seed group as `lenet-lab train` leaves it: loss/train every 10
 * steps (seedRunLoss) with our SummaryWriter, and a run.json with the full
 * config of those settings and seed, written by training's writeRunSummary.
 */
export function writeSeedRun(logdir: string, name: string, options: SeedRunOptions): string {
  const { activation, seed, lastStep = 200, testAccuracy } = options;
  const runDir = join(logdir, name);
  const writer = new SummaryWriter(runDir, { flushIntervalMs: 0 });
  for (let step = 10; step <= lastStep; step += 10) writer.addScalar("loss/train", seedRunLoss(activation, seed, step), step, 1_700_000_000 + seed * 1000 + step);
  writer.close();
  // The classic config (2000 iterations), so the group is named as the tests name it (relu-adam-lr0.01); only its first steps are logged.
  const config = resolveRunConfig({ activation, seed: String(seed), lr: options.lr ?? "0.01", logdir, runName: name, threads: "1" });
  const final = { trainLoss: 0.1, trainAccuracy: testAccuracy + 0.01, testLoss: 0.12, testAccuracy };
  writeRunSummary(runDir, {
    run: name, runDir, config, status: options.status ?? "finished", final, iterations: lastStep, epochs: 0.2, seconds: 1, trainSeconds: 1,
    trainImagesPerSecond: 12800, parameterCount: 61706, history: [{ iteration: lastStep, images: lastStep * 64, epoch: 0.2, ...final, seconds: 1 }],
    updatedAt: new Date(0).toISOString(),
  });
  return runDir;
}

/** The two seed groups the group tests share: relu-adam-lr0.01 and sigmoid-adam-lr0.01, seeds 0 and 1. */
export const TWO_SEED_GROUPS: readonly { name: string; options: SeedRunOptions }[] = [
  { name: "relu-adam-lr0.01-seed0", options: { activation: "relu", seed: 0, testAccuracy: 0.97 } },
  { name: "relu-adam-lr0.01-seed1", options: { activation: "relu", seed: 1, testAccuracy: 0.99 } },
  { name: "sigmoid-adam-lr0.01-seed0", options: { activation: "sigmoid", seed: 0, testAccuracy: 0.8 } },
  { name: "sigmoid-adam-lr0.01-seed1", options: { activation: "sigmoid", seed: 1, testAccuracy: 0.7 } },
];

/** Writes TWO_SEED_GROUPS' runs (writeSeedRun); `lastRun` changes the options of the last (sigmoid, seed 1). */
export function writeTwoSeedGroups(logdir: string, lastRun: Partial<SeedRunOptions> = {}): void {
  TWO_SEED_GROUPS.forEach(({ name, options }, i) =>
    writeSeedRun(logdir, name, i === TWO_SEED_GROUPS.length - 1 ? { ...options, ...lastRun } : options));
}

/**
 * A run as TensorFlow 2 writes it: scalars, histograms and images as tensors
 * whose kind is declared by plugin metadata on the first value of each tag
 * only, text as a string tensor; plus PyTorch-style classic values.
 */
export function writeForeignRun(runDir: string): void {
  const file = new EventFileWriter(runDir, { flushIntervalMs: 0 });
  const meta = (plugin: string, dataClass: number) => ({ pluginData: { pluginName: plugin, content: new Uint8Array(0) }, dataClass });
  for (let step = 0; step < 3; step++) {
    const first = step === 0;
    const triples = new Float64Array([-1, 0, 2 + step, 0, 1, 5, 1, 2, 1]);
    const png = encodePng({ width: 3, height: 2, channels: 1, data: pattern(3, 2, step) });
    const values: SummaryValue[] = [
      { tag: "tf2/loss", ...(first ? { metadata: meta("scalars", DataClass.SCALAR) } : {}), tensor: { dtype: DataType.DT_FLOAT, tensorShape: {}, floatVal: [1 / (step + 1)] } },
      { tag: "tf2/weights", ...(first ? { metadata: meta("histograms", DataClass.TENSOR) } : {}),
        tensor: { dtype: DataType.DT_DOUBLE, tensorShape: { dim: [{ size: 3 }, { size: 3 }] }, tensorContent: new Uint8Array(triples.buffer) } },
      { tag: "tf2/images", ...(first ? { metadata: meta("images", DataClass.BLOB_SEQUENCE) } : {}),
        tensor: { dtype: DataType.DT_STRING, tensorShape: { dim: [{ size: 4 }] }, stringVal: [new TextEncoder().encode("3"), new TextEncoder().encode("2"), png, png] } },
      { tag: "tf2/notes", ...(first ? { metadata: meta("text", DataClass.TENSOR) } : {}), tensor: { dtype: DataType.DT_STRING, tensorShape: {}, stringVal: [new TextEncoder().encode(`note ${step}`)] } },
      { tag: "torch/value", simpleValue: 10 + step },
    ];
    file.write({ wallTime: 1_700_000_000 + step, step, summary: { value: values } });
  }
  file.close();
}

/** What a page would send for `choices`: built from Node's training of the same config (the numbers a page computes, bit for bit). */
/**
 * The environment in which a CLI process computes what a page computes: the
 * wasm build alone (a page has no native kernels), the one this process runs.
 */
export function pageKernelsEnv(): NodeJS.ProcessEnv {
  return { ...process.env, [KERNEL_BUILD_ENV]: wasmKernelBuild() };
}

/** Trains on one thread of the wasm build a page runs (not the native kernels), as `train` would otherwise. */
export async function trainOnPageKernels(config: RunConfig, dataset: Dataset, options: TrainOptions = {}): Promise<TrainingResult> {
  const { activation, initMean, initStd, seed } = config;
  const network = new WasmLeNet5({ activation, initMean, initStd, seed }, compileKernelBuild(wasmKernelBuild()));
  return trainNetwork(network, { ...config, threads: 1 }, dataset, options);
}

export async function pageRunFromNode(choices: PageRunChoices): Promise<PageRun> {
  const losses: number[] = [], accuracies: number[] = [];
  const evaluations: PageRun["evaluations"] = [];
  let surest: PageRun["surest"] = [];
  const options = Object.fromEntries(Object.entries(choices).map(([k, v]) => [k, String(v)]));
  const result = await trainOnPageKernels(resolveRunConfig({ ...options, threads: "1" }), loadDataset(), {
    callbacks: {
      onStep: (step) => void (losses.push(step.loss), accuracies.push(step.accuracy)),
      onEval: (record, _network, test) => void (evaluations.push({ record, confusion: Array.from(test.confusion) }), surest = test.surest),
    },
  });
  const values = result.model.params.values;
  return {
    format: "lenet-lab page run", version: 1, choices: { ...choices }, kernels: wasmKernelBuild(), browser: "test",
    losses, accuracies, evaluations, surest, parameters: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString("base64"),
    seconds: result.seconds, trainSeconds: result.trainSeconds,
  };
}

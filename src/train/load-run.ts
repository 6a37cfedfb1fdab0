// Loading a finished run back from its directory: run.json (config and
// results) and model.safetensors (the weights, PyTorch's state_dict names and
// layouts, as run-directory.ts `encodeModel` writes them) into a LeNet5 of the
// TypeScript engine. Every problem — a missing file, a truncated file, a
// model of another architecture — is an error naming the file and the way out.
// Not here: writing runs (run-directory.ts), using the network (figures, report).

import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { isActivationName } from "../engine/layers/activations.js";
import { LENET_PARAMETERS } from "../engine/architecture.js";
import { LeNet5 } from "../engine/lenet.js";
import { torchName } from "../engine/parameters.js";
import { decodeSafetensors } from "../io/safetensors.js";
import { oneThreadNetwork } from "../engine/backend.js";
import { WasmLeNet5 } from "../engine/wasm/wasm-lenet.js";
import { MODEL_FILE, RUN_FILE, RunSummary } from "./run-directory.js";

/** A run directory that cannot be loaded; the message names the file and what is wrong. */
export class RunLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunLoadError";
  }
}

export interface LoadedRun {
  /** Absolute path of the run directory. */
  runDir: string;
  summary: RunSummary;
  /** The trained network, weights as saved. */
  network: LeNet5;
}

/** True when `dir` holds a run.json (a finished run, or at least one that says so). */
export function isFinishedRunDirectory(dir: string): boolean {
  return existsSync(join(dir, RUN_FILE)) && existsSync(join(dir, MODEL_FILE));
}

/** Reads and checks run.json: a finished run with the config fields the network needs. */
export function readRunSummary(runDir: string): RunSummary {
  const path = join(resolve(runDir), RUN_FILE);
  if (!existsSync(resolve(runDir)) || !statSync(resolve(runDir)).isDirectory()) {
    throw new RunLoadError(`${resolve(runDir)} is not a directory; give the directory of a finished run (e.g. runs/relu-adam-lr0.01)`);
  }
  if (!existsSync(path)) {
    throw new RunLoadError(`${path} not found: ${runDir} is not a finished run directory ` +
      "(train one with `lenet-lab train`, or wait until its training has finished)");
  }
  let summary: RunSummary;
  try {
    summary = JSON.parse(readFileSync(path, "utf8")) as RunSummary;
  } catch (error) {
    throw new RunLoadError(`${path} is not valid JSON (${(error as Error).message}); the file is damaged, train the run again`);
  }
  const config = summary?.config;
  if (typeof config !== "object" || config === null || !isActivationName(String(config.activation))) {
    throw new RunLoadError(`${path} has no config with a known activation; it was not written by lenet-lab train`);
  }
  if (!Array.isArray(summary.history)) {
    throw new RunLoadError(`${path} has no evaluation history; it was not written by lenet-lab train`);
  }
  return summary;
}

/** A run.json whose run has finished: status "finished" (or, in files older than the status field, final results). */
export type FinishedRunSummary = RunSummary & { final: NonNullable<RunSummary["final"]> };

export function isFinished(summary: RunSummary): summary is FinishedRunSummary {
  return (summary.status === undefined || summary.status === "finished") && summary.final !== null && summary.final !== undefined;
}

/**
 * Copies the tensors of a safetensors file into the network's parameters,
 * checking that names and shapes are exactly LeNet-5's (conv1.weight [6,1,5,5] … fc3.bias [10]).
 */
export function loadModelWeights(network: LeNet5, bytes: Uint8Array, source: string): void {
  let decoded;
  try {
    decoded = decodeSafetensors(bytes, source);
  } catch (error) {
    throw new RunLoadError(`${(error as Error).message} (train the run again to rewrite it)`);
  }
  const byName = new Map(decoded.tensors.map((t) => [t.name, t]));
  const expected = LENET_PARAMETERS.map((spec) => torchName(spec.name));
  const unexpected = [...byName.keys()].filter((name) => !expected.includes(name));
  const missing = expected.filter((name) => !byName.has(name));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new RunLoadError(`${source} is not a LeNet-5 of lenet-lab: ` +
      [missing.length > 0 ? `missing ${missing.join(", ")}` : "", unexpected.length > 0 ? `unexpected ${unexpected.join(", ")}` : ""]
        .filter(Boolean).join("; ") + ` (expected exactly ${expected.join(", ")})`);
  }
  for (const spec of LENET_PARAMETERS) {
    const tensor = byName.get(torchName(spec.name))!;
    if (tensor.shape.length !== spec.shape.length || tensor.shape.some((d, i) => d !== spec.shape[i])) {
      throw new RunLoadError(`${source}: ${tensor.name} has shape [${tensor.shape}], LeNet-5 needs [${spec.shape}]; ` +
        "this model has another architecture");
    }
    network.params.get(spec.name).value.set(tensor.data);
  }
}

/** Loads run.json and model.safetensors of a finished run into a LeNet5. */
export function loadRun(runDir: string): LoadedRun {
  const dir = resolve(runDir);
  const summary = readRunSummary(dir);
  const modelPath = join(dir, MODEL_FILE);
  if (!existsSync(modelPath)) {
    throw new RunLoadError(`${modelPath} not found: the run has a run.json but no weights; train it again`);
  }
  const { activation, initMean, initStd, seed } = summary.config;
  const network = new LeNet5({ activation, initMean, initStd, seed, initialize: false }); // every parameter is loaded next
  loadModelWeights(network, readFileSync(modelPath), modelPath);
  return { runDir: dir, summary, network };
}

/**
 * The run's network on this process's kernels, one thread (the engine it was
 * trained on, and many times faster than the reference LeNet5 for the forward
 * passes of fc2 maps and test-set figures); its weights are the run's.
 */
export function wasmNetworkOf(run: LoadedRun): WasmLeNet5 {
  const { activation, initMean, initStd, seed } = run.summary.config;
  const network = oneThreadNetwork({ activation, initMean, initStd, seed, initialize: false });
  network.params.values.set(run.network.params.values);
  return network;
}

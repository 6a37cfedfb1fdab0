// Throughput measurements of one engine configuration (backend × threads):
// full training steps at a given batch size (batch from the uint8 images,
// forward, loss, backward, optimizer step; what the training loop does) and forward-only
// evaluation of the whole test set (evaluateImageSet), each after a warm-up.
// Wall-clock time, plus the process's CPU time over the same span, which
// shows how much of a core the measurement actually got on a busy machine.

import { BatchSampler } from "../src/data/batches.js";
import { Dataset } from "../src/data/datasets.js";
import { INPUT_VALUES_PER_IMAGE } from "../src/engine/architecture.js";
import { BackendName, createNetwork, disposeNetwork } from "../src/engine/backend.js";
import { createNetworkOptimizer } from "../src/optim/network-optimizer.js";
import { forwardImageSet } from "../src/train/image-staging.js";
import { ActivationName } from "../src/engine/layers/activations.js";
import { OptimizerName } from "../src/optim/optimizers.js";
import { EvalBuffers, evaluateImageSet } from "../src/train/evaluate.js";

export interface Measurement {
  /** e.g. "train relu+adam b64", "eval relu (test set)". */
  name: string;
  backend: BackendName | "pytorch";
  threads: number;
  imagesPerSecond: number;
  seconds: number;
  images: number;
  /** CPU seconds of the whole process (all its threads) over the measurement. */
  cpuSeconds?: number;
}

export interface Engine {
  backend: BackendName;
  threads: number;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

export async function measureTraining(
  mnist: Dataset, engine: Engine, activation: ActivationName, optimizer: OptimizerName, batchSize: number, steps: number,
): Promise<Measurement> {
  const model = await createNetwork({ ...engine, activation, seed: 1 });
  try {
    const opt = createNetworkOptimizer(optimizer, model);
    const sampler = new BatchSampler(mnist.train.count, 1, 2);
    const input = new Float32Array(batchSize * INPUT_VALUES_PER_IMAGE);
    const labels = new Int32Array(batchSize);
    const indices = new Int32Array(batchSize);
    const step = () => {
      sampler.next(indices);
      forwardImageSet(model, mnist.train, indices, batchSize, input, labels);
      model.loss(labels);
      model.backward(labels);
      opt.step(0.01);
    };
    for (let i = 0; i < Math.max(20, steps / 10); i++) step();
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < steps; i++) step();
    const seconds = (performance.now() - start) / 1000;
    return {
      name: `train ${activation}+${optimizer} b${batchSize}`, ...engine,
      imagesPerSecond: (steps * batchSize) / seconds, seconds, images: steps * batchSize, cpuSeconds: cpuSecondsSince(cpu),
    };
  } finally {
    await disposeNetwork(model);
  }
}

export async function measureEvaluation(mnist: Dataset, engine: Engine, activation: ActivationName, passes: number): Promise<Measurement> {
  const model = await createNetwork({ ...engine, activation, seed: 1 });
  try {
    const buffers = new EvalBuffers();
    evaluateImageSet(model, mnist.test, buffers);
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < passes; i++) evaluateImageSet(model, mnist.test, buffers);
    const seconds = (performance.now() - start) / 1000;
    const images = passes * mnist.test.count;
    return { name: `eval ${activation} (test set)`, ...engine, imagesPerSecond: images / seconds, seconds, images, cpuSeconds: cpuSecondsSince(cpu) };
  } finally {
    await disposeNetwork(model);
  }
}

/** The measurements of one round: every training and evaluation case on one engine. */
export async function measureEngine(mnist: Dataset, engine: Engine, quick: boolean): Promise<Measurement[]> {
  const slow = engine.backend === "js";
  const steps = quick ? (slow ? 30 : 100) : slow ? 150 : 600;
  const passes = quick ? 1 : slow ? 1 : 4;
  return [
    await measureTraining(mnist, engine, "relu", "adam", 64, steps),
    await measureTraining(mnist, engine, "sigmoid", "sgd", 64, steps),
    await measureEvaluation(mnist, engine, "relu", passes),
    await measureEvaluation(mnist, engine, "sigmoid", passes),
  ];
}

export interface MemorySoak {
  engine: Engine;
  iterations: number;
  /** Resident set size (MB) after each block of iterations, from the first block on. */
  rssMB: { iteration: number; rssMB: number }[];
  /** Growth from the end of the first block to the end (MB). */
  growthMB: number;
}

/**
 * Memory over a long training run: `iterations` steps at batch 64 with the
 * full test set evaluated every 1000, sampling the RSS after each block.
 */
export async function measureMemory(mnist: Dataset, engine: Engine, iterations: number): Promise<MemorySoak> {
  const model = await createNetwork({ ...engine, activation: "relu", seed: 1 });
  try {
    const opt = createNetworkOptimizer("adam", model);
    const sampler = new BatchSampler(mnist.train.count, 1, 2);
    const batchSize = 64;
    const input = new Float32Array(batchSize * INPUT_VALUES_PER_IMAGE);
    const labels = new Int32Array(batchSize);
    const indices = new Int32Array(batchSize);
    const buffers = new EvalBuffers();
    const block = Math.min(1000, iterations);
    const rssMB: MemorySoak["rssMB"] = [];
    for (let iteration = 1; iteration <= iterations; iteration++) {
      sampler.next(indices);
      forwardImageSet(model, mnist.train, indices, batchSize, input, labels);
      model.loss(labels);
      model.backward(labels);
      opt.step(0.001);
      if (iteration % block === 0) {
        evaluateImageSet(model, mnist.test, buffers);
        rssMB.push({ iteration, rssMB: Math.round(process.memoryUsage().rss / 2 ** 20) });
      }
    }
    return { engine, iterations, rssMB, growthMB: rssMB[rssMB.length - 1].rssMB - rssMB[0].rssMB };
  } finally {
    await disposeNetwork(model);
  }
}

// `npm run bench [-- --json] [-- --quick]`: throughput of the engine on this
// machine. Times full training steps (fill batch, forward, loss, backward,
// optimizer step) at batch 64 on real MNIST batches, and forward-only
// evaluation of the test set, after a warm-up. Results go to stdout as a table
// (or one JSON object with --json); record them in BENCHMARKS.md.

import { cpus, hostname } from "node:os";
import { BatchSampler, fillBatch } from "../src/data/batches.js";
import { loadDataset } from "../src/data/datasets.js";
import { ActivationName } from "../src/engine/layers/activations.js";
import { LeNet5 } from "../src/engine/lenet.js";
import { OptimizerName, createOptimizer } from "../src/optim/optimizers.js";
import { EvalBuffers, evaluateImageSet } from "../src/train/evaluate.js";

interface BenchResult {
  name: string;
  imagesPerSecond: number;
  seconds: number;
  images: number;
}

const args = new Set(process.argv.slice(2));
const quick = args.has("--quick");
const mnist = loadDataset();

function benchTraining(activation: ActivationName, optimizer: OptimizerName, batchSize: number): BenchResult {
  const model = new LeNet5({ activation, seed: 1 });
  const opt = createOptimizer(optimizer, model.params);
  const sampler = new BatchSampler(mnist.train.count, 1, 2);
  const input = new Float32Array(batchSize * 1024);
  const labels = new Int32Array(batchSize);
  const indices = new Int32Array(batchSize);
  const step = () => {
    sampler.next(indices);
    fillBatch(input, labels, mnist.train, indices);
    model.forward(input, batchSize);
    model.loss(labels);
    model.backward(labels);
    opt.step(0.01);
  };
  for (let i = 0; i < 30; i++) step();
  const steps = quick ? 60 : 300;
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - start) / 1000;
  return { name: `train ${activation}+${optimizer} b${batchSize}`, imagesPerSecond: (steps * batchSize) / seconds, seconds, images: steps * batchSize };
}

function benchEvaluation(activation: ActivationName): BenchResult {
  const model = new LeNet5({ activation, seed: 1 });
  const buffers = new EvalBuffers();
  evaluateImageSet(model, mnist.test, buffers);
  const passes = quick ? 1 : 3;
  const start = performance.now();
  for (let i = 0; i < passes; i++) evaluateImageSet(model, mnist.test, buffers);
  const seconds = (performance.now() - start) / 1000;
  const images = passes * mnist.test.count;
  return { name: `eval ${activation} (test set)`, imagesPerSecond: images / seconds, seconds, images };
}

const results = [
  benchTraining("relu", "adam", 64),
  benchTraining("sigmoid", "sgd", 64),
  benchEvaluation("relu"),
  benchEvaluation("sigmoid"),
];

const machine = {
  host: hostname(),
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  node: process.version,
  backend: "js",
  threads: 1,
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
};

if (args.has("--json")) {
  console.log(JSON.stringify({ machine, results }));
} else {
  console.log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, backend ${machine.backend}, 1 thread`);
  for (const r of results) {
    console.log(`${r.name.padEnd(32)} ${Math.round(r.imagesPerSecond).toString().padStart(7)} images/s  (${r.images} images in ${r.seconds.toFixed(2)} s)`);
  }
  console.log(`peak RSS ${machine.peakRssMB} MB`);
}

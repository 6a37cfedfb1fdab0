// A logdir as `lenet-lab compare` leaves it, made without training: two runs
// (relu and sigmoid, Adam, lr 0.01) with run.json, model.safetensors and
// event files written through the SummaryWriter with the tags that training
// logs, holding numbers chosen so that the findings are known:
//   relu reaches 90% test accuracy at iteration 20 and ends at 97%;
//   sigmoid never passes 60% and ends at 60%;
//   conv1's gradient norm is 0.5 with relu and 0.005 with sigmoid (100×);
//   relu has 25% dead fc1 units at the end, sigmoid 80% saturated conv2 units.
// `swap` exchanges the two runs' numbers (the findings must follow the data).

import { join } from "node:path";
import { SummaryWriter } from "../../src/tensorboard/summary-writer.js";
import { writeFakeRun } from "../figures/fake-run.js";

export const RELU = "relu-adam-lr0.01-it40-seed5";
export const SIGMOID = "sigmoid-adam-lr0.01-it40-seed5";

const LAYERS = ["conv1", "conv2", "fc1", "fc2", "fc3"];

export function writeFixtureLogdir(logdir: string, options: { swap?: boolean; withEvents?: boolean } = {}): string[] {
  const good = [0.5, 0.95, 0.96, 0.97];
  const poor = [0.1, 0.3, 0.5, 0.6];
  const runs = [
    { activation: "relu", accuracies: options.swap ? poor : good, conv1: options.swap ? 0.005 : 0.5, seconds: 30 },
    { activation: "sigmoid", accuracies: options.swap ? good : poor, conv1: options.swap ? 0.5 : 0.005, seconds: 60 },
  ];
  return runs.map((r) => {
    const { runDir } = writeFakeRun(logdir, { activation: r.activation, iterations: "40", testAccuracies: r.accuracies, seconds: r.seconds });
    if (options.withEvents === false) return runDir;
    const writer = new SummaryWriter(runDir);
    const gray = (seed: number, width: number, height: number) => Uint8Array.from({ length: width * height }, (_, i) => (i * 37 + seed * 11) % 256);
    for (let step = 10; step <= 40; step += 10) {
      const accuracy = r.accuracies[step / 10 - 1];
      writer.addScalar("loss/train", 1.1 - accuracy, step);
      writer.addScalar("accuracy/train", accuracy - 0.01, step);
      writer.addScalar("loss/test", 1 - accuracy, step);
      writer.addScalar("accuracy/test", accuracy, step);
      writer.addScalar("learning_rate", 0.01, step);
      for (const layer of LAYERS) writer.addScalar(`gradient_norm/${layer}`, layer === "conv1" ? r.conv1 : 0.4, step);
      for (const layer of ["conv1", "conv2", "fc1", "fc2"]) {
        if (r.activation === "relu") writer.addScalar(`dead_fraction/${layer}`, layer === "fc1" ? 0.25 : 0.05, step);
        else writer.addScalar(`saturated_fraction/${layer}`, layer === "conv2" ? 0.8 : 0.1, step);
      }
      writer.addImage("kernels/conv1", gray(step, 40, 5), { width: 40, height: 5, channels: 1 }, step);
      writer.addImage("kernels/conv2", gray(step, 30, 80), { width: 30, height: 80, channels: 1 }, step);
      for (const [tag, w, h] of [["weights/fc1", 120, 400], ["weights/fc2", 84, 120], ["weights/fc3", 10, 84]] as const) {
        writer.addImage(tag, gray(step, w, h), { width: w, height: h, channels: 1 }, step);
      }
      writer.addImage("feature_maps/conv1", gray(step, 84, 56), { width: 84, height: 56, channels: 1 }, step);
      writer.addImage("feature_maps/conv2", gray(step, 80, 20), { width: 80, height: 20, channels: 1 }, step);
      writer.addHistogram("conv1/weight", [0.1, -0.2, 0.3], step);
    }
    writer.addImage("inputs", gray(0, 84, 28), { width: 84, height: 28, channels: 1 }, 0);
    writer.addText("config", `activation ${r.activation}`, 0);
    writer.close();
    return runDir;
  });
}

export const fixtureRunDir = (logdir: string, name: string) => join(logdir, name);

/** One seed of a group: its test accuracy at each evaluation (every 10 iterations). */
export interface FixtureSeed {
  seed: number;
  accuracies: number[];
  seconds?: number;
  /** Test images of true class → predicted class at the end, e.g. { "4>9": 20 } (the rest on the diagonal, 1,000 per class). */
  mistakes?: Record<string, number>;
}

/** A 10 × 10 confusion matrix with 1,000 test images per class and the given mistakes. */
export function confusionWith(mistakes: Record<string, number>): number[][] {
  const matrix = Array.from({ length: 10 }, (_, r) => Array.from({ length: 10 }, (_, c) => (r === c ? 1000 : 0)));
  for (const [pair, count] of Object.entries(mistakes)) {
    const [actual, predicted] = pair.split(">").map(Number);
    matrix[actual!]![predicted!] += count;
    matrix[actual!]![actual!] -= count;
  }
  return matrix;
}

/**
 * A logdir of seed groups made without training: for each activation (Adam,
 * lr 0.01), one run per seed with run.json (the evaluation history given)
 * and model.safetensors. Without `withEvents` there are no event files, so
 * the curves come from run.json; with it, the test accuracy and loss are
 * also logged as TensorBoard scalars.
 */
export function writeGroupLogdir(logdir: string, groups: Record<string, FixtureSeed[]>, options: { withEvents?: boolean } = {}): void {
  for (const [activation, seeds] of Object.entries(groups)) {
    for (const { seed, accuracies, seconds, mistakes } of seeds) {
      const { runDir } = writeFakeRun(logdir, {
        activation, seed: String(seed), runName: `${activation}-adam-lr0.01-seed${seed}`, iterations: String(10 * accuracies.length),
        testAccuracies: accuracies, seconds: seconds ?? 30, ...(mistakes ? { classes: { confusion: confusionWith(mistakes) } } : {}),
      });
      if (!options.withEvents) continue;
      const writer = new SummaryWriter(runDir);
      accuracies.forEach((accuracy, i) => {
        writer.addScalar("accuracy/test", accuracy, 10 * (i + 1));
        writer.addScalar("loss/test", 1 - accuracy, 10 * (i + 1));
      });
      writer.close();
    }
  }
}

/**
 * Twenty evaluations (iterations 10 … 200) whose last five — the final
 * window, iterations 160 … 200 — average exactly `mean` (±0.2 pp around it);
 * the first fifteen are `before`, its last value repeated.
 */
export function endingAt(mean: number, before: number[] = [0.5, 0.92]): number[] {
  const climb = Array.from({ length: 15 }, (_, i) => before[Math.min(i, before.length - 1)]);
  return [...climb, mean - 0.002, mean + 0.002, mean - 0.001, mean + 0.001, mean];
}

// What a training run writes for TensorBoard, through the SummaryWriter of
// src/tensorboard. The trainer calls it through its callbacks; this file
// decides tags, intervals and content. Steps are training iterations.
//
//   scalars     loss/train, accuracy/train        mean over the last scalarEvery batches
//               learning_rate
//               gradient_norm/<layer>             L2 norm of the layer's weight and bias gradients
//               loss/test, accuracy/test          every evaluation
//               accuracy_per_class/<d>            every evaluation: each class's test accuracy (<d>-<name> for named classes)
//               dead_fraction/<layer>             relu-like: units ≤ 0 on every probe image
//               saturated_fraction/<layer>        sigmoid, tanh: activations in the flat tails
//   histograms  conv1/weight … fc3/bias           every summaryEvery iterations (standard and full)
//               logits                            on the probe batch
//               gradients/<param>, activations/<layer> (on a fifth of the probe batch)   (full)
//   images      kernels/conv1, kernels/conv2, weights/fc1…fc3,
//               feature_maps/conv1, feature_maps/conv2 (probe image 0), inputs (once)
//               confusion/test                    every evaluation (standard and full): the test set's
//                                                 confusion matrix, counts in row-normalised cells
//   graph       the network's GraphDef (once)
//   text        config
//   hparams     the config and the final test accuracy and loss
//   projector   fc2 features of 100 test images per class, with labels and a sprite
//
// The probe batch is a fixed set of test images (the first of each class,
// PROBE_PER_CLASS of them) run forward at every summary step; feature maps,
// activations, logits and the dead/saturated fractions come from it.
//
// The pictures take their sizes from the architecture (src/engine/
// architecture.ts): one kernels/ picture per conv layer and one weights/
// picture per dense layer, shaped as the layer's weight; feature maps shaped
// as the layer's output. Only how large they are drawn is chosen here.

import { fillBatch } from "../data/batches.js";
import { Dataset } from "../data/datasets.js";
import { indicesPerClass } from "../data/select.js";
import { INPUT_VALUES_PER_IMAGE, LENET, LENET_INPUT_PADDING, describeLayer, describeLayers } from "../engine/architecture.js";
import { ActivationName } from "../engine/layers/activations.js";
import { FeatureMaps, Network } from "../engine/network.js";
import { ParameterSet } from "../engine/parameters.js";
import { confusionImage } from "../figures/confusion-image.js";
import { TensorImage, digitStrip, featureMapGrid, kernelGrid, matrixImage } from "../figures/tensor-images.js";
import { buildModelGraph } from "../tensorboard/model-graph.js";
import { SummaryWriter } from "../tensorboard/summary-writer.js";
import { RunConfig } from "./config.js";
import { ConfusionMatrix, perClassAccuracy } from "./confusion.js";
import { EvalRecord, StepInfo } from "./trainer.js";

export const PROBE_PER_CLASS = 10;
export const PROJECTOR_PER_CLASS = 100;
const ACTIVATED_LAYERS = ["conv1", "conv2", "fc1", "fc2"] as const;

/** Pixels per weight in each layer's picture (kernels/<conv>, weights/<dense>): 5×5 kernels need enlarging, fc1's 400×120 does not. */
export const WEIGHT_PICTURE_SCALE: Readonly<Record<string, number>> = { conv1: 8, conv2: 6, fc1: 1, fc2: 3, fc3: 4 };
/** The feature maps of probe image 0 (feature_maps/<layer>): tiles per row and pixels per value. */
export const FEATURE_MAP_PICTURES: Readonly<Record<"conv1" | "conv2", { columns: number; scale: number }>> = {
  conv1: { columns: 6, scale: 3 },
  conv2: { columns: 8, scale: 6 },
};

/** Saturation thresholds: where the activation's slope is below ~8 % of its maximum. */
const SATURATION: Partial<Record<ActivationName, (y: number) => boolean>> = {
  sigmoid: (y) => y < 0.02 || y > 0.98,
  tanh: (y) => y < -0.96 || y > 0.96,
};

export class RunLogger {
  private readonly probe: { input: Float32Array; labels: Int32Array; indices: number[] };
  private window = { loss: 0, accuracy: 0, steps: 0 };
  private milliseconds = 0;

  constructor(
    readonly writer: SummaryWriter,
    private readonly config: RunConfig,
    private readonly dataset: Dataset,
  ) {
    const indices = indicesPerClass(dataset.test.labels, LENET.classes, PROBE_PER_CLASS).flat().sort((a, b) => a - b);
    const input = new Float32Array(indices.length * INPUT_VALUES_PER_IMAGE);
    const labels = new Int32Array(indices.length);
    fillBatch(input, labels, dataset.test, indices, LENET_INPUT_PADDING);
    this.probe = { input, labels, indices };
  }

  /** The running means a checkpoint must carry to continue the curves exactly. */
  getState(): { window: { loss: number; accuracy: number; steps: number } } {
    return { window: { ...this.window } };
  }

  /**
   * Continues a run resumed from a checkpoint taken after `iteration`: restores
   * the running means and writes TensorBoard's restart marker (a second
   * session start, after the one start() wrote), so that events
   * the interrupted run wrote after its checkpoint are superseded.
   */
  resume(iteration: number, state: unknown): void {
    const saved = state as { window?: { loss: number; accuracy: number; steps: number } } | undefined;
    if (saved?.window) this.window = { ...saved.window };
    this.writer.addSessionStart(iteration + 1);
  }

  /** Before training: the graph, the config as text and the first three probe digits. */
  start(): void {
    this.timed(() => this.startUntimed());
  }

  private startUntimed(): void {
    this.writer.addSessionStart(0);
    this.writer.addGraph(buildModelGraph(this.config.activation));
    this.writer.addText("config", configMarkdown(this.config), 0);
    if (this.config.summaries !== "minimal") {
      this.addImage("inputs", digitStrip(this.dataset.test.images, this.probe.indices.slice(0, 3), this.dataset.test.rows, 4), 0);
    }
  }

  /** After each optimizer step; the network's grads are that step's. */
  step(info: StepInfo, network: Network): void {
    this.timed(() => this.stepUntimed(info, network));
  }

  private stepUntimed(info: StepInfo, network: Network): void {
    this.window.loss += info.loss;
    this.window.accuracy += info.accuracy;
    this.window.steps++;
    const last = info.iteration === this.config.iterations;
    if (info.iteration % this.config.scalarEvery === 0 || last) {
      const w = this.writer;
      w.addScalar("loss/train", this.window.loss / this.window.steps, info.iteration);
      w.addScalar("accuracy/train", this.window.accuracy / this.window.steps, info.iteration);
      w.addScalar("learning_rate", info.lr, info.iteration);
      this.window = { loss: 0, accuracy: 0, steps: 0 };
      if (this.config.summaries !== "minimal") {
        for (const [layer, norm] of gradientNorms(network)) w.addScalar(`gradient_norm/${layer}`, norm, info.iteration);
      }
    }
    if (this.config.summaries !== "minimal" && (info.iteration % this.config.summaryEvery === 0 || last)) {
      this.summarise(info.iteration, network);
    }
  }

  /** After each evaluation; `confusion` is the test set's confusion matrix. */
  evaluated(record: EvalRecord, confusion?: ConfusionMatrix): void {
    this.timed(() => this.evaluatedUntimed(record, confusion));
  }

  private evaluatedUntimed(record: EvalRecord, confusion?: ConfusionMatrix): void {
    this.writer.addScalar("loss/test", record.testLoss, record.iteration);
    this.writer.addScalar("accuracy/test", record.testAccuracy, record.iteration);
    if (!confusion) return;
    const classes = LENET.classes;
    perClassAccuracy(confusion, classes).forEach((accuracy, c) => {
      if (Number.isFinite(accuracy)) this.writer.addScalar(perClassTag(c, this.dataset), accuracy, record.iteration);
    });
    if (this.config.summaries !== "minimal") this.addImage("confusion/test", confusionImage(confusion, classes), record.iteration);
  }

  /** Distributions, pictures and diagnostics of the network as it is now. */
  private summarise(step: number, network: Network): void {
    const w = this.writer;
    for (const p of network.params.list) w.addHistogram(p.name, p.value, step);
    if (this.config.summaries === "full") {
      for (const p of network.params.list) w.addHistogram(`gradients/${p.name}`, p.grad, step);
    }

    for (const [tag, image] of weightPictures(network.params)) this.addImage(tag, image, step);

    network.forward(this.probe.input, this.probe.labels.length);
    const maps = network.featureMaps();
    for (const [tag, image] of featureMapPictures(maps)) this.addImage(tag, image, step);
    w.addHistogram("logits", maps.logits, step);
    if (this.config.summaries === "full") {
      // A fifth of the probe batch shows the distribution as well and costs a fifth (conv1 alone is 4,704 values an image).
      const images = Math.ceil(this.probe.labels.length / 5);
      for (const layer of ACTIVATED_LAYERS) {
        const values = maps[layer];
        w.addHistogram(`activations/${layer}`, values.subarray(0, (values.length / this.probe.labels.length) * images), step);
      }
    }
    this.addUnitDiagnostics(step, maps);
  }

  private addUnitDiagnostics(step: number, maps: FeatureMaps): void {
    const B = this.probe.labels.length;
    const saturated = SATURATION[this.config.activation];
    for (const layer of ACTIVATED_LAYERS) {
      const values = maps[layer];
      if (saturated) {
        let count = 0;
        for (let i = 0; i < values.length; i++) if (saturated(values[i])) count++;
        this.writer.addScalar(`saturated_fraction/${layer}`, count / values.length, step);
      } else {
        this.writer.addScalar(`dead_fraction/${layer}`, deadFraction(values, B), step);
      }
    }
  }

  /** At the end: hparams with the final metrics, and the fc2 embedding. */
  finish(network: Network, final: EvalRecord): void {
    this.timed(() => this.finishUntimed(network, final));
  }

  private finishUntimed(network: Network, final: EvalRecord): void {
    const c = this.config;
    this.writer.addHparams(
      {
        activation: c.activation, optimizer: c.optimizer, lr: c.lr, batch_size: c.batchSize,
        iterations: c.iterations, init_mean: c.initMean, init_std: c.initStd, seed: c.seed, dataset: c.dataset,
      },
      { "accuracy/test": null, "loss/test": null },
      { step: final.iteration },
    );
    if (this.config.summaries !== "minimal") this.addFc2Embedding(network, final.iteration);
    this.writer.flush();
  }

  private addFc2Embedding(network: Network, step: number): void {
    const indices = indicesPerClass(this.dataset.test.labels, LENET.classes, PROJECTOR_PER_CLASS).flat();
    const { rows, cols } = this.dataset.test;
    const pixels = rows * cols;
    const features = new Float32Array(indices.length * LENET.fc2);
    const thumbnails = new Uint8Array(indices.length * pixels);
    const chunk = 250;
    const input = new Float32Array(chunk * INPUT_VALUES_PER_IMAGE);
    const labels = new Int32Array(chunk);
    for (let start = 0; start < indices.length; start += chunk) {
      const part = indices.slice(start, start + chunk);
      fillBatch(input, labels, this.dataset.test, part, LENET_INPUT_PADDING);
      network.forward(input, part.length);
      features.set(network.fc2Features().subarray(0, part.length * LENET.fc2), start * LENET.fc2);
    }
    indices.forEach((index, k) => thumbnails.set(this.dataset.test.images.subarray(index * pixels, (index + 1) * pixels), k * pixels));
    this.writer.addEmbedding("fc2", { data: features, rows: indices.length, cols: LENET.fc2 }, {
      metadata: { header: ["label", "name", "test_index"], rows: indices.map((index) => {
        const label = this.dataset.test.labels[index];
        return [label, this.dataset.classNames[label], index];
      }) },
      labelImages: { pixels: thumbnails, width: cols, height: rows, channels: 1 },
      step,
    });
  }

  /** Seconds spent writing summaries so far: the cost of logging. */
  get seconds(): number {
    return this.milliseconds / 1000;
  }

  private timed(work: () => void): void {
    const start = performance.now();
    try {
      work();
    } finally {
      this.milliseconds += performance.now() - start;
    }
  }

  private addImage(tag: string, image: TensorImage, step: number): void {
    this.writer.addImage(tag, image.pixels, { width: image.width, height: image.height, channels: 1, palette: image.palette }, step);
  }
}

/** The scalar tag of a class's test accuracy: accuracy_per_class/3, or accuracy_per_class/3-dress for a data set with class names. */
export function perClassTag(c: number, dataset: Pick<Dataset, "name" | "classNames">): string {
  if (dataset.name === "mnist") return `accuracy_per_class/${c}`;
  const name = (dataset.classNames[c] ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return name ? `accuracy_per_class/${c}-${name}` : `accuracy_per_class/${c}`;
}

/**
 * The weights as pictures, in the architecture's layer order: kernels/<layer>
 * for each conv layer (its [OC, C, K, K] weight as a grid of kernels) and
 * weights/<layer> for each dense layer (its [out, in] weight as a matrix).
 */
export function weightPictures(params: ParameterSet): [string, TensorImage][] {
  const pictures: [string, TensorImage][] = [];
  for (const { spec, parameters } of describeLayers()) {
    if (spec.kind !== "conv2d" && spec.kind !== "dense") continue;
    const weight = parameters.find((p) => p.kind === "weight")!;
    const values = params.get(weight.name).value;
    const scale = WEIGHT_PICTURE_SCALE[spec.name] ?? 1;
    if (spec.kind === "conv2d") {
      const [outChannels, inChannels, kernel] = weight.shape;
      pictures.push([`kernels/${spec.name}`, kernelGrid(values, outChannels, inChannels, kernel, scale)]);
    } else {
      const [outputs, inputs] = weight.shape;
      pictures.push([`weights/${spec.name}`, matrixImage(values, outputs, inputs, scale)]);
    }
  }
  return pictures;
}

/** The feature maps of the first image of the last forward, shaped as the architecture says each layer's output is. */
export function featureMapPictures(maps: FeatureMaps): [string, TensorImage][] {
  return Object.entries(FEATURE_MAP_PICTURES).map(([layer, { columns, scale }]) => {
    const [channels, height, width] = describeLayer(layer).outputShape;
    return [`feature_maps/${layer}`, featureMapGrid(maps[layer as keyof typeof FEATURE_MAP_PICTURES], channels, height, width, columns, scale)];
  });
}

/** L2 norm of each layer's gradients (weight and bias together), in parameter order. */
export function gradientNorms(network: Network): Map<string, number> {
  const norms = new Map<string, number>();
  for (const p of network.params.list) {
    const layer = p.name.split("/")[0];
    let sum = 0;
    for (let i = 0; i < p.grad.length; i++) sum += p.grad[i] * p.grad[i];
    norms.set(layer, (norms.get(layer) ?? 0) + sum);
  }
  for (const [layer, sum] of norms) norms.set(layer, Math.sqrt(sum));
  return norms;
}

/**
 * Fraction of units (per-image positions of a layer's output [B, n]) that are
 * ≤ 0 on every one of the B images: units that pass no signal and, for ReLU,
 * no gradient ("dead").
 */
export function deadFraction(values: Float32Array, B: number): number {
  const n = values.length / B;
  let dead = 0;
  for (let u = 0; u < n; u++) {
    let alive = false;
    for (let b = 0; b < B && !alive; b++) alive = values[b * n + u] > 0;
    if (!alive) dead++;
  }
  return dead / n;
}

/** The run's configuration as a Markdown table for the Text tab. */
export function configMarkdown(config: RunConfig): string {
  const rows = Object.entries(config).map(([key, value]) => `| ${key} | ${value ?? "—"} |`);
  return ["| setting | value |", "|---|---|", ...rows].join("\n");
}

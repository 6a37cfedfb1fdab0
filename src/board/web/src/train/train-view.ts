// The Train tab: LeNet-5 trained on the real MNIST in this page, by the same
// kernels and the same training loop as `lenet-lab train` (training-worker.ts),
// with the curves, the weights and one test digit's feature maps updating as
// it learns. Runs trained one after the other stay on the charts, so ReLU and
// sigmoid can be compared in one page.

import { LENET, LENET_IMAGE_SIDE, PIXELS_PER_IMAGE } from "../../../../engine/architecture.js";
import type { KernelBuild } from "../../../../engine/wasm/kernels.js";
import type { Mistake } from "../../../../train/confusion.js";
import type { EvalRecord } from "../../../../train/trainer.js";
import type { PlaygroundSettings } from "../../../playground-settings.js";
import { RUN_PALETTE } from "../../../../util/run-colors.js";
import { append, clear, formatNumber, h } from "../dom.js";
import type { View } from "../view.js";
import { kernelUrls } from "./browser-kernels.js";
import type { FromWorker, NetworkPictures, ToWorker } from "./messages.js";
import { createDrawPad } from "./draw-pad.js";
import { downloadRun, keepOnBoard, type FinishedRun } from "./keep-run.js";
import { paintMaps } from "./paint.js";
import { RunCharts, type ChartRun } from "./run-charts.js";

type RunState = "loading" | "running" | "paused" | "done" | "failed" | "stopped";

/** A run trained in this page: what the page shows of it, and what tests read (window.lenetPlayground). */
export interface PageRun extends ChartRun {
  config: PlaygroundSettings["config"];
  state: RunState;
  build?: string;
  threads?: number;
  isolated?: boolean;
  imagesPerSecond: number;
  accuracies: number[];
  evals: EvalRecord[];
  confusion?: Int32Array;
  confusions: Int32Array[];
  /** The mistakes the latest evaluation was surest of. */
  surest: Mistake[];
  error?: string;
  /** Once done: what keeping it needs. */
  finished?: FinishedRun;
  /** Once kept on the board: its name there. */
  kept?: string;
}

/** A digit's side in pixels, as the data sets hold it. */
const SIDE = LENET_IMAGE_SIDE;

const CHOICES = ["activation", "optimizer", "lr", "batchSize", "iterations", "seed", "evalEvery", "probe"] as const;

/** `?kernels=simd` (or relaxed-simd) in the page's address asks for one build, e.g. to compare with a Node run on it. */
function requestedBuild(): KernelBuild | undefined {
  const wanted = new URLSearchParams(location.search).get("kernels");
  return wanted === "simd" || wanted === "relaxed-simd" ? wanted : undefined;
}

/** `?threads=N` asks for N workers (where the page is cross-origin isolated), e.g. to measure one against all. */
function requestedThreads(): number | undefined {
  const wanted = Number(new URLSearchParams(location.search).get("threads"));
  return Number.isInteger(wanted) && wanted >= 1 && wanted <= 16 ? wanted : undefined;
}

/** Kernels [filters, channels, k×k] reordered [channels, filters, k×k], so that a grid row holds one channel of every filter. */
function channelsByRow(weights: Float32Array, filters: number, channels: number, size: number): Float32Array {
  const out = new Float32Array(weights.length);
  for (let f = 0; f < filters; f++) {
    for (let c = 0; c < channels; c++) out.set(weights.subarray((f * channels + c) * size, (f * channels + c + 1) * size), (c * filters + f) * size);
  }
  return out;
}

/** The ten class probabilities as bars, the most likely in bold. */
function probabilityBars(probabilities: Float32Array): { best: number; bars: HTMLElement } {
  const best = probabilities.indexOf(Math.max(...probabilities));
  const bars = h("ol", { class: "train-probabilities", start: 0 }, ...Array.from(probabilities, (q, digit) =>
    h("li", { class: digit === best ? "best" : "", "data-digit": digit },
      h("span", { class: "bar", style: `width:${(100 * q).toFixed(1)}%` }), `${digit}: ${(100 * q).toFixed(1)} %`)));
  return { best, bars };
}

export interface TrainViewOptions {
  /** The page is the board's: a finished run can be kept in its logdir (else only downloaded). */
  board: boolean;
}

export function createTrainView(options: TrainViewOptions): View {
  const element = h("section", { "data-view": "train", class: "train-view" });
  const runs: PageRun[] = [];
  (window as unknown as { lenetPlayground: { runs: PageRun[] } }).lenetPlayground = { runs };
  let settings: PlaygroundSettings | undefined;
  let worker: Worker | undefined;
  let current: PageRun | undefined;
  let redraw = 0;

  const inputs = {} as Record<(typeof CHOICES)[number], HTMLInputElement | HTMLSelectElement>;
  const form = h("form", { class: "toolbar train-form", onsubmit: (event: Event) => { event.preventDefault(); start(); } });
  const trainButton = h("button", { type: "submit", "data-action": "train" }, "Train");
  const pauseButton = h("button", { type: "button", "data-action": "pause", disabled: true, onclick: () => togglePause() }, "Pause");
  const resetButton = h("button", { type: "button", "data-action": "reset", disabled: true, onclick: () => stop("stopped") }, "Stop");
  const clearButton = h("button", { type: "button", "data-action": "clear", onclick: () => clearRuns() }, "Clear runs");
  const status = h("div", { class: "train-status", "data-train-state": "idle" }, "Choose a configuration and press Train.");
  const engineLine = h("div", { class: "hint", "data-engine": "" });
  const charts = new RunCharts();
  const pictures = h("div", { class: "train-pictures" });
  const runList = h("ul", { class: "train-runs" });
  const endPictures = h("div", { class: "train-pictures train-end" });
  const pad = createDrawPad(() => classifyDrawing());
  const drawingResult = h("div", { class: "draw-result", "data-prediction": "" }, "Train a network (or pause one), then draw a digit.");
  const drawCard = h("div", { class: "card draw-card" },
    h("div", { class: "card-title" }, "draw a digit (mouse or finger)",
      h("button", { type: "button", "data-action": "clear-drawing", onclick: () => { pad.clear(); drawingResult.replaceChildren("Draw a digit."); } }, "Clear")),
    h("div", { class: "draw-row" }, pad.element, drawingResult));

  const field = (name: (typeof CHOICES)[number], label: string, control: HTMLInputElement | HTMLSelectElement) => {
    inputs[name] = control;
    control.setAttribute("name", name);
    return h("label", {}, label, control);
  };
  const select = (options: readonly string[], value: string) => h("select", {}, ...options.map((o) => h("option", { value: o, selected: o === value }, o)));
  const number = (value: number, attributes: Record<string, string | number>) => h("input", { type: "number", value: String(value), required: true, ...attributes });

  async function loadSettings(): Promise<void> {
    const response = await fetch("playground/settings.json");
    if (!response.ok) throw new Error(`playground/settings.json: HTTP ${response.status}`);
    settings = await response.json() as PlaygroundSettings;
    const c = settings.config;
    clear(form);
    form.append(
      field("activation", "activation", select(settings.activations, c.activation)),
      field("optimizer", "optimizer", select(settings.optimizers, c.optimizer)),
      field("lr", "learning rate", number(c.lr, { min: 1e-6, max: 10, step: "any", style: "width:6em" })),
      field("batchSize", "batch", number(c.batchSize, { min: 1, max: 1024, step: 1, style: "width:5em" })),
      field("iterations", "iterations", number(c.iterations, { min: 1, max: 100000, step: 1, style: "width:6em" })),
      field("seed", "seed", number(c.seed, { min: 0, max: 4294967295, step: 1, style: "width:5em" })),
      field("evalEvery", "evaluate every", number(c.evalEvery, { min: 1, max: 100000, step: 1, style: "width:5em" })),
      field("probe", "test digit #", number(0, { min: 0, max: 9999, step: 1, style: "width:5em" })),
      trainButton, pauseButton, resetButton, clearButton);
  }

  function setState(state: RunState | "idle", text: string): void {
    status.dataset.trainState = state;
    status.textContent = text;
    const active = state === "loading" || state === "running" || state === "paused";
    trainButton.disabled = active;
    pauseButton.disabled = !(state === "running" || state === "paused");
    pauseButton.textContent = state === "paused" ? "Resume" : "Pause";
    resetButton.disabled = !active;
  }

  function start(): void {
    if (!settings || (current && ["loading", "running", "paused"].includes(current.state))) return;
    finish();
    const value = (name: (typeof CHOICES)[number]) => inputs[name].value;
    const config = {
      ...settings.config,
      activation: value("activation") as PageRun["config"]["activation"],
      optimizer: value("optimizer") as PageRun["config"]["optimizer"],
      lr: Number(value("lr")), batchSize: Number(value("batchSize")), iterations: Number(value("iterations")),
      seed: Number(value("seed")), evalEvery: Number(value("evalEvery")),
    };
    const label = `${config.activation} · ${config.optimizer} · lr ${config.lr} · seed ${config.seed}`;
    current = {
      label, color: RUN_PALETTE[runs.length % RUN_PALETTE.length], config, state: "loading", imagesPerSecond: 0,
      iterations: [], losses: [], accuracies: [], evalIterations: [], testAccuracies: [], evals: [], confusions: [], surest: [],
    };
    runs.push(current);
    worker = new Worker(new URL("./training-worker.ts", import.meta.url), { type: "module", name: "training" });
    const run = current;
    worker.onmessage = (event: MessageEvent<FromWorker>) => receive(run, event.data);
    worker.onerror = (event) => fail(run, event.message || "the training worker stopped");
    const threads = requestedThreads() ?? Math.min(navigator.hardwareConcurrency || 1, 16);
    const message: ToWorker = {
      type: "start", config: { ...config, threads }, threads, dataUrl: new URL("playground/", location.href).href, mnist: settings.mnist,
      kernelUrls: kernelUrls(), build: requestedBuild(), probeIndex: Number(value("probe")),
    };
    worker.postMessage(message);
    setState("loading", "Loading MNIST (60,000 + 10,000 images) and the kernels…");
    renderRuns();
    schedule();
  }

  function classifyDrawing(): void {
    const image = pad.image();
    if (!image) return;
    if (!worker || !current || !(current.state === "done" || current.state === "paused")) {
      drawingResult.replaceChildren("Train a network (or pause one) to classify your drawing.");
      return;
    }
    lastDrawing = image;
    worker.postMessage({ type: "classify", pixels: image } satisfies ToWorker);
  }
  let lastDrawing: Uint8Array | undefined;

  function showClassified(probabilities: Float32Array, fc2: Float32Array): void {
    const { best, bars } = probabilityBars(probabilities);
    drawingResult.dataset.prediction = String(best);
    drawingResult.dataset.classified = String(Number(drawingResult.dataset.classified ?? 0) + 1);
    drawingResult.replaceChildren(
      h("div", { class: "draw-prediction" }, `it is a ${best} (${(100 * probabilities[best]!).toFixed(1)} %)`),
      h("div", { class: "draw-columns" },
        h("div", {}, h("div", { class: "hint" }, `what the network sees (${SIDE}×${SIDE})`),
          paintMaps({ values: lastDrawing ?? new Uint8Array(PIXELS_PER_IMAGE), count: 1, rows: SIDE, cols: SIDE, perRow: 1, scale: 3, palette: "gray", range: "each" }, "the drawing as the network sees it")),
        bars),
      h("div", { class: "hint" }, `its fc2 vector (${LENET.fc2} values, black 0 … white its largest)`),
      paintMaps({ values: fc2, count: 1, rows: 1, cols: LENET.fc2, perRow: 1, scale: 4, palette: "gray", range: "each" }, "fc2 vector"));
  }

  function receive(run: PageRun, message: FromWorker): void {
    if (run !== current) return;
    switch (message.type) {
      case "classified":
        showClassified(message.probabilities, message.fc2);
        return;
      case "fc2":
        drawEndPictures(run, message.byDigit, message.similarity);
        return;
      case "ready":
        Object.assign(run, { build: message.build, threads: message.threads, isolated: message.isolated, state: "running" });
        engineLine.textContent = `${message.build} kernels · ${message.threads} ${message.threads === 1 ? "worker" : "workers"}` +
          (message.isolated ? " (cross-origin isolated: the network's memory is shared by every worker)"
            : " — this page is not cross-origin isolated, so the network cannot be shared with more workers and trains on one") +
          ` · MNIST and kernels loaded in ${message.loadSeconds.toFixed(1)} s`;
        engineLine.dataset.engine = message.isolated ? "isolated" : "single";
        setState("running", "Training…");
        break;
      case "steps":
        run.iterations.push(...message.iterations);
        run.losses.push(...message.losses);
        run.accuracies.push(...message.accuracies);
        run.imagesPerSecond = message.imagesPerSecond;
        if (run.state === "running") setState("running", progressText(run));
        break;
      case "eval":
        run.evals.push(message.record);
        run.evalIterations.push(message.record.iteration);
        run.testAccuracies.push(message.record.testAccuracy);
        run.confusion = message.confusion;
        run.confusions.push(message.confusion);
        run.surest = message.surest;
        drawPictures(message.pictures);
        break;
      case "paused":
        run.state = "paused";
        setState("paused", `Paused after iteration ${message.iteration}. ${progressText(run)}`);
        classifyDrawing();
        break;
      case "done":
        run.state = "done";
        run.imagesPerSecond = message.trainImagesPerSecond;
        run.finished = {
          choices: { activation: run.config.activation, optimizer: run.config.optimizer, lr: run.config.lr, batchSize: run.config.batchSize,
            iterations: run.config.iterations, seed: run.config.seed, evalEvery: run.config.evalEvery },
          build: run.build as KernelBuild, losses: run.losses, accuracies: run.accuracies, evals: run.evals, confusions: run.confusions, surest: run.surest,
          parameters: message.parameters, seconds: message.seconds, trainSeconds: message.trainSeconds,
        };
        classifyDrawing();
        setState("done", `Done: test accuracy ${(100 * message.final.testAccuracy).toFixed(2)} % after ${message.final.iteration} iterations ` +
          `(${message.seconds.toFixed(1)} s, ${Math.round(message.trainImagesPerSecond).toLocaleString("en")} training images/s).`);
        break;
      case "error":
        fail(run, message.message);
        return;
    }
    renderRuns();
    schedule();
  }

  function progressText(run: PageRun): string {
    const last = run.evals[run.evals.length - 1];
    const iteration = run.iterations[run.iterations.length - 1] ?? 0;
    return `Iteration ${iteration} of ${run.config.iterations} · training loss ${formatNumber(run.losses[run.losses.length - 1])}` +
      (last ? ` · test accuracy ${(100 * last.testAccuracy).toFixed(2)} % at iteration ${last.iteration}` : "") +
      ` · ${Math.round(run.imagesPerSecond).toLocaleString("en")} images/s`;
  }

  function fail(run: PageRun, error: string): void {
    run.state = "failed";
    run.error = error;
    finish();
    setState("failed", `The run failed: ${error}`);
    renderRuns();
  }

  /** Ends the run's worker (a finished run's stays, to classify drawings, until the next run). */
  function finish(): void {
    worker?.terminate();
    worker = undefined;
  }

  function togglePause(): void {
    if (!worker || !current) return;
    if (current.state === "paused") {
      current.state = "running";
      worker.postMessage({ type: "resume" } satisfies ToWorker);
      setState("running", "Training…");
    } else if (current.state === "running") {
      worker.postMessage({ type: "pause" } satisfies ToWorker);
    }
  }

  function stop(state: RunState): void {
    if (!current || !worker) return;
    current.state = state;
    finish();
    setState("idle", "Stopped. Its curves stay on the charts; press Train for another run.");
    renderRuns();
  }

  function clearRuns(): void {
    if (current && ["loading", "running", "paused"].includes(current.state)) stop("stopped");
    finish();
    runs.length = 0;
    current = undefined;
    clear(pictures);
    clear(endPictures);
    renderRuns();
    schedule();
  }

  function renderRuns(): void {
    runList.replaceChildren(...runs.map((run) => h("li", { "data-run-state": run.state },
      h("span", { class: "swatch", style: `background:${run.color}` }), run.label, " — ",
      run.state === "done" || run.state === "stopped" || run.state === "paused"
        ? `${run.state}, test accuracy ${run.evals.length ? (100 * run.evals[run.evals.length - 1]!.testAccuracy).toFixed(2) + " %" : "—"}`
        : run.state === "failed" ? `failed: ${run.error}` : run.state,
      ...keepControls(run))));
  }

  /** A finished run's buttons: keep it in the board's logdir (as an ordinary run), or download it as one file. */
  function keepControls(run: PageRun): (HTMLElement | string)[] {
    const finished = run.finished;
    if (!finished) return [];
    const name = `${run.config.activation}-${run.config.optimizer}-lr${run.config.lr}-seed${run.config.seed}-browser`;
    const download = h("button", { type: "button", class: "link-button", "data-action": "download", onclick: () => downloadRun(finished, name) }, "download");
    if (!options.board) return [" ", download];
    if (run.kept) return [" · kept in the logdir as ", h("code", { "data-kept": run.kept }, run.kept), " ", download];
    const keep = h("button", { type: "button", class: "link-button", "data-action": "keep" }, "keep in the logdir");
    const note = h("span", { class: "keep-note" });
    keep.addEventListener("click", () => {
      keep.disabled = true;
      note.textContent = " saving…";
      keepOnBoard(finished).then((name) => {
        run.kept = name;
        renderRuns();
      }, (error: Error) => {
        keep.disabled = false;
        note.textContent = ` not kept: ${error.message}`;
        note.dataset.error = error.message;
      });
    });
    return [" ", keep, " ", download, note];
  }

  function schedule(): void {
    if (redraw) return;
    redraw = requestAnimationFrame(() => {
      redraw = 0;
      if (element.isConnected) charts.update(runs);
    });
  }

  /** The finished run's fc2 maps (as `lenet-lab features` draws them), the digits' similarity and the confusion matrix. */
  function drawEndPictures(run: PageRun, byDigit: Float32Array[], similarity: Float64Array): void {
    // One scale for the ten maps, from the smallest value to the 99th percentile (as the report's fc2 panels): a few
    // very large activations would otherwise leave every map dark.
    const sorted = Float32Array.from(byDigit.flatMap((map) => Array.from(map))).sort();
    const low = sorted[0]!, high = sorted[Math.floor(0.99 * (sorted.length - 1))]!;
    const maps = byDigit.map((values, digit) => h("figure", { class: "fc2-map", "data-digit": digit },
      h("figcaption", {}, `digit ${digit}`),
      paintMaps({ values, count: 1, rows: values.length / LENET.fc2, cols: LENET.fc2, perRow: 1, scale: 2, palette: "viridis", range: "shared", low, high }, `fc2 map of digit ${digit}`)));
    const table = (caption: string, cells: (row: number, col: number) => { text: string; shade: number }) => h("table", { class: "train-matrix" },
      h("caption", {}, caption),
      h("tr", {}, h("th", {}, ""), ...Array.from({ length: 10 }, (_, c) => h("th", {}, String(c)))),
      ...Array.from({ length: 10 }, (_, r) => h("tr", {}, h("th", {}, String(r)), ...Array.from({ length: 10 }, (_, c) => {
        const cell = cells(r, c);
        return h("td", { style: `background: rgba(25, 118, 210, ${cell.shade.toFixed(3)}); color: ${cell.shade > 0.55 ? "#fff" : "#222"}` }, cell.text);
      }))));
    const confusion = run.confusion;
    const rowTotal = (r: number) => confusion ? confusion.subarray(r * 10, r * 10 + 10).reduce((a, b) => a + b, 0) : 0;
    endPictures.replaceChildren();
    append(endPictures,
      h("div", { class: "card" }, h("div", { class: "card-title" },
        `fc2 feature maps of ${run.label}: for each digit, its first 100 test images (rows) × the ${LENET.fc2} fc2 units (columns); one colour scale from ${formatNumber(low)} to ${formatNumber(high)} (the 99th percentile; larger values as bright)`),
      h("div", { class: "fc2-maps" }, ...maps)),
      h("div", { class: "card" }, table("how alike the digits look to fc2: cosine similarity of their mean fc2 vectors",
        (r, c) => ({ text: similarity[r * 10 + c]!.toFixed(2), shade: Math.max(0, similarity[r * 10 + c]!) }))),
      confusion ? h("div", { class: "card", "data-confusion": "" }, table("confusion matrix of the 10,000 test images: rows the true digit, columns the prediction",
        (r, c) => ({ text: String(confusion[r * 10 + c]), shade: confusion[r * 10 + c]! / Math.max(1, rowTotal(r)) }))) : null);
  }

  function drawPictures(p: NetworkPictures): void {
    const figure = (title: string, hint: string, canvas: HTMLElement) =>
      h("figure", { class: "card train-picture" }, h("figcaption", { class: "card-title" }, title), canvas, h("div", { class: "hint" }, hint));
    const { best, bars } = probabilityBars(p.probe.probabilities);
    const { conv1Channels: c1, conv2Channels: c2, kernel: k } = LENET;
    pictures.replaceChildren(
      figure(`conv1 kernels (${c1} × ${k}×${k})`, "blue < 0 < red, one scale for all", paintMaps({ values: p.conv1, count: c1, rows: k, cols: k, perRow: c1, scale: 10, palette: "diverging", range: "shared" }, "conv1 kernels")),
      figure(`conv2 kernels (${c2} filters × ${c1} channels)`, "a column per filter, a row per input channel", paintMaps({ values: channelsByRow(p.conv2, c2, c1, k * k), count: c2 * c1, rows: k, cols: k, perRow: c2, scale: 4, palette: "diverging", range: "shared" }, "conv2 kernels")),
      figure(`test digit: a ${p.probe.label}`, "the input", paintMaps({ values: p.probe.pixels, count: 1, rows: SIDE, cols: SIDE, perRow: 1, scale: 4, palette: "gray", range: "each" }, "test digit")),
      figure(`its conv1 maps (${c1} × ${LENET.conv1Side}×${LENET.conv1Side})`, "each map on its own scale", paintMaps({ values: p.probe.conv1, count: c1, rows: LENET.conv1Side, cols: LENET.conv1Side, perRow: 3, scale: 2, palette: "gray", range: "each" }, "conv1 feature maps")),
      figure(`its conv2 maps (${c2} × ${LENET.conv2Side}×${LENET.conv2Side})`, "each map on its own scale", paintMaps({ values: p.probe.conv2, count: c2, rows: LENET.conv2Side, cols: LENET.conv2Side, perRow: c2 / 2, scale: 4, palette: "gray", range: "each" }, "conv2 feature maps")),
      figure("class probabilities", `predicted ${best}`, bars),
      figure(`fc1 weights (${LENET.fc1} × ${LENET.flat})`, "a row per fc1 unit", paintMaps({ values: p.fc1, count: 1, rows: LENET.fc1, cols: LENET.flat, perRow: 1, scale: 1, palette: "diverging", range: "shared" }, "fc1 weights")),
    );
  }

  element.append(
    h("p", { class: "hint" }, "LeNet-5 trains here, in this page, on the real MNIST: the same WebAssembly kernels and the same training loop as ",
      h("code", {}, "lenet-lab train"), ", so the same configuration and seed give the same numbers. Train one run, then another (sigmoid after ReLU): both stay on the charts."),
    form, status, engineLine, runList, charts.element, drawCard, pictures, endPictures);

  let loaded: Promise<void> | undefined;
  return {
    title: "Train",
    id: "train",
    element,
    render() {
      loaded ??= loadSettings().catch((error: Error) => setState("failed", `The Train page cannot start: ${error.message}`));
      schedule();
    },
    update() {},
  };
}

// The Classes tab: which classes each visible run gets wrong. For every run
// that logs it, the test set's confusion matrix at its latest evaluation
// (the `confusion/test` image: rows the true class, columns the prediction,
// counts in the cells), and one chart of each class's test error at the
// latest evaluation (1 − accuracy_per_class/<c>), runs side by side in their
// colours. Updates as runs log new evaluations.

import { api, imageUrl } from "./api.js";
import { clear, h } from "./dom.js";
import { store, type DataChange } from "./state.js";
import type { View } from "./view.js";

const CONFUSION_TAG = "confusion/test";
const PER_CLASS_PREFIX = "accuracy_per_class/";

/** The per-class tags in class order (accuracy_per_class/0 … /9, or /3-dress for named classes). */
function perClassTags(): string[] {
  return Object.keys(store.tags.scalars).filter((tag) => tag.startsWith(PER_CLASS_PREFIX))
    .sort((a, b) => parseInt(a.slice(PER_CLASS_PREFIX.length), 10) - parseInt(b.slice(PER_CLASS_PREFIX.length), 10));
}

/** Draws grouped bars: for each class, one bar per run (its test error), with a y axis in percent. */
function drawErrorBars(canvas: HTMLCanvasElement, classes: string[], runs: string[], errors: Map<string, (number | null)[]>): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 640;
  const height = 240;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.height = `${height}px`;
  const g = canvas.getContext("2d")!;
  g.scale(ratio, ratio);
  g.fillStyle = "#fff";
  g.fillRect(0, 0, width, height);
  const left = 58, right = 8, top = 10, bottom = 34;
  const all = [...errors.values()].flat().filter((e): e is number => e !== null);
  const highest = Math.max(0.01, ...all);
  const step = highest > 0.2 ? 0.1 : highest > 0.1 ? 0.05 : highest > 0.04 ? 0.02 : 0.01;
  const ceiling = Math.ceil(highest / step) * step;
  const y = (e: number) => top + (height - top - bottom) * (1 - e / ceiling);
  g.font = "11px sans-serif";
  g.strokeStyle = "#e3e3e3";
  g.fillStyle = "#555";
  g.textAlign = "right";
  g.textBaseline = "middle";
  for (let e = 0; e <= ceiling + 1e-9; e += step) {
    g.beginPath();
    g.moveTo(left, y(e));
    g.lineTo(width - right, y(e));
    g.stroke();
    g.fillText(`${(100 * e).toFixed(0)}%`, left - 4, y(e));
  }
  const slot = (width - left - right) / Math.max(1, classes.length);
  const barWidth = Math.max(2, (slot * 0.8) / Math.max(1, runs.length));
  g.textAlign = "center";
  g.textBaseline = "top";
  classes.forEach((name, c) => {
    const x0 = left + c * slot + slot * 0.1;
    runs.forEach((run, r) => {
      const e = errors.get(run)?.[c];
      if (e === null || e === undefined) return;
      g.fillStyle = store.color(run);
      g.fillRect(x0 + r * barWidth, y(e), barWidth - 1, y(0) - y(e));
    });
    g.fillStyle = "#333";
    g.fillText(name, left + (c + 0.5) * slot, height - bottom + 6);
  });
  g.save();
  g.translate(11, top + (height - top - bottom) / 2);
  g.rotate(-Math.PI / 2);
  g.textAlign = "center";
  g.fillText("test error of the class", 0, 0);
  g.restore();
}

export function createClassesView(): View {
  const matrices = h("div", { class: "classes-matrices" });
  const canvas = h("canvas", { class: "classes-bars", "aria-label": "test error of each class" });
  const legend = h("div", { class: "chart-legend" });
  const note = h("p", { class: "hint" });
  let generation = 0;

  async function refresh(): Promise<void> {
    const mine = ++generation;
    const visible = new Set(store.visibleRuns());
    const runs = (store.tags.images[CONFUSION_TAG] ?? []).filter((run) => visible.has(run));
    const tags = perClassTags();
    if (runs.length === 0 && tags.length === 0) {
      clear(matrices);
      matrices.appendChild(h("p", { class: "empty" }, "No visible run logs its confusion matrix yet (runs trained with this version of lenet-lab log confusion/test at every evaluation)."));
      return;
    }
    const cards = await Promise.all(runs.map(async (run) => {
      const points = await api.images(run, CONFUSION_TAG);
      const last = points[points.length - 1];
      if (!last) return null;
      return h("div", { class: "card", "data-run": run },
        h("div", { class: "card-title" }, h("span", { class: "run-label", style: `color:${store.color(run)}` }, run), h("span", { class: "hint" }, `iteration ${last.step}`)),
        h("img", { class: "pixelated confusion", src: imageUrl(run, CONFUSION_TAG, last.index), width: last.width, height: last.height,
          alt: `confusion matrix of ${run}`, "data-step": String(last.step) }));
    }));
    const barRuns = store.visibleRuns().filter((run) => tags.some((tag) => (store.tags.scalars[tag] ?? []).includes(run)));
    const errors = new Map<string, (number | null)[]>(barRuns.map((run) => [run, tags.map(() => null)]));
    await Promise.all(tags.map(async (tag, c) => {
      const series = await api.scalars(tag, barRuns.filter((run) => (store.tags.scalars[tag] ?? []).includes(run)), 0);
      for (const [run, points] of Object.entries(series)) {
        const value = points.values[points.values.length - 1];
        if (typeof value === "number") errors.get(run)![c] = 1 - value;
      }
    }));
    if (mine !== generation) return;
    clear(matrices);
    for (const card of cards) if (card) matrices.appendChild(card);
    const classNames = tags.map((tag) => tag.slice(PER_CLASS_PREFIX.length));
    drawErrorBars(canvas, classNames, barRuns, errors);
    canvas.dataset.runs = JSON.stringify(barRuns);
    legend.replaceChildren(...barRuns.map((run) => h("span", { class: "legend-item" }, h("span", { class: "swatch", style: `background:${store.color(run)}` }), run)));
    note.textContent = "Bars: each class's test error (1 − its accuracy) at the run's latest evaluation. Matrices: rows are the true class, columns the prediction; the colour is the share of the true class's images in the cell.";
  }

  const view: View = {
    title: "Classes",
    id: "classes",
    element: h("section", { class: "view", "data-view": "classes" },
      h("div", { class: "card" }, h("div", { class: "card-title" }, h("span", {}, "Test error of each class")), canvas, legend, note),
      matrices),
    render() {
      void refresh().catch((error: Error) => { note.textContent = `could not load: ${error.message}`; });
    },
    update(changes: DataChange[]) {
      if (changes.some((c) => c.kinds.includes("images") || c.kinds.includes("scalars"))) view.render();
    },
  };
  return view;
}

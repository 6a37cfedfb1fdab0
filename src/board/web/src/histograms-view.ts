// The Histograms tab (offset or overlay) and the Distributions tab: one row
// per histogram tag, one card per visible run that has it. A row fetches its
// runs' histograms of the tag (every step, or at most 200 evenly spread) when
// it first scrolls into view, and draws each run over its own value range or,
// with "one range for every run", over the range of all of them, so that
// spreads compare at a glance.

import type uPlot from "uplot";
import { api, type HistogramPoint } from "./api.js";
import { clear, h, whenVisible } from "./dom.js";
import { drawDistributions, drawHistograms, valueRange, type ValueRange } from "./histogram-drawing.js";
import { store, type DataChange } from "./state.js";
import type { View } from "./view.js";

export function createHistogramsView(kind: "histograms" | "distributions"): View {
  let mode: "offset" | "overlay" = "offset";
  const body = h("div", { class: "tag-groups" });
  const plots: uPlot[] = [];
  const modeSelect = h("select", { "aria-label": "histogram mode", onchange: () => { mode = modeSelect.value as typeof mode; view.render(); } },
    h("option", { value: "offset" }, "offset"), h("option", { value: "overlay" }, "overlay"));
  const axis = kind === "histograms" ? "x" : "y";
  const sharedRange = h("input", {
    type: "checkbox", checked: store.sharedHistogramRange, "aria-label": "one range for every run",
    onchange: () => {
      store.sharedHistogramRange = sharedRange.checked;
      store.emit("settings");
      view.render();
    },
  });
  const toolbar = h("div", { class: "toolbar" },
    kind === "histograms" ? h("label", {}, "mode ", modeSelect) : h("span", { class: "hint" }, "bands: min–max, ±1.5σ, ±1σ, ±0.5σ percentiles; line: median"),
    h("label", { title: `draw every run of a tag over the same ${axis} range (the widest), so that their spreads compare` }, sharedRange, ` one ${axis} range for every run`));

  /** Fetches every run's histograms of `tag`, then draws each card (over one shared range when asked). */
  async function fillRow(tag: string, cards: { run: string; card: HTMLElement }[]): Promise<void> {
    const loaded = await Promise.all(cards.map(async ({ run, card }) => {
      try {
        return { run, card, points: (await api.histograms(run, tag)).points };
      } catch (error) {
        card.appendChild(h("div", { class: "chart-note" }, `could not load: ${(error as Error).message}`));
        return undefined;
      }
    }));
    const drawn = loaded.filter((entry) => entry !== undefined && entry.points.length > 0) as { run: string; card: HTMLElement; points: HistogramPoint[] }[];
    const ranges = drawn.map((entry) => valueRange(entry.points));
    const shared: ValueRange | undefined = store.sharedHistogramRange && ranges.length > 0
      ? { lo: Math.min(...ranges.map((r) => r.lo)), hi: Math.max(...ranges.map((r) => r.hi)) }
      : undefined;
    for (const { run, card, points } of drawn) {
      const color = store.color(run);
      if (kind === "distributions") {
        const box = h("div", { class: "chart" });
        card.appendChild(box);
        plots.push(drawDistributions(box, points, color, shared));
      } else {
        const canvas = h("canvas", { class: "histogram-canvas" });
        card.appendChild(canvas);
        drawHistograms(canvas, points, mode, color, shared);
      }
      card.dataset.steps = String(points.length);
    }
  }

  const view: View = {
    title: kind === "histograms" ? "Histograms" : "Distributions",
    id: kind,
    element: h("section", { class: "view", "data-view": kind }, toolbar, body),
    render() {
      plots.splice(0).forEach((p) => p.destroy());
      clear(body);
      sharedRange.checked = store.sharedHistogramRange;
      const visible = store.visibleRuns();
      const byGroup = new Map<string, HTMLElement>();
      for (const [tag, runs] of Object.entries(store.tags.histograms)) {
        const shown = visible.filter((run) => runs.includes(run));
        if (shown.length === 0) continue;
        const group = tag.includes("/") ? tag.slice(0, tag.indexOf("/")) : tag;
        let rows = byGroup.get(group);
        if (!rows) {
          rows = h("div", {});
          byGroup.set(group, rows);
          body.appendChild(h("details", { class: "tag-group", open: true }, h("summary", {}, group), rows));
        }
        const row = h("div", { class: "card-grid histogram-row", "data-tag": tag });
        const cards = shown.map((run) => ({
          run,
          card: h("div", { class: "card histogram-card", "data-tag": tag, "data-run": run },
            h("div", { class: "card-title" }, h("span", {}, tag), h("span", { class: "run-label", style: `color:${store.color(run)}` }, run))),
        }));
        row.append(...cards.map((entry) => entry.card));
        rows.appendChild(row);
        whenVisible(row, () => void fillRow(tag, cards));
      }
      if (byGroup.size === 0) body.appendChild(h("p", { class: "empty" }, "No histograms in the visible runs."));
    },
    update(changes: DataChange[]) {
      if (changes.some((c) => c.kinds.includes("histograms"))) view.render();
    },
  };
  return view;
}

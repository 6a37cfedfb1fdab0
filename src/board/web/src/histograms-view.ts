// The Histograms tab (offset or overlay) and the Distributions tab: for each
// histogram tag, one card per visible run that has it. Each card fetches the
// run's histograms of that tag (every step, or at most 200 evenly spread)
// when it first scrolls into view.

import type uPlot from "uplot";
import { api, type HistogramPoint } from "./api.js";
import { clear, h, whenVisible } from "./dom.js";
import { drawDistributions, drawHistograms } from "./histogram-drawing.js";
import { store, type DataChange } from "./state.js";
import type { View } from "./view.js";

export function createHistogramsView(kind: "histograms" | "distributions"): View {
  let mode: "offset" | "overlay" = "offset";
  const body = h("div", { class: "tag-groups" });
  const plots: uPlot[] = [];
  const modeSelect = h("select", { "aria-label": "histogram mode", onchange: () => { mode = modeSelect.value as typeof mode; view.render(); } },
    h("option", { value: "offset" }, "offset"), h("option", { value: "overlay" }, "overlay"));
  const toolbar = h("div", { class: "toolbar" },
    kind === "histograms" ? h("label", {}, "mode ", modeSelect) : h("span", { class: "hint" }, "bands: min–max, ±1.5σ, ±1σ, ±0.5σ percentiles; line: median"));

  async function fillCard(card: HTMLElement, run: string, tag: string): Promise<void> {
    let points: HistogramPoint[];
    try {
      points = (await api.histograms(run, tag)).points;
    } catch (error) {
      card.appendChild(h("div", { class: "chart-note" }, `could not load: ${(error as Error).message}`));
      return;
    }
    const color = store.color(run);
    if (kind === "distributions") {
      const box = h("div", { class: "chart" });
      card.appendChild(box);
      plots.push(drawDistributions(box, points, color));
    } else {
      const canvas = h("canvas", { class: "histogram-canvas" });
      card.appendChild(canvas);
      drawHistograms(canvas, points, mode, color);
    }
    card.dataset.steps = String(points.length);
  }

  const view: View = {
    title: kind === "histograms" ? "Histograms" : "Distributions",
    id: kind,
    element: h("section", { class: "view", "data-view": kind }, toolbar, body),
    render() {
      plots.splice(0).forEach((p) => p.destroy());
      clear(body);
      const visible = store.visibleRuns();
      const byGroup = new Map<string, HTMLElement>();
      for (const [tag, runs] of Object.entries(store.tags.histograms)) {
        const shown = visible.filter((run) => runs.includes(run));
        if (shown.length === 0) continue;
        const group = tag.includes("/") ? tag.slice(0, tag.indexOf("/")) : tag;
        let grid = byGroup.get(group);
        if (!grid) {
          grid = h("div", { class: "card-grid" });
          byGroup.set(group, grid);
          body.appendChild(h("details", { class: "tag-group", open: true }, h("summary", {}, group), grid));
        }
        for (const run of shown) {
          const card = h("div", { class: "card histogram-card", "data-tag": tag, "data-run": run },
            h("div", { class: "card-title" }, h("span", {}, tag), h("span", { class: "run-label", style: `color:${store.color(run)}` }, run)));
          grid.appendChild(card);
          whenVisible(card, () => void fillCard(card, run, tag));
        }
      }
      if (byGroup.size === 0) body.appendChild(h("p", { class: "empty" }, "No histograms in the visible runs."));
    },
    update(changes: DataChange[]) {
      if (changes.some((c) => c.kinds.includes("histograms"))) view.render();
    },
  };
  return view;
}

// The Images tab: for each image tag, one card per visible run with a step
// slider over every image logged (no down-sampling: all steps, and every
// sample of a step). Images are scaled by a whole factor with
// nearest-neighbour sampling, so a 5×5 kernel stays a sharp 5×5 grid.
// A slider left at the newest image follows new ones as they arrive.

import { api, imageUrl, type ImagePoint } from "./api.js";
import { clear, h, whenVisible } from "./dom.js";
import { store, type DataChange } from "./state.js";
import type { View } from "./view.js";

const TARGET_WIDTH = 320;

/** The whole-number zoom that brings a `width`-pixel image closest to the target width (at least 1). */
export function pixelScale(width: number, height: number): number {
  const byWidth = Math.max(1, Math.floor(TARGET_WIDTH / Math.max(1, width)));
  const byHeight = Math.max(1, Math.floor(480 / Math.max(1, height)));
  return Math.min(byWidth, byHeight, 32);
}

class ImageCard {
  readonly element: HTMLElement;
  private points: ImagePoint[] = [];
  /** True once the card has loaded its list (it loads when first scrolled into view). */
  loaded = false;
  private readonly slider = h("input", { type: "range", min: 0, max: 0, step: 1, value: "0", "aria-label": "step" });
  private readonly label = h("span", { class: "step-label" });
  private readonly image = h("img", { class: "pixelated", alt: "", title: "open at full size", onclick: () => window.open(this.image.src, "_blank") });

  constructor(readonly run: string, readonly tag: string) {
    this.slider.addEventListener("input", () => this.show());
    this.element = h("div", { class: "card image-card", "data-tag": tag, "data-run": run },
      h("div", { class: "card-title" }, h("span", {}, tag), h("span", { class: "run-label", style: `color:${store.color(run)}` }, run)),
      h("div", { class: "image-box" }, this.image),
      h("div", { class: "slider-row" }, this.slider, this.label));
  }

  async load(): Promise<void> {
    this.loaded = true;
    const atEnd = this.points.length === 0 || Number(this.slider.value) === this.points.length - 1;
    try {
      this.points = await api.images(this.run, this.tag);
    } catch (error) {
      this.label.textContent = `could not load: ${(error as Error).message}`;
      return;
    }
    this.slider.max = String(Math.max(0, this.points.length - 1));
    this.slider.disabled = this.points.length < 2;
    if (atEnd) this.slider.value = this.slider.max;
    this.show();
  }

  private show(): void {
    const point = this.points[Number(this.slider.value)];
    if (!point) return;
    const scale = pixelScale(point.width, point.height);
    this.image.width = point.width * scale;
    this.image.height = point.height * scale;
    // Enlarged pictures keep hard pixel edges; one wider than the card is shrunk to fit, smoothly.
    this.image.classList.toggle("pixelated", scale > 1 || point.width <= TARGET_WIDTH);
    this.image.src = imageUrl(this.run, this.tag, point.index);
    this.image.alt = `${this.tag} at step ${point.step}`;
    const samples = this.points.filter((p) => p.step === point.step).length;
    this.label.textContent = `step ${point.step}${samples > 1 ? ` #${point.sample}` : ""} (${Number(this.slider.value) + 1} of ${this.points.length})${scale > 1 ? ` ×${scale}` : ""}`;
    this.element.dataset.step = String(point.step);
  }
}

export function createImagesView(): View {
  const body = h("div", { class: "tag-groups" });
  const cards = new Map<string, ImageCard>();
  const view: View = {
    title: "Images",
    id: "images",
    element: h("section", { class: "view", "data-view": "images" },
      h("div", { class: "toolbar" }, h("span", { class: "hint" }, "every logged step is on the slider; pixels are scaled by whole factors, unsmoothed")), body),
    render() {
      clear(body);
      cards.clear();
      const visible = store.visibleRuns();
      const byGroup = new Map<string, HTMLElement>();
      for (const [tag, runs] of Object.entries(store.tags.images)) {
        const group = tag.includes("/") ? tag.slice(0, tag.indexOf("/")) : tag;
        for (const run of visible.filter((r) => runs.includes(r))) {
          let grid = byGroup.get(group);
          if (!grid) {
            grid = h("div", { class: "card-grid wide" });
            byGroup.set(group, grid);
            body.appendChild(h("details", { class: "tag-group", open: true }, h("summary", {}, group), grid));
          }
          const card = new ImageCard(run, tag);
          cards.set(`${run}\u0000${tag}`, card);
          grid.appendChild(card.element);
          whenVisible(card.element, () => void card.load());
        }
      }
      if (byGroup.size === 0) body.appendChild(h("p", { class: "empty" }, "No images in the visible runs."));
    },
    update(changes: DataChange[]) {
      const changed = changes.filter((c) => c.kinds.includes("images"));
      if (changed.length === 0) return;
      const tagsNow = Object.entries(store.tags.images).reduce((n, [, runs]) => n + store.visibleRuns().filter((r) => runs.includes(r)).length, 0);
      if (tagsNow !== cards.size) return view.render();
      for (const card of cards.values()) if (card.loaded && changed.some((c) => c.run === card.run)) void card.load();
    },
  };
  return view;
}

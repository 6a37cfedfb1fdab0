// The Images tab: one row per image tag, one column per visible run, so that
// a tag's pictures of every run sit side by side and each run keeps its
// column in every row (a run without the tag leaves its cell empty). Each
// card is as wide as its picture and has a step slider over every image
// logged (no down-sampling: all steps, and every sample of a step). Pictures
// are scaled by a whole factor with nearest-neighbour sampling, so a 5×5
// kernel stays a sharp 5×5 grid, up to a readable size. A row loads when it
// comes near the viewport; a slider left at the newest image follows new
// ones as they arrive.

import { api, imageUrl, type ImagePoint } from "./api.js";
import { clear, h, whenVisible } from "./dom.js";
import { enlarge } from "./lightbox.js";
import { store, type DataChange } from "./state.js";
import type { View } from "./view.js";

/** A picture's shorter side is enlarged to at least this many pixels, and its longer side to at least LONGER_SIDE… */
const SHORTER_SIDE = 96;
const LONGER_SIDE = 160;
/** …as long as the longer side stays within this (a picture already larger is shown at 1:1). */
const LARGEST_SIDE = 640;
/** The narrowest card, so that the title and the slider have room. */
const CARD_MIN_WIDTH = 200;

/** The whole-number zoom that brings a width × height picture to a readable size (see the constants; at least 1). */
export function pixelScale(width: number, height: number): number {
  const longer = Math.max(1, width, height);
  const shorter = Math.max(1, Math.min(width, height));
  const wanted = Math.max(Math.ceil(LONGER_SIDE / longer), Math.ceil(SHORTER_SIDE / shorter));
  return Math.max(1, Math.min(wanted, Math.floor(LARGEST_SIDE / longer)));
}

class ImageCard {
  readonly element: HTMLElement;
  private points: ImagePoint[] = [];
  /** True once the card has loaded its list. */
  loaded = false;
  private readonly slider = h("input", { type: "range", min: 0, max: 0, step: 1, value: "0", "aria-label": "step" });
  private readonly label = h("span", { class: "step-label" });
  private readonly image = h("img", { class: "pixelated", alt: "", title: "click to enlarge", onclick: () => enlarge(this.image, `${this.run}: ${this.image.alt}`) });

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
    // The size is set before the source, so the card takes its final size at once.
    this.image.width = point.width * scale;
    this.image.height = point.height * scale;
    this.element.style.width = `${Math.max(CARD_MIN_WIDTH, point.width * scale) + 18}px`;
    this.image.src = imageUrl(this.run, this.tag, point.index);
    this.image.alt = `${this.tag} at step ${point.step}`;
    const samples = this.points.filter((p) => p.step === point.step).length;
    this.label.textContent = `step ${point.step}${samples > 1 ? ` #${point.sample}` : ""} (${Number(this.slider.value) + 1} of ${this.points.length})${scale > 1 ? ` ×${scale}` : ""}`;
    this.element.dataset.step = String(point.step);
    this.element.dataset.scale = String(scale);
  }
}

export function createImagesView(): View {
  const body = h("div", { class: "tag-groups" });
  const cards = new Map<string, ImageCard>();
  const view: View = {
    title: "Images",
    id: "images",
    element: h("section", { class: "view", "data-view": "images" },
      h("div", { class: "toolbar" }, h("span", { class: "hint" },
        "one row per tag, one column per run; every logged step is on the slider; pixels are scaled by whole factors, unsmoothed; click a picture to enlarge it")), body),
    render() {
      clear(body);
      cards.clear();
      const visible = store.visibleRuns();
      const tagsOfGroup = new Map<string, string[]>();
      for (const [tag, runs] of Object.entries(store.tags.images)) {
        if (!visible.some((run) => runs.includes(run))) continue;
        const group = tag.includes("/") ? tag.slice(0, tag.indexOf("/")) : tag;
        tagsOfGroup.set(group, [...(tagsOfGroup.get(group) ?? []), tag]);
      }
      for (const [group, tags] of tagsOfGroup) {
        // One column for every visible run with a tag of the group, in the runs' order.
        const columns = visible.filter((run) => tags.some((tag) => store.tags.images[tag]!.includes(run)));
        const grid = h("div", { class: "image-grid", style: `grid-template-columns: repeat(${columns.length}, max-content)` });
        body.appendChild(h("details", { class: "tag-group", open: true }, h("summary", {}, group), h("div", { class: "image-scroll" }, grid)));
        for (const tag of tags) {
          const row: ImageCard[] = [];
          for (const run of columns) {
            if (!store.tags.images[tag]!.includes(run)) {
              grid.appendChild(h("div", { class: "image-missing", "data-tag": tag, "data-run": run }, `no ${tag}`));
              continue;
            }
            const card = new ImageCard(run, tag);
            cards.set(`${run}\u0000${tag}`, card);
            row.push(card);
            grid.appendChild(card.element);
          }
          // A row loads as a whole, so that its pictures appear together.
          whenVisible(row[0]!.element, () => row.forEach((card) => void card.load()));
        }
      }
      if (tagsOfGroup.size === 0) body.appendChild(h("p", { class: "empty" }, "No images in the visible runs."));
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

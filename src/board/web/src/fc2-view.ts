// The fc2 tab: the ten fc2 feature maps of each visible run that has them
// (fc2/digit-<d>.png, written after training by `lenet-lab features`: rows
// are 100 test images of the digit, columns the 84 fc2 units), the run's other
// fc2 figures (class means, similarities), and two runs side by side, digit
// by digit. A small picture (a raw 84 × 100 map) is enlarged by a whole
// factor with nearest-neighbour pixels; a rendered figure is shown as drawn.

import { fileUrl } from "./api.js";
import { clear, h } from "./dom.js";
import { store, type DataChange } from "./state.js";
import type { View } from "./view.js";

/** An fc2 picture that sizes itself once loaded: raw maps ×2 pixelated, figures fitted to `maxWidth`. */
function fc2Image(run: string, name: string, caption: string, maxWidth: number): HTMLElement {
  const image = h("img", { src: fileUrl(run, `fc2/${name}`), alt: `${name} of ${run}`, loading: "lazy" });
  image.addEventListener("load", () => {
    if (image.naturalWidth <= 200) {
      image.classList.add("pixelated");
      image.style.width = `${image.naturalWidth * 2}px`;
    } else {
      image.style.width = `${Math.min(image.naturalWidth, maxWidth)}px`;
    }
  });
  return h("figure", { class: "fc2-map", "data-name": name }, image, h("figcaption", {}, caption));
}

export function createFc2View(): View {
  const body = h("div", { class: "fc2-body" });
  const left = h("select", { "aria-label": "left run" });
  const right = h("select", { "aria-label": "right run" });
  const compare = h("div", { class: "fc2-compare" });

  function renderCompare(): void {
    clear(compare);
    const runs = [left.value, right.value];
    if (!runs[0] || !runs[1]) return;
    const digitsOf = (run: string) => store.run(run)?.fc2Digits ?? [];
    const digits = [...new Set([...digitsOf(runs[0]), ...digitsOf(runs[1])])].sort((a, b) => a - b);
    compare.appendChild(h("div", { class: "fc2-pair header" },
      ...runs.map((run) => h("div", { class: "run-label", style: `color:${store.color(run)}` }, run))));
    for (const digit of digits) {
      compare.appendChild(h("div", { class: "fc2-pair" },
        ...runs.map((run) => (digitsOf(run).includes(digit) ? fc2Image(run, `digit-${digit}.png`, `digit ${digit}`, 520) : h("div", { class: "empty" }, `no map for ${digit}`)))));
    }
  }
  left.addEventListener("change", renderCompare);
  right.addEventListener("change", renderCompare);

  const view: View = {
    title: "fc2",
    id: "fc2",
    element: h("section", { class: "view", "data-view": "fc2" }, body),
    render() {
      clear(body);
      const runs = store.visibleRuns().filter((run) => (store.run(run)?.fc2Digits.length ?? 0) > 0);
      if (runs.length === 0) {
        body.appendChild(h("p", { class: "empty" }, "No visible run has fc2 feature maps yet: `lenet-lab features RUN_DIR` writes them into RUN_DIR/fc2 after training."));
        return;
      }
      for (const run of runs) {
        const info = store.run(run)!;
        const others = info.fc2Figures.filter((name) => !/^digit-\d+\.png$/.test(name) && name !== "all-digits.png");
        body.appendChild(h("div", { class: "card fc2-run", "data-run": run },
          h("div", { class: "card-title" }, h("span", { class: "run-label", style: `color:${store.color(run)}` }, run),
            h("span", { class: "hint" }, "each map: 100 test images of the digit (rows) × the 84 fc2 units (columns)")),
          h("div", { class: "fc2-row" }, ...info.fc2Digits.map((d) => fc2Image(run, `digit-${d}.png`, `digit ${d}`, 260))),
          others.length > 0 ? h("div", { class: "fc2-row" }, ...others.map((name) => fc2Image(run, name, name.replace(/\.png$/, ""), 420))) : null));
      }
      const previous = [left.value, right.value];
      for (const select of [left, right]) {
        clear(select);
        for (const run of runs) select.appendChild(h("option", { value: run }, run));
      }
      left.value = runs.includes(previous[0]!) ? previous[0]! : runs[0]!;
      right.value = runs.includes(previous[1]!) ? previous[1]! : runs[Math.min(1, runs.length - 1)]!;
      body.appendChild(h("div", { class: "card" },
        h("div", { class: "card-title" }, h("span", {}, "side by side"), h("span", {}, left, " vs ", right)),
        compare));
      renderCompare();
    },
    update(_changes: DataChange[]) {
      // fc2 maps are written once, after training; a new run list re-renders (main.ts).
    },
  };
  return view;
}

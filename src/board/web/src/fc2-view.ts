// The fc2 tab: the fc2 feature maps that `lenet-lab features` writes after
// training (fc2/digit-<d>.png: rows are 100 test images of the digit, columns
// the 84 fc2 units) and the run's other fc2 figures (class means,
// similarities), either for every visible run, one card each, or for two runs
// side by side, digit by digit; the choice is at the top. Maps are shown at a
// readable size (a rendered figure up to its own size, a raw 84 × 100 map
// enlarged by a whole factor with nearest-neighbour pixels); a click enlarges
// one over the page.

import { fileUrl } from "./api.js";
import { clear, h } from "./dom.js";
import { enlarge } from "./lightbox.js";
import { store, type DataChange } from "./state.js";
import type { View } from "./view.js";

/** A raw map is enlarged by the whole factor that makes it at least this wide. */
const RAW_MIN_WIDTH = 252;

/** An fc2 picture that sizes itself once loaded, and enlarges on a click. */
function fc2Image(run: string, name: string, caption: string): HTMLElement {
  const image = h("img", { src: fileUrl(run, `fc2/${name}`), alt: `${name} of ${run}`, title: "click to enlarge" });
  image.addEventListener("load", () => {
    if (image.naturalWidth <= 200) {
      image.classList.add("pixelated");
      image.style.width = `${image.naturalWidth * Math.ceil(RAW_MIN_WIDTH / image.naturalWidth)}px`;
    } else {
      image.style.width = "100%";
      image.style.maxWidth = `${image.naturalWidth}px`;
    }
  });
  image.addEventListener("click", () => enlarge(image, `${run}: ${caption}`));
  return h("figure", { class: "fc2-map", "data-name": name }, image, h("figcaption", {}, caption));
}

export function createFc2View(): View {
  let mode: "runs" | "pair" = "runs";
  const body = h("div", { class: "fc2-body" });
  const left = h("select", { "aria-label": "left run" });
  const right = h("select", { "aria-label": "right run" });
  const pickers = h("span", { class: "fc2-pickers" }, left, " vs ", right);
  const modeButtons = (["runs", "pair"] as const).map((value) => h("button", {
    type: "button", class: "segment", "data-mode": value,
    onclick: () => { mode = value; view.render(); },
  }, value === "runs" ? "each run" : "two runs side by side"));

  function runsWithMaps(): string[] {
    return store.visibleRuns().filter((run) => (store.run(run)?.fc2Digits.length ?? 0) > 0);
  }

  function renderRuns(runs: string[]): void {
    for (const run of runs) {
      const info = store.run(run)!;
      const others = info.fc2Figures.filter((name) => !/^digit-\d+\.png$/.test(name) && name !== "all-digits.png");
      body.appendChild(h("div", { class: "card fc2-run", "data-run": run },
        h("div", { class: "card-title" }, h("span", { class: "run-label", style: `color:${store.color(run)}` }, run),
          h("span", { class: "hint" }, "each map: 100 test images of the digit (rows) × the 84 fc2 units (columns); click to enlarge")),
        h("div", { class: "fc2-grid" }, ...info.fc2Digits.map((d) => fc2Image(run, `digit-${d}.png`, `digit ${d}`))),
        others.length > 0 ? h("div", { class: "fc2-grid" }, ...others.map((name) => fc2Image(run, name, name.replace(/\.png$/, "")))) : null));
    }
  }

  function renderPair(): void {
    const runs = [left.value, right.value];
    if (!runs[0] || !runs[1]) return;
    const digitsOf = (run: string) => store.run(run)?.fc2Digits ?? [];
    const digits = [...new Set([...digitsOf(runs[0]), ...digitsOf(runs[1])])].sort((a, b) => a - b);
    const compare = h("div", { class: "fc2-compare" }, h("div", { class: "fc2-pair header" },
      ...runs.map((run) => h("div", { class: "run-label", style: `color:${store.color(run)}` }, run))));
    for (const digit of digits) {
      compare.appendChild(h("div", { class: "fc2-pair" },
        ...runs.map((run) => (digitsOf(run).includes(digit) ? fc2Image(run, `digit-${digit}.png`, `digit ${digit}`) : h("div", { class: "empty" }, `no map for ${digit}`)))));
    }
    body.appendChild(compare);
  }

  left.addEventListener("change", () => view.render());
  right.addEventListener("change", () => view.render());

  const view: View = {
    title: "fc2",
    id: "fc2",
    element: h("section", { class: "view", "data-view": "fc2" },
      h("div", { class: "toolbar" }, h("span", { class: "segments", role: "group", "aria-label": "fc2 view" }, ...modeButtons), pickers), body),
    render() {
      clear(body);
      for (const button of modeButtons) button.classList.toggle("active", button.dataset.mode === mode);
      pickers.hidden = mode !== "pair";
      const runs = runsWithMaps();
      if (runs.length === 0) {
        body.appendChild(h("p", { class: "empty" }, "No visible run has fc2 feature maps yet: `lenet-lab features RUN_DIR` writes them into RUN_DIR/fc2 after training."));
        return;
      }
      const previous = [left.value, right.value];
      for (const select of [left, right]) {
        clear(select);
        for (const run of runs) select.appendChild(h("option", { value: run }, run));
      }
      left.value = runs.includes(previous[0]!) ? previous[0]! : runs[0]!;
      // By default the right run is of another config than the left (not another seed of it), when there is one.
      const otherConfig = runs.find((run) => run !== left.value && (store.groupOf(run)?.name ?? run) !== (store.groupOf(left.value)?.name ?? left.value));
      right.value = runs.includes(previous[1]!) ? previous[1]! : otherConfig ?? runs[Math.min(1, runs.length - 1)]!;
      if (mode === "pair") renderPair();
      else renderRuns(runs);
    },
    update(_changes: DataChange[]) {
      // fc2 maps are written once, after training; a new run list re-renders (main.ts).
    },
  };
  return view;
}

// The Text tab: the text summaries of each visible run (lenet-lab logs its
// config there as a Markdown table), newest step first, rendered from
// Markdown as TensorBoard does (marked, GitHub's flavour) and sanitised
// (DOMPurify) before it reaches the page: a summary is data, and whatever
// HTML it holds never runs a script.

import DOMPurify from "dompurify";
import { Marked } from "marked";
import { api } from "./api.js";
import { clear, h } from "./dom.js";
import { store, type DataChange } from "./state.js";
import type { View } from "./view.js";

const markdown = new Marked({ gfm: true, breaks: false });

/** Markdown → sanitised HTML, in an element. */
export function renderMarkdown(text: string): HTMLElement {
  const element = h("div", { class: "markdown" });
  element.innerHTML = DOMPurify.sanitize(markdown.parse(text, { async: false }));
  return element;
}

export function createTextView(): View {
  const body = h("div", { class: "text-body" });
  const view: View = {
    title: "Text",
    id: "text",
    element: h("section", { class: "view", "data-view": "text" }, body),
    render() {
      clear(body);
      const runs = store.visibleRuns().filter((run) => (store.run(run)?.tagCounts.text ?? 0) > 0);
      if (runs.length === 0) body.appendChild(h("p", { class: "empty" }, "No text in the visible runs."));
      for (const run of runs) {
        const card = h("div", { class: "card", "data-run": run }, h("div", { class: "card-title" }, h("span", { class: "run-label", style: `color:${store.color(run)}` }, run)));
        body.appendChild(card);
        void api.text(run).then((tags) => {
          for (const [tag, entries] of Object.entries(tags)) {
            for (const entry of [...entries].reverse()) {
              card.appendChild(h("div", { class: "text-entry", "data-tag": tag }, h("div", { class: "hint" }, `${tag} · step ${entry.step}`), renderMarkdown(entry.text)));
            }
          }
        });
      }
    },
    update(changes: DataChange[]) {
      if (changes.some((c) => c.kinds.includes("text"))) view.render();
    },
  };
  return view;
}

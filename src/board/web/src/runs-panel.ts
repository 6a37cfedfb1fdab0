// The runs sidebar: a regex filter, all/none buttons for the runs it lets
// through, and one toggle per run with its colour, its loading state and a
// warning badge when its files could not be read completely (the run's seed
// group, if any, in its tooltip).

import { clear, h } from "./dom.js";
import { store } from "./state.js";

export function createRunsPanel(): HTMLElement {
  const list = h("ul", { class: "run-list" });
  const error = h("div", { class: "filter-error" });
  const filter = h("input", {
    type: "search", placeholder: "filter runs (regex)", value: store.filter, "aria-label": "filter runs by regular expression",
    oninput: () => store.setFilter(filter.value),
  });
  const setAll = (on: boolean) => {
    for (const run of store.runs) if (store.passesFilter(run.name)) on ? store.switchedOff.delete(run.name) : store.switchedOff.add(run.name);
    store.emit("selection");
  };
  const panel = h("aside", { class: "runs-panel" },
    h("h2", {}, "Runs"),
    filter,
    error,
    h("div", { class: "run-buttons" },
      h("button", { type: "button", onclick: () => setAll(true) }, "all"),
      h("button", { type: "button", onclick: () => setAll(false) }, "none")),
    list);

  const render = () => {
    filter.classList.toggle("invalid", store.filterError !== undefined);
    error.textContent = store.filterError ? `invalid regex: ${store.filterError}` : "";
    clear(list);
    for (const run of store.runs) {
      if (!store.passesFilter(run.name)) continue;
      const checkbox = h("input", { type: "checkbox", checked: !store.switchedOff.has(run.name), onchange: () => store.setRunOn(run.name, checkbox.checked) });
      const group = store.groupOf(run.name);
      const about = run.warnings.join("\n") || `${run.events} events${group ? `; seed group ${group.name}` : ""}`;
      list.appendChild(h("li", { "data-run": run.name, "data-group": group?.name, title: about },
        h("label", {},
          checkbox,
          h("span", { class: "swatch", style: `background:${store.color(run.name)}` }),
          h("span", { class: "run-name" }, run.name),
          run.loaded ? null : h("span", { class: "badge loading" }, "loading"),
          run.warnings.length > 0 ? h("span", { class: "badge warning" }, `⚠ ${run.warnings.length}`) : null)));
    }
    if (store.runs.length === 0) list.appendChild(h("li", { class: "empty" }, "no runs yet: the logdir has no event files"));
  };
  store.on("runs", render);
  store.on("selection", render);
  render();
  return panel;
}

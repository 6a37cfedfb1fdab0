// The Config tab: the seed groups with a visible run (seeds, and the final
// test accuracy's mean ± standard deviation over them), then one row per
// visible run, one column per setting (run.json's config and final results,
// or the hparams of runs written by other tools). Columns whose values differ
// between the runs are highlighted, and can be shown alone.

import { api, type ConfigValue, type GroupInfo } from "./api.js";
import { clear, formatNumber, h } from "./dom.js";
import { store, type DataChange } from "./state.js";
import type { View } from "./view.js";

function show(value: ConfigValue | undefined): string {
  if (value === undefined) return "";
  if (value === null) return "—";
  return typeof value === "number" ? formatNumber(value) : String(value);
}

const ORDER = ["config/", "hparams/", "final/"];
function rank(key: string): number {
  const i = ORDER.findIndex((prefix) => key.startsWith(prefix));
  return i < 0 ? ORDER.length : i;
}

/** "0.9812 ± 0.0021" (std over the seeds); "0.98 (1 seed)" when only one has a result; "—" when none has. */
function meanAndStd(group: GroupInfo): string {
  const accuracy = group.final?.testAccuracy;
  if (!accuracy) return "—";
  if (accuracy.std === null) return `${formatNumber(accuracy.mean)} (1 seed)`;
  return `${formatNumber(accuracy.mean)} ± ${formatNumber(accuracy.std)}`;
}

/** One row per group with a visible run; nothing when there is none. */
function groupsTable(groups: readonly GroupInfo[]): HTMLElement | null {
  if (groups.length === 0) return null;
  return h("table", { class: "config-table groups-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "group"), h("th", {}, "n"), h("th", {}, "seeds"), h("th", { title: "mean ± standard deviation over the seeds" }, "final test accuracy (mean ± std)"))),
    h("tbody", {}, ...groups.map((group) => h("tr", { "data-group": group.name },
      h("th", {}, h("span", { class: "swatch", style: `background:${store.groupColor(group.name)}` }), group.name),
      h("td", {}, String(group.runs.length)),
      h("td", { title: [...group.runs, ...group.repeats.map((run) => `${run} (repeats a seed; left out)`)].join("\n") }, group.seeds.join(", ")),
      h("td", {}, meanAndStd(group))))));
}

export function createConfigView(): View {
  const onlyDifferent = h("input", { type: "checkbox", onchange: () => view.render() });
  const body = h("div", { class: "config-body" });
  const view: View = {
    title: "Config",
    id: "config",
    element: h("section", { class: "view", "data-view": "config" },
      h("div", { class: "toolbar" }, h("label", {}, onlyDifferent, " only settings that differ"), h("span", { class: "hint" }, "highlighted: differs between the visible runs")),
      body),
    render() {
      void api.config().then((configs) => {
        clear(body);
        const runs = store.visibleRuns().filter((run) => configs[run]);
        const keys = [...new Set(runs.flatMap((run) => Object.keys(configs[run]!)))]
          .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
        const differs = (key: string) => new Set(runs.map((run) => JSON.stringify(configs[run]![key] ?? null))).size > 1;
        const shown = keys.filter((key) => !onlyDifferent.checked || differs(key));
        if (runs.length === 0) {
          body.appendChild(h("p", { class: "empty" }, "No visible run has a run.json or hparams."));
          return;
        }
        const visible = new Set(store.visibleRuns());
        const groups = groupsTable(store.groups.filter((group) => group.runs.some((run) => visible.has(run))));
        if (groups) body.append(h("h3", { class: "table-title" }, "Seed groups"), groups, h("h3", { class: "table-title" }, "Runs"));
        body.appendChild(h("table", { class: "config-table" },
          h("thead", {}, h("tr", {}, h("th", {}, "run"), ...shown.map((key) => h("th", { class: differs(key) ? "differs" : "" }, key)))),
          h("tbody", {}, ...runs.map((run) => h("tr", { "data-run": run },
            h("th", {}, h("span", { class: "swatch", style: `background:${store.color(run)}` }), run),
            ...shown.map((key) => h("td", { class: differs(key) ? "differs" : "" }, show(configs[run]![key]))))))));
      }).catch((error: Error) => body.replaceChildren(h("p", { class: "empty" }, `could not load: ${error.message}`)));
    },
    update(changes: DataChange[]) {
      if (changes.some((c) => c.kinds.includes("hparams"))) view.render();
    },
  };
  return view;
}

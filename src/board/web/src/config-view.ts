// The Config tab: the seed groups with a visible run (seeds, and the final
// test accuracy's mean ± standard deviation over them), then one row per
// visible run: first its results (final test accuracy and loss, wall time),
// then one column per setting (run.json's config and other results, or the
// hparams of runs written by other tools). Columns that repeat another (the
// run's name, the iterations done when they are the iterations asked for)
// are left out. By default only the settings that differ between the visible
// runs are shown (the results always are); those that differ are highlighted.
// Accuracies read as percentages, losses with four decimals, times in seconds,
// as the command line prints them.

import { api, type ConfigValue, type GroupInfo } from "./api.js";
import { clear, formatNumber, h } from "./dom.js";
import { store, type DataChange } from "./state.js";
import type { View } from "./view.js";

/** The first columns, with their headers. */
const RESULT_COLUMNS: readonly (readonly [key: string, header: string])[] = [
  ["final/testAccuracy", "test accuracy"], ["final/testLoss", "test loss"], ["seconds", "time"],
];

/** Columns left out because the row header or another column says the same: [column, the column it repeats or null for the run's name]. */
const REPEATS: readonly (readonly [key: string, of: string | null])[] = [
  ["run", null], ["config/runName", null], ["iterations", "config/iterations"], ["parameterCount", "model/totalParameters"],
];

const ORDER = ["status", "final/", "finalWindow/", "config/", "hparams/"];
function rank(key: string): number {
  const result = RESULT_COLUMNS.findIndex(([column]) => column === key);
  if (result >= 0) return result - RESULT_COLUMNS.length;
  const i = ORDER.findIndex((prefix) => key.startsWith(prefix));
  return i < 0 ? ORDER.length : i;
}

function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(2)}%`;
}

/** A cell's text: accuracies as percentages, losses with 4 decimals, seconds with one ("26.7 s"). */
export function show(key: string, value: ConfigValue | undefined): string {
  if (value === undefined) return "";
  if (value === null) return "—";
  if (typeof value !== "number") return String(value);
  const name = key.slice(key.lastIndexOf("/") + 1);
  if (/accuracy/i.test(name) && value >= 0 && value <= 1) return percent(value);
  if (/loss/i.test(name)) return value.toFixed(4);
  if (/seconds$/i.test(name)) return `${value.toFixed(1)} s`;
  return formatNumber(value);
}

/** "97.92% ± 0.25" (std over the seeds, in points, as `compare` prints it); "98.00% (1 seed)" when only one has a result; "—" when none has. */
function meanAndStd(group: GroupInfo): string {
  const accuracy = group.final?.testAccuracy;
  if (!accuracy) return "—";
  if (accuracy.std === null) return `${percent(accuracy.mean)} (1 seed)`;
  return `${percent(accuracy.mean)} ± ${(100 * accuracy.std).toFixed(2)}`;
}

/** One row per group with a visible run; nothing when there is none. */
function groupsTable(groups: readonly GroupInfo[]): HTMLElement | null {
  if (groups.length === 0) return null;
  return h("table", { class: "config-table groups-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "group"), h("th", {}, "n"), h("th", {}, "seeds"), h("th", { title: "mean ± standard deviation over the seeds, in percentage points" }, "final test accuracy (mean ± std)"))),
    h("tbody", {}, ...groups.map((group) => h("tr", { "data-group": group.name },
      h("th", {}, h("span", { class: "swatch", style: `background:${store.groupColor(group.name)}` }), group.name),
      h("td", {}, String(group.runs.length)),
      h("td", { title: [...group.runs, ...group.repeats.map((run) => `${run} (repeats a seed; left out)`)].join("\n") }, group.seeds.join(", ")),
      h("td", {}, meanAndStd(group))))));
}

/** The columns of the runs' table, in order, without the ones that repeat another. */
function columnsOf(configs: Record<string, Record<string, ConfigValue>>, runs: readonly string[]): string[] {
  const repeats = (key: string, of: string | null) => of === null || runs.every((run) => JSON.stringify(configs[run]![key] ?? null) === JSON.stringify(configs[run]![of] ?? null));
  const left = new Set(REPEATS.filter(([key, of]) => repeats(key, of)).map(([key]) => key));
  return [...new Set(runs.flatMap((run) => Object.keys(configs[run]!)))]
    .filter((key) => !left.has(key))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function createConfigView(): View {
  const onlyDifferent = h("input", { type: "checkbox", checked: true, "aria-label": "only settings that differ", onchange: () => view.render() });
  const body = h("div", { class: "config-body" });
  const view: View = {
    title: "Config",
    id: "config",
    element: h("section", { class: "view", "data-view": "config" },
      h("div", { class: "toolbar" }, h("label", {}, onlyDifferent, " only settings that differ"),
        h("span", { class: "hint" }, "results first; highlighted: differs between the visible runs")),
      body),
    render() {
      void api.config().then((configs) => {
        clear(body);
        const runs = store.visibleRuns().filter((run) => configs[run]);
        if (runs.length === 0) {
          body.appendChild(h("p", { class: "empty" }, "No visible run has a run.json or hparams."));
          return;
        }
        const keys = columnsOf(configs, runs);
        const differs = (key: string) => new Set(runs.map((run) => JSON.stringify(configs[run]![key] ?? null))).size > 1;
        const isResult = (key: string) => RESULT_COLUMNS.some(([column]) => column === key);
        const shown = keys.filter((key) => isResult(key) || !onlyDifferent.checked || runs.length < 2 || differs(key));
        const header = (key: string) => RESULT_COLUMNS.find(([column]) => column === key)?.[1] ?? key;
        const cellClass = (key: string) => [isResult(key) ? "result" : "", differs(key) ? "differs" : ""].filter(Boolean).join(" ");
        const visible = new Set(store.visibleRuns());
        const groups = groupsTable(store.groups.filter((group) => group.runs.some((run) => visible.has(run))));
        if (groups) body.append(h("h3", { class: "table-title" }, "Seed groups"), groups, h("h3", { class: "table-title" }, "Runs"));
        body.appendChild(h("table", { class: "config-table runs-table" },
          h("thead", {}, h("tr", {}, h("th", {}, "run"), ...shown.map((key) => h("th", { class: cellClass(key), "data-key": key, title: key }, header(key))))),
          h("tbody", {}, ...runs.map((run) => h("tr", { "data-run": run },
            h("th", {}, h("span", { class: "swatch", style: `background:${store.color(run)}` }), run),
            ...shown.map((key) => h("td", { class: cellClass(key), "data-key": key, title: String(configs[run]![key] ?? "") }, show(key, configs[run]![key]))))))));
        if (onlyDifferent.checked && runs.length > 1 && shown.length < keys.length) {
          body.appendChild(h("p", { class: "hint" }, `${keys.length - shown.length} settings that are the same in every visible run are hidden; untick "only settings that differ" to see them.`));
        }
      }).catch((error: Error) => body.replaceChildren(h("p", { class: "empty" }, `could not load: ${error.message}`)));
    },
    update(changes: DataChange[]) {
      if (changes.some((c) => c.kinds.includes("hparams"))) view.render();
    },
  };
  return view;
}

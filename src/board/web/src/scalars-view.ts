// The Scalars tab: settings (smoothing, x axis, log scale, seed groups and
// their band, tag filter) and one chart per tag, grouped by the tag's prefix
// (loss/…, accuracy/…). A chart loads its data only when it scrolls into
// view, and asks for at most a few hundred points per run (the server keeps
// every k-th); a note says so, and the CSV/JSON buttons download every point.
// New points fetch again only the runs that got them.
// With "group seeds" on, each seed group with a visible run is fetched as
// one curve the server merged from every point of its runs (GET
// /api/groups/scalars: n, mean, std, std error, min, max at each step, then
// thinned), so seeds are merged at the same steps even when one run has
// more points than another; the buttons download those curves.

import { BAND_KINDS, BAND_LABELS, type BandKind } from "../../../stats/band.js";
import { api, apiUrl, type GroupCurve, type GroupInfo, type ScalarPoints } from "./api.js";
import { clear, download, h } from "./dom.js";
import { ScalarChart } from "./scalar-chart.js";
import { store, type DataChange, type XAxis } from "./state.js";
import type { View } from "./view.js";

/** Points per run to ask for: fewer when many runs share a chart. */
function samplesPerRun(runs: number): number {
  return Math.max(100, Math.min(1000, Math.floor(50_000 / Math.max(1, runs))));
}

/** What a chart of `tag` draws now: visible runs in no group (all visible runs without grouping), and groups with a visible run. */
function shownLines(tag: string): { runs: string[]; groups: GroupInfo[] } {
  const withTag = new Set(store.tags.scalars[tag] ?? []);
  const shown = store.visibleGroupsAndRuns();
  return { runs: shown.runs.filter((run) => withTag.has(run)), groups: shown.groups.filter((g) => g.runs.some((run) => withTag.has(run))) };
}

class TagCard {
  readonly element: HTMLElement;
  private readonly chartBox = h("div", { class: "chart" });
  private readonly note = h("div", { class: "chart-note" });
  readonly chart: ScalarChart;
  data: Record<string, ScalarPoints> | undefined;
  groupData: Record<string, GroupCurve> = {};
  visible = false;
  private loading = false;
  /** What must be fetched again: nothing, some runs (and their groups), or everything. */
  private stale: false | Set<string> | "all" = "all";

  constructor(readonly tag: string) {
    this.chart = new ScalarChart(this.chartBox);
    const file = tag.replace(/[^A-Za-z0-9._-]/g, "_");
    const exportFile = (format: string) => {
      const groups = store.groupSeeds ? shownLines(tag).groups.map((g) => g.name) : [];
      if (groups.length > 0) download(`${file}-groups.${format}`, apiUrl("groups/scalars/export", { tag, format, group: groups }));
      else download(`${file}.${format}`, apiUrl("scalars/export", { tag, format, run: store.visibleRuns() }));
    };
    const what = "every point of the visible runs (seeds grouped: each group's n, mean, std, std error, min and max at every step)";
    this.element = h("div", { class: "card chart-card", "data-tag": tag },
      h("div", { class: "card-title" },
        h("span", {}, tag),
        h("span", { class: "card-actions" },
          h("button", { type: "button", title: `${what} as CSV`, onclick: () => exportFile("csv") }, "CSV"),
          h("button", { type: "button", title: `${what} as JSON`, onclick: () => exportFile("json") }, "JSON"))),
      h("div", { class: "chart-wrap" }, this.chartBox, this.chart.tooltip),
      this.chart.legend,
      this.note);
  }

  /** Marks the card's data out of date: of some runs (fetched alone and merged, with their groups), or of all. */
  markStale(runs?: readonly string[]): void {
    if (runs === undefined || !this.data) this.stale = "all";
    else if (this.stale !== "all") {
      this.stale = this.stale || new Set();
      for (const run of runs) this.stale.add(run);
    }
    if (this.visible) void this.load();
  }

  async load(): Promise<void> {
    if (this.loading || !this.stale) return;
    const stale = this.stale;
    this.loading = true;
    this.stale = false;
    try {
      const { runs, groups } = shownLines(this.tag);
      const samples = samplesPerRun(runs.length + groups.length);
      const everything = stale === "all" || !this.data;
      // Live updates: only the runs that got new points, and the groups they are in, are fetched again.
      const runsToFetch = everything ? runs : runs.filter((run) => stale.has(run) || !this.data![run]);
      const groupsToFetch = groups.filter((g) => everything || !this.groupData[g.name] || g.runs.some((run) => stale.has(run))).map((g) => g.name);
      const [runData, groupData] = await Promise.all([
        runsToFetch.length > 0 ? api.scalars(this.tag, runsToFetch, samples) : {},
        groupsToFetch.length > 0 ? api.groupScalars(this.tag, groupsToFetch, samples) : {},
      ]);
      if (everything) {
        this.data = runData;
        this.groupData = groupData;
      } else {
        Object.assign(this.data!, runData);
        Object.assign(this.groupData, groupData);
      }
      this.draw();
    } catch (error) {
      this.note.textContent = `could not load: ${(error as Error).message}`;
    } finally {
      this.loading = false;
      if (this.stale && this.visible) void this.load();
    }
  }

  draw(): void {
    if (!this.data) return;
    const { runs, groups } = shownLines(this.tag);
    this.chart.draw(this.data, runs, this.groupData, groups.map((g) => g.name));
    const drawn = [...runs.map((run) => this.data![run]), ...groups.map((g) => this.groupData[g.name])];
    const thinned = drawn.filter((p) => p !== undefined && p.total > p.steps.length);
    this.note.textContent = thinned.length > 0
      ? `showing ${thinned[0]!.steps.length} of ${thinned[0]!.total} points per ${groups.length > 0 ? "curve" : "run"} (every k-th step); CSV/JSON have them all`
      : "";
    this.element.dataset.drawn = String(Date.now());
  }
}

export function createScalarsView(): View {
  const cards = new Map<string, TagCard>();
  const groups = h("div", { class: "tag-groups" });
  const smoothingValue = h("output", {}, store.smoothing.toFixed(3));
  const smoothing = h("input", {
    type: "range", min: 0, max: 0.999, step: 0.001, value: String(store.smoothing), "aria-label": "smoothing",
    oninput: () => {
      store.smoothing = Number(smoothing.value);
      smoothingValue.textContent = store.smoothing.toFixed(3);
      store.emit("settings");
    },
  });
  const xAxis = h("select", { "aria-label": "x axis", onchange: () => { store.xAxis = xAxis.value as XAxis; store.emit("settings"); } },
    h("option", { value: "step" }, "step"), h("option", { value: "relative" }, "relative (hours)"), h("option", { value: "wall" }, "wall time"));
  xAxis.value = store.xAxis;
  const logScale = h("input", { type: "checkbox", checked: store.logScale, onchange: () => { store.logScale = logScale.checked; store.emit("settings"); } });
  const groupSeeds = h("input", {
    type: "checkbox", checked: store.groupSeeds, "aria-label": "group seeds",
    onchange: () => {
      store.groupSeeds = groupSeeds.checked;
      showGroupSettings();
      store.emit("settings");
      view.render(); // groups and runs are fetched differently
    },
  });
  const bandKind = h("select", {
    "aria-label": "band", title: "what the band around each group's mean spans",
    onchange: () => { store.bandKind = bandKind.value as BandKind; store.emit("settings"); },
  }, ...BAND_KINDS.map((kind) => h("option", { value: kind }, BAND_LABELS[kind])));
  bandKind.value = store.bandKind;
  const groupHint = h("span", { class: "hint" });
  /** The band selector and the x axis follow the toggle: a group is drawn against the step. */
  function showGroupSettings(): void {
    bandKind.disabled = !store.groupSeeds;
    xAxis.disabled = store.groupSeeds;
    xAxis.value = store.xAxisDrawn();
    xAxis.title = store.groupSeeds ? "with seeds grouped the x axis is the step (a group's seeds ran at different times)" : "";
    groupHint.textContent = !store.groupSeeds ? ""
      : store.groups.length === 0 ? "no seed groups: a group is two or more runs whose run.json configs differ only in the seed"
      : `${store.groups.length} group${store.groups.length === 1 ? "" : "s"}; runs in no group are drawn alone`;
  }
  store.on("runs", showGroupSettings);
  showGroupSettings();
  let tagFilter = "";
  const tagFilterInput = h("input", { type: "search", placeholder: "filter tags (regex)", oninput: () => { tagFilter = tagFilterInput.value; view.render(); } });
  const toolbar = h("div", { class: "toolbar" },
    h("label", {}, "smoothing ", smoothing, smoothingValue),
    h("label", {}, "x axis ", xAxis),
    h("label", {}, logScale, " log scale"),
    h("label", { title: "draw the runs that differ only in the seed as one mean line with a band" }, groupSeeds, " group seeds"),
    h("label", {}, "band ", bandKind),
    tagFilterInput,
    groupHint);

  /** The tags to show: let through by the tag filter and logged by a visible run. */
  function shownTags(): string[] {
    let pattern: RegExp | undefined;
    try {
      pattern = tagFilter ? new RegExp(tagFilter, "i") : undefined;
      tagFilterInput.classList.remove("invalid");
    } catch {
      tagFilterInput.classList.add("invalid");
    }
    const visible = new Set(store.visibleRuns());
    return Object.entries(store.tags.scalars)
      .filter(([tag, runs]) => (!pattern || pattern.test(tag)) && runs.some((run) => visible.has(run)))
      .map(([tag]) => tag);
  }

  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const card = cards.get((entry.target as HTMLElement).dataset.tag ?? "");
      if (!card) continue;
      card.visible = entry.isIntersecting;
      if (card.visible) void card.load();
    }
  }, { rootMargin: "200px" });
  const resizeObserver = new ResizeObserver(() => cards.forEach((card) => card.chart.resize()));
  resizeObserver.observe(groups);

  store.on("settings", () => cards.forEach((card) => card.draw()));

  const view: View = {
    title: "Scalars",
    id: "scalars",
    element: h("section", { class: "view", "data-view": "scalars" }, toolbar, groups),
    render() {
      const tags = shownTags();
      for (const [tag, card] of cards) {
        if (!tags.includes(tag)) {
          observer.unobserve(card.element);
          card.chart.destroy();
          cards.delete(tag);
        }
      }
      clear(groups);
      const byGroup = new Map<string, string[]>();
      for (const tag of tags) {
        const group = tag.includes("/") ? tag.slice(0, tag.indexOf("/")) : tag;
        byGroup.set(group, [...(byGroup.get(group) ?? []), tag]);
      }
      for (const [group, groupTags] of byGroup) {
        const grid = h("div", { class: "card-grid" });
        for (const tag of groupTags) {
          let card = cards.get(tag);
          if (!card) {
            card = new TagCard(tag);
            cards.set(tag, card);
            observer.observe(card.element);
          }
          card.markStale();
          grid.appendChild(card.element);
        }
        groups.appendChild(h("details", { class: "tag-group", open: true }, h("summary", {}, `${group} (${groupTags.length})`), grid));
      }
      if (tags.length === 0) groups.appendChild(h("p", { class: "empty" }, store.runs.length === 0 ? "No runs yet." : "No scalar tags in the visible runs."));
    },
    update(changes: DataChange[]) {
      const runs = [...new Set(changes.filter((c) => c.kinds.includes("scalars")).map((c) => c.run))];
      if (runs.length === 0) return;
      const tags = shownTags();
      if (tags.length !== cards.size || tags.some((tag) => !cards.has(tag))) view.render();
      else cards.forEach((card) => card.markStale(runs));
    },
    hide() {
      cards.forEach((card) => { card.visible = false; });
    },
  };
  return view;
}

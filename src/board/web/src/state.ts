// The page's state and its change notifications: the runs and their colours
// (src/util/run-colors.ts, the report's too), which are switched on and which
// the regex filter lets through, the tags, the seed groups and their colours,
// and the settings (the scalars' grouping of seeds and band, the histograms'
// shared range among them).
// Runs are on unless switched off, so a run that appears while the page is
// open is shown at once; what is switched off, the filter and the settings
// survive a reload (localStorage).

import { BAND_KINDS, type BandKind } from "../../../stats/band.js";
import { assignLogdirColors } from "../../../util/run-colors.js";
import { api, type GroupInfo, type RunInfo, type Status, type Tags } from "./api.js";

export type XAxis = "step" | "relative" | "wall";
export type Topic = "runs" | "selection" | "settings" | "data" | "status";
export interface DataChange {
  run: string;
  kinds: string[];
}

const STORAGE_KEY = "lenet-lab-board";

class Store {
  status: Status = { loading: true, runs: 0, runsLoaded: 0, events: 0 };
  runs: RunInfo[] = [];
  colors = new Map<string, string>();
  tags: Tags = { scalars: {}, histograms: {}, images: {}, text: {} };
  switchedOff = new Set<string>();
  filter = "";
  filterError: string | undefined;
  smoothing = 0.6;
  xAxis: XAxis = "step";
  logScale = false;
  /** Draw each seed group as its mean and a band instead of one line per run. */
  groupSeeds = false;
  bandKind: BandKind = "minmax";
  /** Histograms and distributions: one value range for every run of a tag, instead of each run's own. */
  sharedHistogramRange = false;
  groups: GroupInfo[] = [];
  groupColors = new Map<string, string>();
  /** The group each member run belongs to (repeats of a seed belong to none). */
  private groupOfRun = new Map<string, GroupInfo>();
  private listeners = new Map<Topic, Set<(detail?: unknown) => void>>();

  constructor() {
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "{}") as Partial<{
        off: string[]; filter: string; smoothing: number; xAxis: XAxis; logScale: boolean; groupSeeds: boolean; bandKind: BandKind;
        sharedHistogramRange: boolean;
      }>;
      this.switchedOff = new Set(saved.off ?? []);
      this.filter = saved.filter ?? "";
      if (typeof saved.smoothing === "number") this.smoothing = saved.smoothing;
      if (saved.xAxis) this.xAxis = saved.xAxis;
      this.logScale = saved.logScale ?? false;
      this.groupSeeds = saved.groupSeeds ?? false;
      if (saved.bandKind && BAND_KINDS.includes(saved.bandKind)) this.bandKind = saved.bandKind;
      this.sharedHistogramRange = saved.sharedHistogramRange ?? false;
    } catch {
      // A broken saved state is ignored.
    }
  }

  on(topic: Topic, listener: (detail?: unknown) => void): () => void {
    if (!this.listeners.has(topic)) this.listeners.set(topic, new Set());
    this.listeners.get(topic)!.add(listener);
    return () => this.listeners.get(topic)!.delete(listener);
  }

  emit(topic: Topic, detail?: unknown): void {
    for (const listener of this.listeners.get(topic) ?? []) listener(detail);
    if (topic === "selection" || topic === "settings") this.save();
  }

  private save(): void {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({
      off: [...this.switchedOff], filter: this.filter, smoothing: this.smoothing, xAxis: this.xAxis, logScale: this.logScale,
      groupSeeds: this.groupSeeds, bandKind: this.bandKind, sharedHistogramRange: this.sharedHistogramRange,
    }));
  }

  /** Reloads the run list, the tags and the seed groups from the server. */
  async refreshRuns(): Promise<void> {
    const [runs, tags, groups] = await Promise.all([api.runs(), api.tags(), api.groups()]);
    this.runs = runs;
    this.tags = tags;
    this.groups = groups;
    this.groupOfRun = new Map(groups.flatMap((group) => group.runs.map((run) => [run, group] as const)));
    const colors = assignLogdirColors(runs, groups);
    this.colors = colors.runs;
    this.groupColors = colors.groups;
    this.emit("runs");
  }

  /** The filter as a RegExp (case-insensitive), or undefined when it is empty or invalid. */
  filterRegExp(): RegExp | undefined {
    if (!this.filter) return undefined;
    try {
      return new RegExp(this.filter, "i");
    } catch {
      return undefined;
    }
  }

  setFilter(text: string): void {
    this.filter = text;
    try {
      if (text) new RegExp(text, "i");
      this.filterError = undefined;
    } catch (error) {
      this.filterError = (error as Error).message;
    }
    this.emit("selection");
  }

  passesFilter(name: string): boolean {
    if (this.filterError) return true;
    return this.filterRegExp()?.test(name) ?? true;
  }

  /** Runs drawn in every view: switched on and let through by the filter, by name. */
  visibleRuns(): string[] {
    return this.runs.map((r) => r.name).filter((name) => !this.switchedOff.has(name) && this.passesFilter(name));
  }

  setRunOn(name: string, on: boolean): void {
    if (on) this.switchedOff.delete(name);
    else this.switchedOff.add(name);
    this.emit("selection");
  }

  color(name: string): string {
    return this.colors.get(name) ?? "#888";
  }

  /** The x axis the charts use: the step while seeds are grouped (a group's seeds ran at different times). */
  xAxisDrawn(): XAxis {
    return this.groupSeeds ? "step" : this.xAxis;
  }

  groupColor(name: string): string {
    return this.groupColors.get(name) ?? "#888";
  }

  /** The seed group a run is a member of, if any. */
  groupOf(run: string): GroupInfo | undefined {
    return this.groupOfRun.get(run);
  }

  /** With grouping on: the groups with a visible member, and the visible runs drawn alone (in no group). */
  visibleGroupsAndRuns(): { groups: GroupInfo[]; runs: string[] } {
    const visible = this.visibleRuns();
    if (!this.groupSeeds) return { groups: [], runs: visible };
    const shown = new Set(visible.map((run) => this.groupOf(run)).filter((g) => g !== undefined));
    return { groups: this.groups.filter((g) => shown.has(g)), runs: visible.filter((run) => !this.groupOf(run)) };
  }

  run(name: string): RunInfo | undefined {
    return this.runs.find((r) => r.name === name);
  }
}

export const store = new Store();

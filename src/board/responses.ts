// The JSON bodies of the dashboard's API, built from the index: run list,
// tags, configs, scalar series (optionally thinned for drawing), histograms,
// image lists, text. Pure functions of the in-memory data; no HTTP here.
// Not here: routes and parameter checks (api.ts).

import { runCreatedAt } from "../util/run-colors.js";
import type { LogdirIndex, RunEntry } from "./logdir-index.js";
import { listFc2Files, readProjectorConfig, readRunJson } from "./run-files.js";
import type { ScalarSeries } from "./run-store.js";

export interface RunInfo {
  name: string;
  /** Seconds since the epoch in the name of the run's first event file (`…tfevents.<seconds>.…`). */
  createdAt: number | null;
  loaded: boolean;
  events: number;
  firstWallTime: number | null;
  lastWallTime: number | null;
  tagCounts: { scalars: number; histograms: number; images: number; text: number };
  warnings: string[];
  hasRunJson: boolean;
  fc2Digits: number[];
  /** The PNG figures in the run's fc2 directory (digit maps, class means, …). */
  fc2Figures: string[];
  embeddings: number;
}

export function runInfo(index: LogdirIndex, run: RunEntry): RunInfo {
  const s = run.store;
  const runJson = readRunJson(run.dir);
  const warnings = index.warningsOf(run);
  if (runJson.problem) warnings.push(runJson.problem);
  const fc2 = listFc2Files(run.dir);
  let embeddings = 0;
  try {
    embeddings = readProjectorConfig(run.dir).length;
  } catch (error) {
    warnings.push(`projector config could not be read: ${(error as Error).message}`);
  }
  return {
    name: run.name,
    createdAt: runCreatedAt([...run.scanners.keys()]),
    loaded: run.loaded,
    events: s.eventCount,
    firstWallTime: Number.isFinite(s.firstWallTime) ? s.firstWallTime : null,
    lastWallTime: s.lastWallTime > 0 ? s.lastWallTime : null,
    tagCounts: { scalars: s.scalars.size, histograms: s.histograms.size, images: s.images.size, text: s.texts.size },
    warnings,
    hasRunJson: runJson.values !== undefined,
    fc2Digits: fc2?.digits ?? [],
    fc2Figures: fc2?.files.filter((name) => name.endsWith(".png")) ?? [],
    embeddings,
  };
}

/** Every tag of each kind, with the runs that have it. */
export function tagsResponse(index: LogdirIndex): Record<"scalars" | "histograms" | "images" | "text", Record<string, string[]>> {
  const out = { scalars: {}, histograms: {}, images: {}, text: {} } as Record<"scalars" | "histograms" | "images" | "text", Record<string, string[]>>;
  const add = (kind: keyof typeof out, tags: Iterable<string>, run: string) => {
    for (const tag of tags) (out[kind][tag] ??= []).push(run);
  };
  for (const run of index.runs.values()) {
    add("scalars", run.store.scalars.keys(), run.name);
    add("histograms", run.store.histograms.keys(), run.name);
    add("images", run.store.images.keys(), run.name);
    add("text", run.store.texts.keys(), run.name);
  }
  for (const kind of Object.keys(out) as (keyof typeof out)[]) {
    out[kind] = Object.fromEntries(Object.entries(out[kind]).sort(([a], [b]) => a.localeCompare(b)));
  }
  return out;
}

/** Each run's configuration: run.json flattened (config/…, final/…), then hparams not already there. */
export function configResponse(index: LogdirIndex): Record<string, Record<string, string | number | boolean | null>> {
  const out: Record<string, Record<string, string | number | boolean | null>> = {};
  for (const run of index.runs.values()) {
    const values: Record<string, string | number | boolean | null> = { ...(readRunJson(run.dir).values ?? {}) };
    for (const [name, value] of Object.entries(run.store.hparams ?? {})) {
      if (!(`config/${name}` in values)) values[`hparams/${name}`] = value;
    }
    out[run.name] = values;
  }
  return out;
}

export interface ScalarPoints {
  /** Points the run has for this tag. */
  total: number;
  steps: number[];
  wallTimes: number[];
  values: (number | null)[];
}

/** JSON has no NaN or Infinity: they become null (and are counted as such by the page). */
function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/**
 * The positions kept when `total` points are thinned to about `samples`: with
 * `samples` > 0 and more points than that, every k-th (k = ceil(total / samples))
 * plus the last one; else all of them.
 */
export function thinnedPositions(total: number, samples: number): number[] {
  const stride = samples > 0 && total > samples ? Math.ceil(total / samples) : 1;
  const kept: number[] = [];
  for (let k = 0; k < total; k += stride) kept.push(k);
  if (stride > 1 && (total - 1) % stride !== 0) kept.push(total - 1);
  return kept;
}

/**
 * The points of a series in step order, thinned by `thinnedPositions`: runs
 * that log the same steps and have as many points keep the same steps, so
 * their curves stay aligned; `total` tells the page how many there are in all.
 */
export function scalarPoints(series: ScalarSeries, samples: number): ScalarPoints {
  const order = series.order();
  const kept = thinnedPositions(order.length, samples).map((k) => order[k]!);
  return {
    total: order.length,
    steps: kept.map((i) => series.steps[i]!),
    wallTimes: kept.map((i) => series.wallTimes[i]!),
    values: kept.map((i) => finiteOrNull(series.values[i]!)),
  };
}

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Every point of a tag's series as CSV: run,step,wall_time,value (values that are not finite as nan/inf). */
export function scalarsCsv(series: Map<string, ScalarSeries>): string {
  const lines = ["run,step,wall_time,value"];
  for (const [run, s] of series) {
    const order = s.order();
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      const v = s.values[i]!;
      const value = Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : String(v);
      lines.push(`${csvField(run)},${s.steps[i]},${s.wallTimes[i]},${value}`);
    }
  }
  return lines.join("\n") + "\n";
}

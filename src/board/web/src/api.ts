// Typed calls to the dashboard's JSON API (src/board/api.ts); one function per
// route, each throwing an Error with the server's message on a non-2xx answer.

// The seed groups' shapes are the server's own (src/board/group-json.ts).
import type { GroupCurveColumns as GroupCurve, GroupInfo } from "../../group-json.js";

export type { GroupCurve, GroupInfo };

export interface RunInfo {
  name: string;
  /** Seconds since the epoch in the name of the run's first event file (null when unknown). */
  createdAt: number | null;
  loaded: boolean;
  events: number;
  firstWallTime: number | null;
  lastWallTime: number | null;
  tagCounts: { scalars: number; histograms: number; images: number; text: number };
  warnings: string[];
  hasRunJson: boolean;
  fc2Digits: number[];
  fc2Figures: string[];
  embeddings: number;
}

export interface Status {
  logdir?: string;
  loading: boolean;
  runs: number;
  runsLoaded: number;
  events: number;
  problem?: string;
}

export type Tags = Record<"scalars" | "histograms" | "images" | "text", Record<string, string[]>>;

export interface ScalarPoints {
  total: number;
  steps: number[];
  wallTimes: number[];
  values: (number | null)[];
}

export interface HistogramPoint {
  step: number;
  wallTime: number;
  min: number;
  max: number;
  num: number;
  limits: number[];
  counts: number[];
}

export interface ImagePoint {
  index: number;
  step: number;
  wallTime: number;
  width: number;
  height: number;
  sample: number;
}

export interface Embedding {
  name: string;
  rows: number;
  cols: number;
  vectors: number[][];
  header: string[];
  metadata: string[][];
  sprite?: { path: string; width: number; height: number };
}

export type ConfigValue = string | number | boolean | null;

/** Builds /api/<route>?… from parameters (arrays become repeated parameters). */
export function apiUrl(route: string, params: Record<string, string | number | readonly string[] | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) search.append(name, item);
    else search.append(name, String(value));
  }
  const query = search.toString();
  return `api/${route}${query ? `?${query}` : ""}`;
}

async function getJson<T>(route: string, params: Record<string, string | number | readonly string[] | undefined> = {}): Promise<T> {
  const response = await fetch(apiUrl(route, params));
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${route}: HTTP ${response.status}`);
  return body;
}

export const api = {
  status: () => getJson<Status>("status"),
  runs: () => getJson<{ runs: RunInfo[] }>("runs").then((r) => r.runs),
  tags: () => getJson<Tags>("tags"),
  config: () => getJson<{ runs: Record<string, Record<string, ConfigValue>> }>("config").then((r) => r.runs),
  scalars: (tag: string, runs: readonly string[], samples: number) =>
    getJson<{ tag: string; runs: Record<string, ScalarPoints> }>("scalars", { tag, run: runs, samples }).then((r) => r.runs),
  groups: () => getJson<{ groups: GroupInfo[] }>("groups").then((r) => r.groups),
  groupScalars: (tag: string, groups: readonly string[], samples: number) =>
    getJson<{ tag: string; groups: Record<string, GroupCurve> }>("groups/scalars", { tag, group: groups, samples }).then((r) => r.groups),
  histograms: (run: string, tag: string) =>
    getJson<{ total: number; points: HistogramPoint[] }>("histograms", { run, tag, samples: 200 }),
  images: (run: string, tag: string) => getJson<{ points: ImagePoint[] }>("images", { run, tag }).then((r) => r.points),
  text: (run: string) => getJson<{ tags: Record<string, { step: number; text: string }[]> }>("text", { run }).then((r) => r.tags),
  fc2: (run: string) => getJson<{ digits: number[]; files: string[] }>("fc2", { run }),
  embeddings: (run: string) => getJson<{ embeddings: { index: number; name: string }[] }>("embeddings", { run }).then((r) => r.embeddings),
  embedding: (run: string, index: number) => getJson<Embedding>("embedding", { run, index }),
};

export const imageUrl = (run: string, tag: string, index: number) => apiUrl("image", { run, tag, index });
export const fileUrl = (run: string, path: string) => apiUrl("file", { run, path });

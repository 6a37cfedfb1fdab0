// Everything the dashboard holds of one run, fed chunk by chunk (the scalar
// columns of event-batch.ts, then the other events one by one): scalar
// series in growable typed columns, histograms, images (PNG bytes, every
// step kept), text, hyperparameters, and the plugin each tag was declared
// with. No sampling happens here: every point read is kept — until a
// restart marker (a session start after the run's first, written when a run
// resumes from a checkpoint) supersedes the points at its step and later, as
// TensorBoard (and src/tensorboard/run-events.ts) drops them: the files must
// then be fed in the order they were started.
// Not here: reading files (event-scanner.ts, event-batch.ts), serving (api.ts).

import type { EventBatch } from "./event-batch.js";
import type { RawEvent } from "./event-scanner.js";
import { int64ToNumber } from "./event-scanner.js";
import { RestartRule, SESSION_START } from "../tensorboard/run-events.js";
import { types } from "../tensorboard/schema.js";
import { classifyValue, pluginNameOf, type HistogramData } from "./summary-values.js";

/** A scalar curve: parallel columns, in the order the points were read. */
export class ScalarSeries {
  steps = new Float64Array(64);
  wallTimes = new Float64Array(64);
  values = new Float64Array(64);
  length = 0;
  /** False once a step is lower than the one before (then readers sort). */
  ordered = true;

  /** Drops the points at `step` and later, keeping the others in their order; returns how many went. */
  dropFrom(step: number): number {
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      if (this.steps[i]! >= step) continue;
      this.steps[kept] = this.steps[i]!;
      this.wallTimes[kept] = this.wallTimes[i]!;
      this.values[kept] = this.values[i]!;
      kept++;
    }
    const dropped = this.length - kept;
    this.length = kept;
    return dropped;
  }

  push(step: number, wallTime: number, value: number): void {
    if (this.length === this.steps.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.steps = grow(this.steps);
      this.wallTimes = grow(this.wallTimes);
      this.values = grow(this.values);
    }
    if (this.length > 0 && step < this.steps[this.length - 1]!) this.ordered = false;
    this.steps[this.length] = step;
    this.wallTimes[this.length] = wallTime;
    this.values[this.length] = value;
    this.length++;
  }

  /** Indices of the points in step order (stable). */
  order(): Uint32Array {
    const index = new Uint32Array(this.length);
    for (let i = 0; i < index.length; i++) index[i] = i;
    if (!this.ordered) index.sort((a, b) => this.steps[a]! - this.steps[b]! || a - b);
    return index;
  }
}

export interface HistogramPoint extends HistogramData {
  step: number;
  wallTime: number;
}

export interface ImagePoint {
  step: number;
  wallTime: number;
  width: number;
  height: number;
  /** Position among the images logged for this tag at this step (TF2 logs several per step). */
  sample: number;
  png: Uint8Array;
}

export interface TextPoint {
  step: number;
  wallTime: number;
  text: string;
}

/** What changed in a run; "warnings" when the problems of its files changed. */
export type DataKind = "scalars" | "histograms" | "images" | "text" | "hparams" | "warnings";

/** One run's data. `ingest` returns which kinds of data it changed. */
export class RunStore {
  readonly scalars = new Map<string, ScalarSeries>();
  readonly histograms = new Map<string, HistogramPoint[]>();
  readonly images = new Map<string, ImagePoint[]>();
  readonly texts = new Map<string, TextPoint[]>();
  hparams: Record<string, string | number | boolean> | undefined;
  /** Tags whose values could not be shown, with the reason (counted, not dropped silently). */
  readonly ignored = new Map<string, { reason: string; count: number }>();
  private readonly tagPlugins = new Map<string, string>();
  eventCount = 0;
  lastWallTime = 0;
  firstWallTime = Infinity;
  /** Decides which session start is a restart, as the report's reading does. */
  private readonly restartRule = new RestartRule();
  /** Steps at which a restart superseded earlier points. */
  readonly restarts: number[] = [];

  /**
   * Adds a chunk's events: its scalar columns and its other events (decoded
   * here), cut at each session start so that a restart drops only what was
   * written before it.
   */
  ingestBatch(batch: EventBatch, changed: Set<DataKind>): void {
    if (batch.scalarEvents > 0) {
      this.eventCount += batch.scalarEvents;
      if (batch.maxWallTime > this.lastWallTime) this.lastWallTime = batch.maxWallTime;
      if (batch.minWallTime < this.firstWallTime) this.firstWallTime = batch.minWallTime;
    }
    const series = batch.tags.map((tag) => this.scalarSeries(tag));
    const pushScalars = (from: number, to: number) => {
      for (let i = from; i < to; i++) series[batch.tagIndex[i]!]!.push(batch.steps[i]!, batch.wallTimes[i]!, batch.values[i]!);
      if (to > from) changed.add("scalars");
    };
    const ingestOthers = (from: number, to: number) => {
      if (to > from) this.ingest(batch.others.slice(from, to).map((bytes) => types.Event.decode(bytes) as RawEvent), changed);
    };
    let scalarsDone = 0;
    let othersDone = 0;
    for (const start of batch.sessionStarts ?? []) {
      pushScalars(scalarsDone, start.scalarPoints);
      ingestOthers(othersDone, start.otherIndex + 1);
      scalarsDone = start.scalarPoints;
      othersDone = start.otherIndex + 1;
    }
    pushScalars(scalarsDone, batch.tagIndex.length);
    ingestOthers(othersDone, batch.others.length);
  }

  /** A session start at `step`: the run's beginning the first time, afterwards a restart dropping every point at `step` and later. */
  private sessionStart(startStep: number, changed: Set<DataKind>): void {
    const step = this.restartRule.sessionStart(startStep);
    if (step === null) return;
    this.restarts.push(step);
    for (const series of this.scalars.values()) if (series.dropFrom(step) > 0) changed.add("scalars");
    if (dropFrom(this.histograms, step)) changed.add("histograms");
    if (dropFrom(this.images, step)) changed.add("images");
    if (dropFrom(this.texts, step)) changed.add("text");
  }

  ingest(events: readonly RawEvent[], changed: Set<DataKind>): void {
    for (const event of events) {
      this.eventCount++;
      const wallTime = event.wallTime as number;
      if (wallTime > this.lastWallTime) this.lastWallTime = wallTime;
      if (wallTime < this.firstWallTime) this.firstWallTime = wallTime;
      if (event.what === "sessionLog" && (event.sessionLog as { status?: number } | null)?.status === SESSION_START) {
        this.sessionStart(int64ToNumber(event.step), changed);
        continue;
      }
      if (event.what !== "summary") continue;
      const values = (event.summary as { value?: unknown[] } | null)?.value;
      if (!values) continue;
      const step = int64ToNumber(event.step);
      for (const value of values) this.ingestValue(value as Record<string, unknown>, step, wallTime, changed);
    }
  }

  private ingestValue(value: Record<string, unknown>, step: number, wallTime: number, changed: Set<DataKind>): void {
    const tag = value.tag as string;
    // Fast path for the bulk of every logdir: classic scalars.
    if (value.value === "simpleValue") {
      this.scalarSeries(tag).push(step, wallTime, value.simpleValue as number);
      changed.add("scalars");
      return;
    }
    const declared = pluginNameOf(value);
    if (declared) this.tagPlugins.set(tag, declared);
    const classified = classifyValue(value, declared ?? this.tagPlugins.get(tag));
    switch (classified.kind) {
      case "scalar":
        this.scalarSeries(tag).push(step, wallTime, classified.value);
        changed.add("scalars");
        break;
      case "histogram":
        listIn(this.histograms, tag).push({ step, wallTime, ...classified.histogram });
        changed.add("histograms");
        break;
      case "images": {
        const list = listIn(this.images, tag);
        classified.pngs.forEach((png, sample) => list.push({ step, wallTime, width: classified.width, height: classified.height, sample, png }));
        changed.add("images");
        break;
      }
      case "text":
        listIn(this.texts, tag).push({ step, wallTime, text: classified.text });
        changed.add("text");
        break;
      case "hparams":
        this.hparams = classified.hparams;
        changed.add("hparams");
        break;
      case "ignored": {
        const entry = this.ignored.get(tag) ?? { reason: classified.reason, count: 0 };
        entry.count++;
        this.ignored.set(tag, entry);
        break;
      }
    }
  }

  private scalarSeries(tag: string): ScalarSeries {
    let series = this.scalars.get(tag);
    if (!series) {
      series = new ScalarSeries();
      this.scalars.set(tag, series);
    }
    return series;
  }
}

/** Drops the points at `step` and later from every list of the map; true when any went. */
function dropFrom<T extends { step: number }>(map: Map<string, T[]>, step: number): boolean {
  let dropped = false;
  for (const [tag, list] of map) {
    const kept = list.filter((point) => point.step < step);
    if (kept.length === list.length) continue;
    map.set(tag, kept);
    dropped = true;
  }
  return dropped;
}

function listIn<T>(map: Map<string, T[]>, tag: string): T[] {
  let list = map.get(tag);
  if (!list) {
    list = [];
    map.set(tag, list);
  }
  return list;
}

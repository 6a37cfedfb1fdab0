// Everything the dashboard holds of one run, fed chunk by chunk (the scalar
// columns of event-batch.ts, then the other events one by one): scalar
// series in growable typed columns, histograms, images (PNG bytes, every
// step kept), text, hyperparameters, and the plugin each tag was declared
// with. No sampling happens here: every point read is kept.
// Not here: reading files (event-scanner.ts, event-batch.ts), serving (api.ts).

import type { EventBatch } from "./event-batch.js";
import type { RawEvent } from "./event-scanner.js";
import { int64ToNumber } from "./event-scanner.js";
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

  /** Adds a chunk's events: its scalar columns, then its other events (decoded here). */
  ingestBatch(batch: EventBatch, changed: Set<DataKind>): void {
    if (batch.scalarEvents > 0) {
      this.eventCount += batch.scalarEvents;
      if (batch.maxWallTime > this.lastWallTime) this.lastWallTime = batch.maxWallTime;
      if (batch.minWallTime < this.firstWallTime) this.firstWallTime = batch.minWallTime;
      const series = batch.tags.map((tag) => this.scalarSeries(tag));
      for (let i = 0; i < batch.tagIndex.length; i++) series[batch.tagIndex[i]!]!.push(batch.steps[i]!, batch.wallTimes[i]!, batch.values[i]!);
      changed.add("scalars");
    }
    if (batch.others.length > 0) this.ingest(batch.others.map((bytes) => types.Event.decode(bytes) as RawEvent), changed);
  }

  ingest(events: readonly RawEvent[], changed: Set<DataKind>): void {
    for (const event of events) {
      this.eventCount++;
      const wallTime = event.wallTime as number;
      if (wallTime > this.lastWallTime) this.lastWallTime = wallTime;
      if (wallTime < this.firstWallTime) this.firstWallTime = wallTime;
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

function listIn<T>(map: Map<string, T[]>, tag: string): T[] {
  let list = map.get(tag);
  if (!list) {
    list = [];
    map.set(tag, list);
  }
  return list;
}

// One chunk of an event file, read and reduced to what crosses a thread
// boundary cheaply: the plain scalar points (by far the bulk of any logdir) as
// typed columns, and every other event as its serialized bytes, to be
// classified by the run's store. Works the same in a worker thread
// (parse-worker.ts) and in the main thread. Pure apart from reading the file.
// Not here: the thread pool (parse-pool.ts), storing (run-store.ts).

import { SESSION_START } from "../tensorboard/run-events.js";
import { EventFileScanner, int64ToNumber, MAX_CHUNK_BYTES, type ScanProblem, type ScannedEvent } from "./event-scanner.js";

/** Points of plain scalar events (every value a simple_value), in file order. */
export interface EventBatch {
  /** Events reduced to scalar points. */
  scalarEvents: number;
  minWallTime: number;
  maxWallTime: number;
  tags: string[];
  /** Index into `tags` of each point. */
  tagIndex: Uint32Array;
  steps: Float64Array;
  wallTimes: Float64Array;
  values: Float64Array;
  /** Every other event (histograms, images, text, tensors, file version, …), serialized, in file order. */
  others: Uint8Array[];
  /**
   * The session starts in the chunk (a resumed run's restart marker among
   * them), with where they fall: after `scalarPoints` scalar points and at
   * `otherIndex` in `others`, so that the store applies each one between the
   * points written before it and those written after.
   */
  sessionStarts: { step: number; scalarPoints: number; otherIndex: number }[];
}

export interface ChunkRequest {
  path: string;
  offset: number;
  maxBytes?: number;
}

/** The scanner's state after the read, its new problems, and the events read. */
export interface ChunkResult {
  offset: number;
  fileSize: number;
  pendingBytes: number;
  stopped: boolean;
  problems: ScanProblem[];
  batch: EventBatch;
}

/** Splits decoded events into scalar columns and the serialized rest. */
export function batchEvents(events: readonly ScannedEvent[]): EventBatch {
  const tagIds = new Map<string, number>();
  const tags: string[] = [];
  const tagIndex: number[] = [];
  const steps: number[] = [];
  const wallTimes: number[] = [];
  const values: number[] = [];
  const others: Uint8Array[] = [];
  const sessionStarts: EventBatch["sessionStarts"] = [];
  let scalarEvents = 0;
  let minWallTime = Infinity;
  let maxWallTime = -Infinity;
  for (const { event, data } of events) {
    const summaryValues = event.what === "summary" ? ((event.summary as { value?: { value?: string; tag: string; simpleValue: number; metadata?: unknown }[] } | null)?.value ?? []) : [];
    const plain = summaryValues.length > 0 && summaryValues.every((v) => v.value === "simpleValue" && !v.metadata);
    if (!plain) {
      if (event.what === "sessionLog" && (event.sessionLog as { status?: number } | null)?.status === SESSION_START) {
        sessionStarts.push({ step: int64ToNumber(event.step), scalarPoints: steps.length, otherIndex: others.length });
      }
      others.push(Uint8Array.from(data));
      continue;
    }
    scalarEvents++;
    const wallTime = event.wallTime as number;
    if (wallTime < minWallTime) minWallTime = wallTime;
    if (wallTime > maxWallTime) maxWallTime = wallTime;
    const step = int64ToNumber(event.step);
    for (const v of summaryValues) {
      let id = tagIds.get(v.tag);
      if (id === undefined) {
        id = tags.length;
        tags.push(v.tag);
        tagIds.set(v.tag, id);
      }
      tagIndex.push(id);
      steps.push(step);
      wallTimes.push(wallTime);
      values.push(v.simpleValue);
    }
  }
  return {
    scalarEvents, minWallTime, maxWallTime, tags,
    tagIndex: Uint32Array.from(tagIndex), steps: Float64Array.from(steps), wallTimes: Float64Array.from(wallTimes), values: Float64Array.from(values),
    others, sessionStarts,
  };
}

/** Reads one chunk of `path` from `offset` (see EventFileScanner) and batches its events. */
export function readChunk(request: ChunkRequest): ChunkResult {
  const scanner = new EventFileScanner(request.path);
  scanner.offset = request.offset;
  const batch = batchEvents(scanner.readNext(request.maxBytes ?? MAX_CHUNK_BYTES));
  return { offset: scanner.offset, fileSize: scanner.fileSize, pendingBytes: scanner.pendingBytes, stopped: scanner.stopped, problems: scanner.problems, batch };
}

/** The buffers of a batch that can be moved to another thread instead of copied. */
export function transferablesOf(batch: EventBatch): ArrayBuffer[] {
  return [batch.tagIndex.buffer, batch.steps.buffer, batch.wallTimes.buffer, batch.values.buffer, ...batch.others.map((o) => o.buffer)] as ArrayBuffer[];
}

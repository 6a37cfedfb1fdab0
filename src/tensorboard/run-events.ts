// All the events of one run, across the event files it has written, as
// TensorBoard shows them: files in the order they were started, and a
// restart marker (SessionLog START at step s, written when a run resumes from
// a checkpoint) discarding what earlier files hold at steps ≥ s — the events
// the interrupted run wrote after its checkpoint, which the resumed run writes
// again. As in TensorBoard, the run's first session start is its beginning,
// not a restart. Readers of whole runs (the report, the dashboard) use this rather
// than concatenating files.

import { basename } from "node:path";
import type { EventMessage } from "./messages.js";
import { EventFileChunk, listEventFiles, readEventFile } from "./reader.js";

/** SessionLog.status of a session start (tensorboard/compat/proto/event.proto). */
export const SESSION_START = 1;

export interface RunEvents {
  events: EventMessage[];
  /** Files that end inside a record (being written, or cut off by a crash): what could be read of them is included. */
  truncatedFiles: string[];
}

/** `events.out.tfevents.<secs>.<host>.<pid>.<n>` → [secs, n]; files sort by when they were started. */
function startKey(path: string): [number, number] {
  const parts = basename(path).split(".");
  return [Number(parts[3]) || 0, Number(parts[parts.length - 1]) || 0];
}

/** Event file paths in the order their writers started them (the time in the name, then the file number). */
export function sortByStart(paths: readonly string[]): string[] {
  return [...paths].sort((a, b) => {
    const [secsA, nA] = startKey(a);
    const [secsB, nB] = startKey(b);
    return secsA - secsB || nA - nB || a.localeCompare(b);
  });
}

/** Reads every event file directly in runDir and merges them as TensorBoard does. */
export function readRunEvents(runDir: string): RunEvents {
  const files = sortByStart(listEventFiles(runDir));
  const chunks: EventFileChunk[] = files.map((path) => readEventFile(path));
  return {
    events: mergeRunEvents(chunks.map((chunk) => chunk.events.map((record) => record.event))),
    truncatedFiles: chunks.filter((chunk) => chunk.truncated).map((chunk) => chunk.path),
  };
}

/**
 * TensorBoard's restart rule, fed a run's session starts in the order they
 * were written: the first is the run's beginning; each later one, at step s,
 * supersedes every event read before it with step ≥ s. Shared by the merge
 * below and the dashboard's incremental store (src/board/run-store.ts).
 */
export class RestartRule {
  private started = false;

  /** The step from which earlier events are superseded, or null for the run's first start. */
  sessionStart(step: number): number | null {
    if (!this.started) {
      this.started = true;
      return null;
    }
    return step;
  }
}

/** Concatenates the files' events, applying restart markers (RestartRule). */
export function mergeRunEvents(files: readonly EventMessage[][]): EventMessage[] {
  let merged: EventMessage[] = [];
  const rule = new RestartRule();
  for (const events of files) {
    for (const event of events) {
      if (event.sessionLog?.status === SESSION_START) {
        const supersededFrom = rule.sessionStart(Number(event.step ?? 0));
        if (supersededFrom !== null) merged = merged.filter((earlier) => Number(earlier.step ?? 0) < supersededFrom);
      }
      merged.push(event);
    }
  }
  return merged;
}

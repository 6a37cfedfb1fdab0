// Reading event files: records with both CRCs verified, decoded into Events;
// a file still being written is read up to its last whole record, and reading
// can resume from a byte offset. Also lists the runs of a logdir.
// Used by tests, the report and the dashboard.
// Not here: writing (event-file-writer.ts), interpreting summaries
// (summaries.ts), following files as they grow (the dashboard's
// src/board/event-scanner.ts).

import { closeSync, fstatSync, openSync, readdirSync, readSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { decodeEvent, type EventMessage } from "./messages.js";
import { decodeRecordAt } from "./record.js";

/** One decoded event and the byte offset of its record. */
export interface EventRecord {
  offset: number;
  event: EventMessage;
}

/** The result of reading (part of) an event file. */
export interface EventFileChunk {
  path: string;
  events: EventRecord[];
  /** Where the next read should start: just after the last whole record. */
  nextOffset: number;
  /** Set when the file ends inside a record (a writer is still at work, or it died). */
  truncated?: { offset: number; recordBytes: number; availableBytes: number };
}

/** Reads a file's bytes from `offset` to its current end. */
function readFrom(path: string, offset: number): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (offset > size) throw new RangeError(`${path}: offset ${offset} is past the end of the file (${size} bytes)`);
    const bytes = Buffer.alloc(size - offset);
    for (let read = 0; read < bytes.length; ) {
      const n = readSync(fd, bytes, read, bytes.length - read, offset + read);
      if (n === 0) return bytes.subarray(0, read);
      read += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/**
 * Decodes the records of `bytes` (which start at file offset `baseOffset`).
 * Throws RecordCorruptError on a CRC mismatch, an Error naming the offset on
 * a record that is not an Event.
 */
export function decodeEventRecords(bytes: Uint8Array, source: string, baseOffset = 0): Omit<EventFileChunk, "path"> {
  const events: EventRecord[] = [];
  let position = 0;
  while (position < bytes.length) {
    const found = decodeRecordAt(bytes, position, source);
    if (found.kind === "incomplete") {
      const truncated = { offset: baseOffset + position, recordBytes: found.needed, availableBytes: found.available };
      return { events, nextOffset: baseOffset + position, truncated };
    }
    let event: EventMessage;
    try {
      event = decodeEvent(found.data);
    } catch (error) {
      throw new Error(`${source}: the record at byte ${baseOffset + position} is not an Event: ${(error as Error).message}`, { cause: error });
    }
    events.push({ offset: baseOffset + position, event });
    position = found.end;
  }
  return { events, nextOffset: baseOffset + position };
}

/** Reads the events of `path` from byte `fromOffset` (0 = whole file; must be a record boundary). */
export function readEventFile(path: string, fromOffset = 0): EventFileChunk {
  const bytes = readFrom(path, fromOffset);
  return { path, ...decodeEventRecords(bytes, path, fromOffset) };
}

/** True for TensorBoard event file names (TensorBoard's own test: the name contains "tfevents"). */
export function isEventFileName(name: string): boolean {
  return name.includes("tfevents");
}

/** The event files directly in `dir`, sorted by name (that is, by creation time). */
export function listEventFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && isEventFileName(entry.name))
    .map((entry) => join(dir, entry.name))
    .sort();
}

/**
 * The runs of a logdir: every directory at or below it that holds an event
 * file, named relative to `logDir` with "/" separators ("." for `logDir`
 * itself), sorted.
 */
export function listRuns(logDir: string): string[] {
  const runs: string[] = [];
  const visit = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((entry) => entry.isFile() && isEventFileName(entry.name))) {
      runs.push(relative(logDir, dir).split(sep).join("/") || ".");
    }
    for (const entry of entries) if (entry.isDirectory()) visit(join(dir, entry.name));
  };
  visit(logDir);
  return runs.sort();
}

// Tolerant, incremental reading of one event file for the dashboard: reads
// from a byte offset in bounded chunks, decodes every whole record into a raw
// protobuf Event, and instead of throwing records what went wrong so that the
// dashboard can show what could be read next to a visible warning.
//
//   data CRC mismatch      the record is skipped (its length was verified), reading goes on
//   not an Event           the record is skipped, reading goes on
//   length CRC mismatch    nothing after it can be framed: the file is read no further
//   partial last record    left for the next poll (a writer at work, or one that died)
//
// Events stay protobufjs messages (no toObject): converting ten million of
// them to plain objects costs more than decoding them. The TFRecord framing
// is record.ts's, the one decoder every reader and the writer share.
// Not here: what the summaries mean (summary-values.ts), strict reading for
// tests and the report (src/tensorboard/reader.ts).

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { RECORD_FOOTER_BYTES, RECORD_HEADER_BYTES, RecordCorruptError, decodeRecordAt } from "../tensorboard/record.js";
import { types } from "../tensorboard/schema.js";

/** A raw decoded tensorboard.Event (protobufjs message; `what` names the oneof member set). */
export type RawEvent = ReturnType<typeof types.Event.decode> & Record<string, unknown>;

/** A decoded event and its bytes (a view into the chunk read). */
export interface ScannedEvent {
  event: RawEvent;
  data: Uint8Array;
}

/** Something wrong in a file, at a byte offset. */
export interface ScanProblem {
  kind: "corrupt-record" | "not-an-event" | "unreadable-length";
  offset: number;
  message: string;
}

/** Most bytes read from a file per call, so that one big file does not block the server for long. */
export const MAX_CHUNK_BYTES = 256 << 10;

function readChunk(path: string, offset: number, maxBytes: number): { bytes: Buffer; fileSize: number } {
  const fd = openSync(path, "r");
  try {
    const fileSize = fstatSync(fd).size;
    if (offset >= fileSize) return { bytes: Buffer.alloc(0), fileSize };
    const bytes = Buffer.alloc(Math.min(maxBytes, fileSize - offset));
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    return { bytes: bytes.subarray(0, read), fileSize };
  } finally {
    closeSync(fd);
  }
}

/** Follows one event file, tolerating damage; see the file header. */
export class EventFileScanner {
  /** First byte not consumed yet. */
  offset = 0;
  /** Set after a length CRC mismatch: the rest of the file cannot be framed. */
  stopped = false;
  /** Size of the file at the last read. */
  fileSize = 0;
  /** Bytes of an incomplete last record at the end of the file (0 when the file ends on a record boundary). */
  pendingBytes = 0;
  readonly problems: ScanProblem[] = [];

  constructor(readonly path: string) {}

  /** True when the last read reached the end of the file. */
  get atEnd(): boolean {
    return this.stopped || this.offset + this.pendingBytes >= this.fileSize;
  }

  /** Reads the next chunk (at most `maxBytes`) and returns the whole events in it, each with its serialized bytes. */
  readNext(maxBytes = MAX_CHUNK_BYTES): ScannedEvent[] {
    if (this.stopped) return [];
    let { bytes, fileSize } = readChunk(this.path, this.offset, maxBytes);
    this.fileSize = fileSize;
    // A record larger than the chunk: read exactly as much as it needs.
    const needed = this.recordLengthAt(bytes);
    if (needed !== undefined && needed > bytes.length && this.offset + needed <= fileSize) {
      bytes = readChunk(this.path, this.offset, needed).bytes;
    }
    const events: ScannedEvent[] = [];
    let position = 0;
    this.pendingBytes = 0;
    while (position < bytes.length) {
      const at = this.offset + position;
      let found;
      try {
        found = decodeRecordAt(bytes, position, this.path);
      } catch (error) {
        if (!(error instanceof RecordCorruptError)) throw error;
        if (error.what === "length") {
          this.problems.push({ kind: "unreadable-length", offset: at, message: `length CRC mismatch at byte ${at}: the rest of the file (${fileSize - at} bytes) cannot be read` });
          this.stopped = true;
          break;
        }
        const length = Number(bytes.readBigUInt64LE(position));
        this.problems.push({ kind: "corrupt-record", offset: at, message: `data CRC mismatch in the record at byte ${at}: record skipped` });
        position += RECORD_HEADER_BYTES + length + RECORD_FOOTER_BYTES;
        continue;
      }
      if (found.kind === "incomplete") {
        this.pendingBytes = bytes.length - position;
        break;
      }
      try {
        events.push({ event: types.Event.decode(found.data) as RawEvent, data: found.data });
      } catch (error) {
        this.problems.push({ kind: "not-an-event", offset: at, message: `the record at byte ${at} is not an Event (${(error as Error).message}): skipped` });
      }
      position = found.end;
    }
    this.offset += Math.min(position, bytes.length);
    // Incomplete within a chunk that did not reach the end of the file is not "pending".
    if (this.offset + this.pendingBytes < fileSize) this.pendingBytes = 0;
    return events;
  }

  /** The whole length of the record starting at bytes[0], if its header is there and sane. */
  private recordLengthAt(bytes: Buffer): number | undefined {
    if (bytes.length < RECORD_HEADER_BYTES) return undefined;
    const length = bytes.readBigUInt64LE(0);
    const total = length + BigInt(RECORD_HEADER_BYTES + RECORD_FOOTER_BYTES);
    return total > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(total);
  }
}

/** An int64 field of a raw message as a number (protobufjs gives Long objects or numbers). */
export function int64ToNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (value && typeof value === "object" && "toNumber" in value) return (value as { toNumber(): number }).toNumber();
  return Number(value ?? 0);
}

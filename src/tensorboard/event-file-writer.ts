// One event file being written: names it, writes the `brain.Event:2` header
// event, buffers framed records in memory and appends them to the file on
// flush. Stateful; all I/O is synchronous, so flush and close are safe to call
// from a signal or `exit` handler and a failing write throws at the caller.
//
// Data is flushed every `flushIntervalMs` (an unref'd timer, so it never
// keeps the process alive), when more than `maxPendingBytes` are buffered, on
// close, and at process exit. An error in a timer flush is printed at once and
// thrown again by the writer's next call: no write fails silently.
// Not here: what goes into the events (summary-writer.ts), reading (reader.ts).

import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { encodeEvent, type EventMessage } from "./messages.js";
import { encodeRecord } from "./record.js";
import { WriteError } from "../io/write-error.js";

/** The version string TensorBoard expects in the first event of a file. */
export const FILE_VERSION = "brain.Event:2";

export interface EventFileWriterOptions {
  /** Flush period in milliseconds; 0 disables the timer. Default 2000. */
  flushIntervalMs?: number;
  /** Flush as soon as this many bytes are buffered. Default 1 MiB. */
  maxPendingBytes?: number;
  /** Appended to the file name (after the counter). */
  filenameSuffix?: string;
}

let fileCounter = 0;
const openWriters = new Set<EventFileWriter>();
let exitHookInstalled = false;

/** `events.out.tfevents.<10-digit seconds>.<host>.<pid>.<n>`, TensorFlow's naming. */
export function eventFileName(wallTimeSecs: number, host: string, pid: number, counter: number): string {
  return `events.out.tfevents.${String(Math.floor(wallTimeSecs)).padStart(10, "0")}.${host}.${pid}.${counter}`;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const writer of openWriters) {
      try {
        writer.close();
      } catch (error) {
        process.stderr.write(`lenet-lab: could not finish ${writer.path}: ${(error as Error).message}\n`);
        process.exitCode = 1;
      }
    }
  });
}

/** Flushes every open event file of this process (synchronously). */
export function flushAllEventFiles(): void {
  for (const writer of openWriters) writer.flush();
}

/** Closes every open event file of this process (synchronously). */
export function closeAllEventFiles(): void {
  for (const writer of [...openWriters]) writer.close();
}

/**
 * Closes every open event file when one of `signals` arrives, then lets the
 * signal do what it would have done: if no other listener handles it, the
 * process is re-signalled and ends as it would have without us. Returns a
 * function that removes the handlers.
 */
export function closeEventFilesOnSignals(signals: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"]): () => void {
  const handlers = signals.map((signal) => {
    const handler = (): void => {
      try {
        closeAllEventFiles();
      } catch (error) {
        process.stderr.write(`lenet-lab: closing event files on ${signal}: ${(error as Error).message}\n`);
      }
      process.removeListener(signal, handler);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => handlers.forEach(([signal, handler]) => process.removeListener(signal, handler));
}

/** Writes Events into one new file `<dir>/events.out.tfevents...`. */
export class EventFileWriter {
  /** Path of the event file. */
  readonly path: string;
  private fd: number | undefined;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private failure: Error | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly maxPendingBytes: number;

  /** Creates `dir` if needed and a new event file in it, and writes the header event. */
  constructor(dir: string, options: EventFileWriterOptions = {}) {
    const now = Date.now() / 1000;
    mkdirSync(dir, { recursive: true });
    const name = eventFileName(now, hostname(), process.pid, fileCounter++) + (options.filenameSuffix ?? "");
    this.path = join(dir, name);
    this.fd = openSync(this.path, "wx");
    this.maxPendingBytes = options.maxPendingBytes ?? 1 << 20;
    try {
      this.write({ wallTime: now, fileVersion: FILE_VERSION, sourceMetadata: { writer: "lenet-lab" } });
      this.flush();
    } catch (error) {
      closeSync(this.fd);
      this.fd = undefined;
      throw error;
    }
    openWriters.add(this);
    installExitHook();
    const interval = options.flushIntervalMs ?? 2000;
    if (interval > 0) {
      this.timer = setInterval(() => this.flushFromTimer(), interval);
      this.timer.unref();
    }
  }

  /** True once close() has run. */
  get closed(): boolean {
    return this.fd === undefined;
  }

  /** Encodes, frames and buffers one event. */
  write(event: EventMessage): void {
    this.throwIfUnusable();
    const record = encodeRecord(encodeEvent(event));
    this.pending.push(record);
    this.pendingBytes += record.length;
    if (this.pendingBytes >= this.maxPendingBytes) this.flush();
  }

  /** Appends every buffered record to the file. Throws if the write fails. */
  flush(): void {
    this.throwIfUnusable();
    if (this.pending.length === 0) return;
    const bytes = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    try {
      for (let written = 0; written < bytes.length; ) {
        written += writeSync(this.fd!, bytes, written, bytes.length - written);
      }
    } catch (error) {
      this.failure = new WriteError(this.path, error as NodeJS.ErrnoException);
      throw this.failure;
    }
  }

  /** Flushes and closes the file; later calls do nothing. */
  close(): void {
    if (this.fd === undefined) return;
    if (this.timer) clearInterval(this.timer);
    openWriters.delete(this);
    const fd = this.fd;
    try {
      this.flush();
    } finally {
      this.fd = undefined;
      closeSync(fd);
    }
  }

  private flushFromTimer(): void {
    if (this.failure || this.fd === undefined) return;
    try {
      this.flush();
    } catch (error) {
      process.stderr.write(`lenet-lab: ${(error as Error).message}\n`);
    }
  }

  private throwIfUnusable(): void {
    if (this.failure) throw this.failure;
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
  }
}

// The live index of a logdir: finds the runs (every directory holding an event
// file, as TensorBoard does), reads each event file from the byte offset where
// the last read stopped, and keeps polling so that new points, new files and
// new runs appear while training writes them. Emits "runs" when the set of
// runs changes, "data" when a run got new data, "status" while loading.
//
// Reading is chunked (event-batch.ts) and done by worker threads when the
// compiled worker is there (parse-pool.ts), else here with a yield to the
// event loop between chunks; either way the server answers requests while a
// big logdir loads. Runs are listed at once and fill in as they are read.
// LOGDIR/_groups/ holds each seed group's aggregate curves as TensorBoard
// runs (for TensorBoard's users); they are not runs, so they are not listed.
// Not here: HTTP (api.ts), the meaning of summaries (run-store.ts).

import { EventEmitter } from "node:events";
import { existsSync, realpathSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { GROUP_RUNS_DIR } from "../stats/run-groups.js";
import { listEventFiles, listRuns } from "../tensorboard/reader.js";
import { sortByStart } from "../tensorboard/run-events.js";
import { readChunk, type ChunkRequest, type ChunkResult } from "./event-batch.js";
import { EventFileScanner } from "./event-scanner.js";
import { createParsePool, type ParsePool } from "./parse-pool.js";
import { RunStore, type DataKind } from "./run-store.js";

export interface RunEntry {
  name: string;
  dir: string;
  /** Replaced by a fresh one when the run's files are replaced. */
  store: RunStore;
  scanners: Map<string, EventFileScanner>;
  /** False until every event file of the run has been read to its end once. */
  loaded: boolean;
  /** Size of each file whose last record was incomplete at the previous poll. */
  pendingAtSize: Map<string, number>;
  /** Files whose incomplete last record did not change between two polls. */
  stalledTails: Set<string>;
}

/** True for a run under LOGDIR/_groups/: a group's aggregate curves written for TensorBoard, not a run. */
export function isGroupAggregateRun(name: string): boolean {
  return name.split("/")[0] === GROUP_RUNS_DIR;
}

export interface IndexStatus {
  loading: boolean;
  runs: number;
  runsLoaded: number;
  events: number;
  problem?: string;
}

export interface LogdirIndexOptions {
  /** Pause between two polls of the logdir, in milliseconds (default 1000). */
  pollIntervalMs?: number;
  /** Worker threads decoding event files (default: one per core but one, at least 1, at most 4; 0 decodes in this thread). */
  parseWorkers?: number;
  /** The compiled parse-worker.js to run (default: the one next to this file, when there is one). */
  parseWorkerScript?: URL;
}

export class LogdirIndex extends EventEmitter {
  readonly logdir: string;
  readonly logdirReal: string;
  readonly runs = new Map<string, RunEntry>();
  private readonly pollIntervalMs: number;
  private readonly pool: ParsePool | undefined;
  private closed = false;
  private initialLoadDone = false;
  private problem: string | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(logdir: string, options: LogdirIndexOptions = {}) {
    super();
    this.logdir = resolve(logdir);
    if (!existsSync(this.logdir)) throw new Error(`logdir ${this.logdir} does not exist; give the directory your runs are written to (lenet-lab train --logdir)`);
    if (!statSync(this.logdir).isDirectory()) throw new Error(`logdir ${this.logdir} is not a directory`);
    this.logdirReal = realpathSync(this.logdir);
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.pool = createParsePool(options.parseWorkers ?? Math.max(1, Math.min(4, availableParallelism() - 1)), options.parseWorkerScript);
  }

  /** Threads decoding event files besides this one (0 when decoding here). */
  get parseWorkers(): number {
    return this.pool?.size ?? 0;
  }

  /** Starts reading and polling; resolves once the runs are listed (their data keeps loading). */
  async start(): Promise<void> {
    this.discover();
    this.loop = this.pollLoop();
  }

  /** Stops polling; resolves when the current read has finished. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.loop;
    await this.pool?.close();
  }

  status(): IndexStatus {
    let runsLoaded = 0;
    let events = 0;
    for (const run of this.runs.values()) {
      if (run.loaded) runsLoaded++;
      events += run.store.eventCount;
    }
    return { loading: !this.initialLoadDone, runs: this.runs.size, runsLoaded, events, problem: this.problem };
  }

  /** Human-readable problems of a run's files: what could not be read, and where. */
  warningsOf(run: RunEntry): string[] {
    const warnings: string[] = [];
    for (const scanner of run.scanners.values()) {
      const name = scanner.path.slice(run.dir.length + 1);
      for (const problem of scanner.problems) warnings.push(`${name}: ${problem.message}`);
      if (run.stalledTails.has(scanner.path)) {
        warnings.push(`${name}: the last record is incomplete (${scanner.pendingBytes} bytes at byte ${scanner.offset}): the writer is still at work, or it stopped half-way`);
      }
    }
    return warnings;
  }

  private async pollLoop(): Promise<void> {
    while (!this.closed) {
      try {
        await this.readAll();
      } catch (error) {
        this.problem = `reading the logdir failed: ${(error as Error).message}`;
      }
      if (!this.initialLoadDone) {
        this.initialLoadDone = true;
        this.emit("status", this.status());
      }
      if (this.closed) break;
      await new Promise<void>((wake) => {
        this.wake = wake;
        setTimeout(wake, this.pollIntervalMs).unref();
      });
      this.discover();
    }
  }

  /** Lists the runs; adds new ones (empty, to be read) and drops vanished ones. */
  private discover(): void {
    let names: string[];
    try {
      names = listRuns(this.logdir).filter((name) => !isGroupAggregateRun(name));
      this.problem = undefined;
    } catch (error) {
      this.problem = `cannot list ${this.logdir}: ${(error as Error).message}`;
      return;
    }
    let changed = false;
    for (const name of names) {
      if (this.runs.has(name)) continue;
      this.runs.set(name, {
        name, dir: name === "." ? this.logdir : join(this.logdir, ...name.split("/")), store: new RunStore(),
        scanners: new Map(), loaded: false, pendingAtSize: new Map(), stalledTails: new Set(),
      });
      changed = true;
    }
    const present = new Set(names);
    for (const name of [...this.runs.keys()]) {
      if (!present.has(name)) {
        this.runs.delete(name);
        changed = true;
      }
    }
    if (changed) this.emit("runs", [...this.runs.keys()]);
  }

  /** One pass over every run: reads whatever was appended since the last pass (as many runs at once as there are parse workers). */
  private async readAll(): Promise<void> {
    const queue = [...this.runs.values()].sort((a, b) => a.name.localeCompare(b.name));
    const lanes = Math.max(1, this.pool?.size ?? 1);
    await Promise.all(Array.from({ length: lanes }, async () => {
      for (let run = queue.shift(); run && !this.closed; run = queue.shift()) {
        if (this.runs.has(run.name)) await this.readRun(run);
      }
    }));
  }

  private async readRun(run: RunEntry): Promise<void> {
    const changed = new Set<DataKind>();
    let files: string[];
    try {
      // In the order their writers started them: a resumed run's restart marker must come after what it supersedes.
      files = sortByStart(listEventFiles(run.dir));
    } catch {
      return; // vanished between discover() and now; the next discover() drops it
    }
    if (this.filesWereReplaced(run, files)) {
      // A run written again (--overwrite) or a file cut short: forget what was read and start over.
      run.store = new RunStore();
      run.scanners.clear();
      run.pendingAtSize.clear();
      run.stalledTails.clear();
      for (const kind of ["scalars", "histograms", "images", "text", "hparams", "warnings"] as const) changed.add(kind);
    }
    for (const path of files) {
      let scanner = run.scanners.get(path);
      if (!scanner) {
        scanner = new EventFileScanner(path);
        run.scanners.set(path, scanner);
      }
      await this.readFile(run, scanner, changed);
    }
    const wasLoaded = run.loaded;
    run.loaded = true;
    if (changed.size > 0 || !wasLoaded) this.emit("data", { run: run.name, kinds: [...changed] });
  }

  /** One chunk, in a parse worker when there are any (falling back to this thread if one fails). */
  private async readChunk(request: ChunkRequest): Promise<ChunkResult> {
    if (this.pool) {
      try {
        return await this.pool.read(request);
      } catch {
        // The worker died; read here.
      }
    }
    const result = readChunk(request);
    await yieldToEventLoop();
    return result;
  }

  /** True when a file read before has gone, or is now shorter than what was read of it. */
  private filesWereReplaced(run: RunEntry, files: readonly string[]): boolean {
    const present = new Set(files);
    for (const [path, scanner] of run.scanners) {
      if (!present.has(path)) return true;
      try {
        if (statSync(path).size < scanner.offset) return true;
      } catch {
        return true;
      }
    }
    return false;
  }

  private async readFile(run: RunEntry, scanner: EventFileScanner, changed: Set<DataKind>): Promise<void> {
    const problemsBefore = scanner.problems.length;
    for (;;) {
      let size: number;
      try {
        size = statSync(scanner.path).size;
      } catch {
        return;
      }
      if (scanner.stopped || scanner.offset + scanner.pendingBytes >= size && scanner.fileSize === size) break;
      try {
        const result = await this.readChunk({ path: scanner.path, offset: scanner.offset });
        scanner.offset = result.offset;
        scanner.fileSize = result.fileSize;
        scanner.pendingBytes = result.pendingBytes;
        scanner.stopped ||= result.stopped;
        scanner.problems.push(...result.problems);
        run.store.ingestBatch(result.batch, changed);
      } catch (error) {
        scanner.problems.push({ kind: "not-an-event", offset: scanner.offset, message: `reading failed at byte ${scanner.offset}: ${(error as Error).message}` });
        scanner.stopped = true;
      }
      if (this.closed) return;
      if (scanner.atEnd) break;
    }
    // A tail that stays incomplete across two polls is reported; one that completes is forgotten.
    if (scanner.pendingBytes > 0) {
      if (run.pendingAtSize.get(scanner.path) === scanner.fileSize && !run.stalledTails.has(scanner.path)) {
        run.stalledTails.add(scanner.path);
        changed.add("warnings");
      }
      run.pendingAtSize.set(scanner.path, scanner.fileSize);
    } else {
      run.pendingAtSize.delete(scanner.path);
      if (run.stalledTails.delete(scanner.path)) changed.add("warnings");
    }
    if (scanner.problems.length !== problemsBefore) changed.add("warnings");
  }
}

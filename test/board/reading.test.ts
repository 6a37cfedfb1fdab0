// The dashboard's reading of event files: TF2- and PyTorch-shaped summaries,
// and damaged files (a corrupt record, a half-written last record, a broken
// length), read by the real LogdirIndex from real files.

import { appendFileSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LogdirIndex, type LogdirIndexOptions } from "../../src/board/logdir-index.js";
import { listEventFiles, readEventFile } from "../../src/tensorboard/reader.js";
import { decodeRecordAt, encodeRecord } from "../../src/tensorboard/record.js";
import { removeTempDirs, tempDir, writeForeignRun, writeSyntheticRun } from "./fixtures.js";
import { join } from "node:path";

afterAll(removeTempDirs);

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function openIndex(logdir: string, options: LogdirIndexOptions = {}): Promise<LogdirIndex> {
  const index = new LogdirIndex(logdir, { pollIntervalMs: 50, ...options });
  await index.start();
  await until(() => !index.status().loading, "the first read");
  return index;
}

describe("record framing as the scanner uses it (record.ts, one decoder for every reader)", () => {
  it("frames records in a Buffer that views a larger allocation, and refuses damage by kind", () => {
    const payloads = [new Uint8Array(0), new TextEncoder().encode("\x1a\x11CRC test, one two"), Uint8Array.from({ length: 5000 }, (_, i) => (i * 31) & 255)];
    // A view at byte 7 of a larger buffer, as Node's pooled reads give them: the decoder must honour byteOffset.
    const whole = Buffer.concat([Buffer.alloc(7, 0xee), ...payloads.map((p) => encodeRecord(p))]);
    const bytes = whole.subarray(7);
    let offset = 0;
    for (const payload of payloads) {
      const found = decodeRecordAt(bytes, offset, "test");
      expect(found.kind === "record" && Buffer.from(found.data).equals(Buffer.from(payload))).toBe(true);
      offset = (found as { end: number }).end;
    }
    // The second record (19 bytes of data) cut after 24 of its 35 bytes: incomplete, not corrupt.
    expect(decodeRecordAt(bytes.subarray(0, 40), 16, "test")).toEqual({ kind: "incomplete", offset: 16, needed: 35, available: 24 });
    const damaged = Buffer.from(bytes);
    damaged[12 + 16 + 3] ^= 1;
    expect(() => decodeRecordAt(damaged, 16, "test")).toThrow(/data CRC mismatch in the record at byte 16/);
    damaged[16 + 1] ^= 1;
    expect(() => decodeRecordAt(damaged, 16, "test")).toThrow(/length CRC mismatch/);
  });
});

describe("reading summaries written by other tools", () => {
  it("reads TF2 tensors with plugin metadata (only on a tag's first value) and PyTorch's classic values", async () => {
    const logdir = tempDir();
    writeForeignRun(join(logdir, "foreign"));
    const index = await openIndex(logdir);
    try {
      const store = index.runs.get("foreign")!.store;
      const loss = store.scalars.get("tf2/loss")!;
      expect(Array.from(loss.values.subarray(0, loss.length))).toEqual([1, Math.fround(1 / 2), Math.fround(1 / 3)]);
      expect(Array.from(store.scalars.get("torch/value")!.values.subarray(0, 3))).toEqual([10, 11, 12]);
      const histograms = store.histograms.get("tf2/weights")!;
      expect(histograms.map((h) => h.counts)).toEqual([[2, 5, 1], [3, 5, 1], [4, 5, 1]]);
      expect(histograms[0]).toMatchObject({ min: -1, max: 2, limits: [0, 1, 2], num: 8 });
      const images = store.images.get("tf2/images")!;
      expect(images.map((i) => [i.step, i.sample, i.width, i.height])).toEqual([[0, 0, 3, 2], [0, 1, 3, 2], [1, 0, 3, 2], [1, 1, 3, 2], [2, 0, 3, 2], [2, 1, 3, 2]]);
      expect(Buffer.from(images[0]!.png.subarray(1, 4)).toString()).toBe("PNG");
      expect(store.texts.get("tf2/notes")!.map((t) => t.text)).toEqual(["note 0", "note 1", "note 2"]);
      expect(index.warningsOf(index.runs.get("foreign")!)).toEqual([]);
    } finally {
      await index.close();
    }
  });
});

describe("damaged event files", () => {
  function runWithOffsets(logdir: string) {
    writeSyntheticRun(logdir, "run", { steps: 100, every: 10 });
    const path = listEventFiles(join(logdir, "run"))[0]!;
    const records = readEventFile(path).events;
    return { path, records, total: records.length };
  }

  it("skips a record whose data CRC is wrong, reads the rest, and says where", async () => {
    const logdir = tempDir();
    const { path, records, total } = runWithOffsets(logdir);
    const bytes = readFileSync(path);
    const victim = records[5]!.offset;
    bytes[victim + 14] ^= 0xff; // a byte of the record's data
    writeFileSync(path, bytes);
    const index = await openIndex(logdir);
    try {
      const run = index.runs.get("run")!;
      expect(run.store.eventCount).toBe(total - 1);
      expect(index.warningsOf(run).join("\n")).toMatch(new RegExp(`data CRC mismatch in the record at byte ${victim}: record skipped`));
    } finally {
      await index.close();
    }
  });

  it("stops at a broken length, keeping what came before", async () => {
    const logdir = tempDir();
    const { path, records } = runWithOffsets(logdir);
    const bytes = readFileSync(path);
    bytes[records[7]!.offset + 2] ^= 0x01;
    writeFileSync(path, bytes);
    const index = await openIndex(logdir);
    try {
      const run = index.runs.get("run")!;
      expect(run.store.eventCount).toBe(7);
      expect(index.warningsOf(run).join("\n")).toMatch(/length CRC mismatch at byte \d+: the rest of the file \(\d+ bytes\) cannot be read/);
    } finally {
      await index.close();
    }
  });

  it("shows a half-written last record as a warning until the rest arrives", async () => {
    const logdir = tempDir();
    const { path, total } = runWithOffsets(logdir);
    const whole = readFileSync(path);
    truncateSync(path, whole.length - 7);
    const index = await openIndex(logdir);
    try {
      const run = index.runs.get("run")!;
      expect(run.store.eventCount).toBe(total - 1);
      await until(() => index.warningsOf(run).length > 0, "the stalled-tail warning");
      expect(index.warningsOf(run)[0]).toMatch(/the last record is incomplete/);
      appendFileSync(path, whole.subarray(whole.length - 7));
      await until(() => run.store.eventCount === total && index.warningsOf(run).length === 0, "the completed record");
    } finally {
      await index.close();
    }
  });

  it("starts a run over when its event files are replaced (a run trained again with --overwrite)", async () => {
    const logdir = tempDir();
    writeSyntheticRun(logdir, "again", { steps: 100, every: 10 });
    const index = await openIndex(logdir);
    try {
      expect(index.runs.get("again")!.store.scalars.get("loss/train")!.length).toBe(10);
      rmSync(join(logdir, "again"), { recursive: true });
      writeSyntheticRun(logdir, "again", { steps: 30, every: 10 });
      await until(() => index.runs.get("again")?.store.scalars.get("loss/train")?.length === 3, "the rewritten run");
    } finally {
      await index.close();
    }
  });

  it("finds runs that appear later and files that grow", async () => {
    const logdir = tempDir();
    const index = await openIndex(logdir);
    const seen: string[][] = [];
    index.on("runs", (runs: string[]) => seen.push(runs));
    try {
      expect(index.runs.size).toBe(0);
      writeSyntheticRun(logdir, "late", { steps: 20, every: 10 });
      await until(() => index.runs.get("late")?.loaded === true, "the new run");
      expect(seen.at(-1)).toEqual(["late"]);
      expect(index.runs.get("late")!.store.scalars.get("loss/train")!.length).toBe(2);
    } finally {
      await index.close();
    }
  });
});

// The built package decodes in worker threads; the tests above run the
// TypeScript sources, which decode in the main thread. The same files through
// the compiled workers give the same data and the same warnings.
const WORKER = new URL("../../dist/src/board/parse-worker.js", import.meta.url);

describe.skipIf(!existsSync(fileURLToPath(WORKER)))("reading in worker threads (the built parse-worker.js)", () => {
  it("gives what the main thread gives, warnings included", async () => {
    const logdir = tempDir();
    writeForeignRun(join(logdir, "foreign"));
    writeSyntheticRun(logdir, "damaged", { steps: 200, every: 10 });
    const path = listEventFiles(join(logdir, "damaged"))[0]!;
    const bytes = readFileSync(path);
    bytes[readEventFile(path).events[9]!.offset + 14] ^= 0xff;
    writeFileSync(path, bytes);
    const inThread = await openIndex(logdir, { parseWorkers: 0 });
    const inWorkers = await openIndex(logdir, { parseWorkers: 2, parseWorkerScript: WORKER });
    try {
      expect([inThread.parseWorkers, inWorkers.parseWorkers]).toEqual([0, 2]);
      for (const name of ["foreign", "damaged"]) {
        const [a, b] = [inThread.runs.get(name)!, inWorkers.runs.get(name)!];
        expect(b.store.eventCount, name).toBe(a.store.eventCount);
        expect([...b.store.scalars.keys()].sort(), name).toEqual([...a.store.scalars.keys()].sort());
        for (const [tag, series] of a.store.scalars) {
          const other = b.store.scalars.get(tag)!;
          expect(Array.from(other.values.subarray(0, other.length)), `${name} ${tag}`).toEqual(Array.from(series.values.subarray(0, series.length)));
          expect(Array.from(other.steps.subarray(0, other.length)), `${name} ${tag}`).toEqual(Array.from(series.steps.subarray(0, series.length)));
        }
        expect(b.store.histograms, name).toEqual(a.store.histograms);
        expect(b.store.images, name).toEqual(a.store.images);
        expect(b.store.texts, name).toEqual(a.store.texts);
        expect(inWorkers.warningsOf(b), name).toEqual(inThread.warningsOf(a));
      }
      expect(inWorkers.warningsOf(inWorkers.runs.get("damaged")!).join("\n")).toMatch(/data CRC mismatch/);
    } finally {
      await inThread.close();
      await inWorkers.close();
    }
  });
});

// Reading event files: truncated files, corruption, resuming, listing runs.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, test } from "vitest";
import { encodeEvent } from "../../src/tensorboard/messages.js";
import { listEventFiles, listRuns, readEventFile } from "../../src/tensorboard/reader.js";
import { encodeRecord, RecordCorruptError } from "../../src/tensorboard/record.js";
import { scalarOf } from "../../src/tensorboard/summaries.js";
import { SummaryWriter } from "../../src/tensorboard/summary-writer.js";
import { tempDir } from "./helpers.js";

/** An event file with the header event and `count` scalars; returns its bytes and record offsets. */
function sampleFile(count: number): { bytes: Buffer; offsets: number[] } {
  const writer = new SummaryWriter(tempDir(), { flushIntervalMs: 0 });
  for (let step = 1; step <= count; step++) writer.addScalar("loss", 1 / step, step);
  writer.close();
  const bytes = readFileSync(writer.eventFilePath);
  return { bytes, offsets: readEventFile(writer.eventFilePath).events.map((e) => e.offset) };
}

describe("readEventFile", () => {
  test("reads a whole file: offsets are record boundaries, nextOffset is the size", () => {
    const { bytes, offsets } = sampleFile(3);
    const path = join(tempDir(), "events.out.tfevents.1.h.1.0");
    writeFileSync(path, bytes);
    const chunk = readEventFile(path);
    expect(chunk.events.map((e) => e.event.step)).toEqual([0, 1, 2, 3]);
    expect(chunk.events.map((e) => e.offset)).toEqual(offsets);
    expect(chunk.nextOffset).toBe(bytes.length);
    expect(chunk.truncated).toBeUndefined();
  });

  test("a file cut anywhere inside its last record reads up to the last whole record", () => {
    const { bytes, offsets } = sampleFile(3);
    const last = offsets[3]!;
    const path = join(tempDir(), "events.out.tfevents.2.h.1.0");
    for (let cut = last + 1; cut < bytes.length; cut++) {
      writeFileSync(path, bytes.subarray(0, cut));
      const chunk = readEventFile(path);
      expect(chunk.events.map((e) => e.event.step)).toEqual([0, 1, 2]);
      expect(chunk.nextOffset).toBe(last);
      expect(chunk.truncated).toMatchObject({ offset: last, availableBytes: cut - last });
    }
  });

  test("resumes from an offset, also on a file that grows between reads", () => {
    const { bytes, offsets } = sampleFile(4);
    const path = join(tempDir(), "events.out.tfevents.3.h.1.0");
    writeFileSync(path, bytes);
    expect(readEventFile(path, offsets[2]).events.map((e) => e.event.step)).toEqual([2, 3, 4]);
    writeFileSync(path, "");
    const seen: number[] = [];
    let offset = 0;
    // Grow the file 7 bytes at a time, cutting records anywhere; each read starts at the last one's nextOffset.
    for (let at = 0; at < bytes.length; at += 7) {
      appendFileSync(path, bytes.subarray(at, Math.min(at + 7, bytes.length)));
      const chunk = readEventFile(path, offset);
      seen.push(...chunk.events.map((e) => e.event.step ?? 0));
      offset = chunk.nextOffset;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(offset).toBe(bytes.length);
    expect(readEventFile(path, offset).events).toEqual([]);
  });

  test("a flipped byte is a CRC error naming the file and the record's offset", () => {
    const { bytes, offsets } = sampleFile(3);
    const path = join(tempDir(), "events.out.tfevents.4.h.1.0");
    const corrupt = Buffer.from(bytes);
    corrupt[offsets[2]! + 14]! ^= 0x04; // inside the data of the third record
    writeFileSync(path, corrupt);
    let error: unknown;
    try { readEventFile(path); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(RecordCorruptError);
    expect((error as RecordCorruptError).offset).toBe(offsets[2]);
    expect((error as Error).message).toBe(`${path}: data CRC mismatch in the record at byte ${offsets[2]}`);
    const badLength = Buffer.from(bytes);
    badLength[offsets[1]! + 3]! ^= 0x01;
    writeFileSync(path, badLength);
    expect(() => readEventFile(path)).toThrow(`${path}: length CRC mismatch in the record at byte ${offsets[1]}`);
  });

  test("a record that is not an Event is reported with its offset", () => {
    const path = join(tempDir(), "events.out.tfevents.5.h.1.0");
    const good = encodeRecord(encodeEvent({ wallTime: 1, fileVersion: "brain.Event:2" }));
    writeFileSync(path, Buffer.concat([good, encodeRecord(Uint8Array.of(0x0a, 0x05, 0x01))]));
    expect(() => readEventFile(path)).toThrow(new RegExp(`record at byte ${good.length} is not an Event`));
  });

  test("decoded values carry proto3 defaults", () => {
    const { bytes } = sampleFile(1);
    const path = join(tempDir(), "events.out.tfevents.6.h.1.0");
    writeFileSync(path, bytes);
    const [header, scalar] = readEventFile(path).events;
    expect(header!.event.step).toBe(0);
    expect(header!.event.sourceMetadata?.writer).toBe("lenet-lab");
    expect(scalarOf(scalar!.event.summary!.value![0]!)).toBe(1);
  });
});

describe("listRuns", () => {
  test("lists every directory holding an event file, relative to the logdir", () => {
    const logdir = tempDir();
    for (const run of ["relu-adam", "sigmoid-sgd/seed1", "empty"]) mkdirSync(join(logdir, run), { recursive: true });
    writeFileSync(join(logdir, "events.out.tfevents.1.h.1.0"), "");
    writeFileSync(join(logdir, "relu-adam", "events.out.tfevents.1.h.1.1"), "");
    writeFileSync(join(logdir, "relu-adam", "events.out.tfevents.2.h.1.2"), "");
    writeFileSync(join(logdir, "sigmoid-sgd", "seed1", "events.out.tfevents.1.h.1.3"), "");
    writeFileSync(join(logdir, "empty", "notes.txt"), "");
    expect(listRuns(logdir)).toEqual([".", "relu-adam", "sigmoid-sgd/seed1"]);
    expect(listEventFiles(join(logdir, "relu-adam")).map((path) => basename(path))).toEqual(["events.out.tfevents.1.h.1.1", "events.out.tfevents.2.h.1.2"]);
  });
});

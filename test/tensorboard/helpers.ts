// Shared helpers of the TensorBoard tests: temporary logdirs and reading back.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { readEventFile } from "../../src/tensorboard/reader.js";
import type { SummaryValue } from "../../src/tensorboard/messages.js";

const made: string[] = [];

/** A fresh temporary directory, removed after the test. */
export function tempDir(prefix = "lenet-lab-tb-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every summary value of an event file, with its event's step and wall time. */
export function summaryValues(path: string): { step: number; wallTime: number; value: SummaryValue }[] {
  const out: { step: number; wallTime: number; value: SummaryValue }[] = [];
  for (const { event } of readEventFile(path).events) {
    for (const value of event.summary?.value ?? []) out.push({ step: event.step ?? 0, wallTime: event.wallTime, value });
  }
  return out;
}

// The fc2 files of a run and of a logdir, written atomically:
//
//   RUN_DIR/fc2/digit-<d>.png      the map of digit d (digit-figure)
//   RUN_DIR/fc2/digit-<d>.csv      its raw values: one line per image, 84 comma-separated values
//   RUN_DIR/fc2/indices.json       how the images were picked and the test-set index of every row
//   RUN_DIR/fc2/all-digits.png     the ten maps in one panel
//   RUN_DIR/fc2/class-means.png    the mean fc2 vector of each digit (10 × 84)
//   RUN_DIR/fc2/class-similarity.png  cosine similarities of those means (10 × 10)
//   LOGDIR/compare/fc2-<d>.png     digit d for every run side by side, shared scale
//   LOGDIR/compare/fc2-all-digits.png  every digit of every run, shared scale
//
// Also reads a run's fc2 directory back (CSV + indices.json), so figures and
// the report can be remade without the network.

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic, writeFileAtomicAsync } from "../io/atomic-write.js";
import { ColormapName } from "./colormaps.js";
import {
  Fc2FigureStyle, RunMatrices, allDigitsFigure, classMeansFigure, crossRunAllDigitsFigure, crossRunDigitFigure,
  digitFigure, similarityFigure,
} from "./fc2-figures.js";
import { DIGITS, FC2_UNITS, Fc2Matrices, Fc2Selection } from "./fc2-matrices.js";

export const FC2_DIR = "fc2";
export const COMPARE_DIR = "compare";
export const INDICES_FILE = "indices.json";

export const digitPngName = (d: number) => `digit-${d}.png`;
export const digitCsvName = (d: number) => `digit-${d}.csv`;
export const ALL_DIGITS_PNG = "all-digits.png";
export const CLASS_MEANS_PNG = "class-means.png";
export const CLASS_SIMILARITY_PNG = "class-similarity.png";
export const crossRunPngName = (d: number) => `fc2-${d}.png`;
export const CROSS_RUN_ALL_PNG = "fc2-all-digits.png";

/**
 * A float32 as the shortest decimal that reads back to the same float32
 * (at most 9 significant digits), e.g. 0.1f → "0.1", 0 → "0".
 */
export function formatFloat32(value: number): string {
  if (value === 0) return "0"; // ReLU's many zeros (and -0, as before)
  const float = Math.fround(value);
  for (let digits = 6; digits < 9; digits++) {
    const shorter = Number(value.toPrecision(digits));
    if (Math.fround(shorter) === float) return String(shorter);
  }
  return String(Number(value.toPrecision(9)));
}

/** rows × cols values as CSV: one line per row, no header. */
export function matrixCsv(values: ArrayLike<number>, cols: number): string {
  const lines: string[] = [];
  for (let start = 0; start < values.length; start += cols) {
    const row: string[] = [];
    for (let c = 0; c < cols; c++) row.push(formatFloat32(values[start + c]));
    lines.push(row.join(","));
  }
  return lines.join("\n") + "\n";
}

export interface Fc2WriteOptions {
  runName: string;
  colormap: ColormapName;
  /** null: each map on its own min–max scale. */
  sharedDomain: [number, number] | null;
  className: (d: number) => string;
  /** Extra facts for indices.json (e.g. the dataset). */
  about?: Record<string, unknown>;
}

/** Writes every file of RUN_DIR/fc2; returns their paths. */
export async function writeFc2Directory(runDir: string, matrices: Fc2Matrices, options: Fc2WriteOptions): Promise<string[]> {
  const dir = join(runDir, FC2_DIR);
  mkdirSync(dir, { recursive: true });
  const style: Fc2FigureStyle = { colormap: options.colormap, sharedDomain: options.sharedDomain, className: options.className };
  const written: string[] = [];
  const write = (name: string, data: Uint8Array | string) => {
    writeFileAtomic(join(dir, name), data);
    written.push(join(dir, name));
  };
  const { selection, byDigit } = matrices;
  write(INDICES_FILE, JSON.stringify({
    run: options.runName, ...options.about, pick: selection.pick, seed: selection.seed, perDigit: selection.perDigit,
    units: FC2_UNITS, scale: options.sharedDomain ? { rule: "shared", domain: options.sharedDomain } : { rule: "minmax" },
    colormap: options.colormap, indices: selection.indices,
  }, null, 1) + "\n");
  // Every figure asked for before any is awaited, so that figure threads draw them at once (render-pool.ts).
  const figures: [string, Promise<{ png: Uint8Array }>][] = [
    ...byDigit.map((matrix, d) => [digitPngName(d), digitFigure(matrix, d, options.runName, style)] as [string, Promise<{ png: Uint8Array }>]),
    [ALL_DIGITS_PNG, allDigitsFigure(byDigit, options.runName, style)],
    [CLASS_MEANS_PNG, classMeansFigure(byDigit, options.runName, style)],
    [CLASS_SIMILARITY_PNG, similarityFigure(byDigit, options.runName, style)],
  ];
  // The CSVs on a later turn of the event loop, so that a caller that goes on asking for figures (the report) is
  // not held up by formatting 84,000 numbers first; each figure written as soon as it is drawn, off this thread.
  const files = [
    new Promise((next) => setImmediate(next)).then(() => Promise.all(byDigit.map(async (matrix, d) => {
      await writeFileAtomicAsync(join(dir, digitCsvName(d)), matrixCsv(matrix, FC2_UNITS));
      return join(dir, digitCsvName(d));
    }))),
    Promise.all(figures.map(async ([name, figure]) => {
      await writeFileAtomicAsync(join(dir, name), (await figure).png);
      return join(dir, name);
    })),
  ];
  written.push(...(await Promise.all(files)).flat());
  return written;
}

/** True when the run has fc2 CSVs for every digit and an indices.json. */
export function hasFc2Directory(runDir: string): boolean {
  const dir = join(runDir, FC2_DIR);
  return existsSync(join(dir, INDICES_FILE)) && Array.from({ length: DIGITS }, (_, d) => existsSync(join(dir, digitCsvName(d)))).every(Boolean);
}

/** Reads a run's fc2 matrices back from its CSVs and indices.json. */
export function readFc2Directory(runDir: string): Fc2Matrices {
  const dir = join(runDir, FC2_DIR);
  const indicesPath = join(dir, INDICES_FILE);
  if (!existsSync(indicesPath)) throw new Error(`${indicesPath} not found; run \`lenet-lab features ${runDir}\` first`);
  const about = JSON.parse(readFileSync(indicesPath, "utf8")) as Fc2Selection;
  const byDigit = Array.from({ length: DIGITS }, (_, d) => {
    const path = join(dir, digitCsvName(d));
    const lines = readFileSync(path, "utf8").trim().split("\n");
    const values = new Float32Array(lines.length * FC2_UNITS);
    lines.forEach((line, r) => {
      const cells = line.split(",");
      if (cells.length !== FC2_UNITS) throw new Error(`${path}: line ${r + 1} has ${cells.length} values, expected ${FC2_UNITS}`);
      cells.forEach((cell, u) => (values[r * FC2_UNITS + u] = Number(cell)));
    });
    return values;
  });
  return { selection: { pick: about.pick, seed: about.seed, perDigit: about.perDigit, indices: about.indices }, byDigit };
}

/** Writes LOGDIR/compare/fc2-<d>.png and fc2-all-digits.png for the runs given; returns the paths. */
export async function writeCrossRunFigures(logdir: string, runs: readonly RunMatrices[],
  options: { colormap: ColormapName; sharedDomain: [number, number] | null; className: (d: number) => string; crossRunScale?: "shared" | "per-run" }): Promise<string[]> {
  if (runs.length === 0) return [];
  const dir = join(logdir, COMPARE_DIR);
  mkdirSync(dir, { recursive: true });
  const style: Fc2FigureStyle = options;
  const figures: [string, Promise<{ png: Uint8Array }>][] = [
    ...Array.from({ length: DIGITS }, (_, d) => [crossRunPngName(d), crossRunDigitFigure(runs, d, style)] as [string, Promise<{ png: Uint8Array }>]),
    [CROSS_RUN_ALL_PNG, crossRunAllDigitsFigure(runs, style)],
  ];
  return Promise.all(figures.map(async ([name, figure]) => {
    await writeFileAtomicAsync(join(dir, name), (await figure).png);
    return join(dir, name);
  }));
}

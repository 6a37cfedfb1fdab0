// The files the Train page reads beside it, under playground/: its settings
// (the run config it starts from, Node's own defaults) and the real MNIST's
// four IDX files from the embedded copy. The board serves them (a request can
// only ever get one of these files, looked up by exact name); `lenet-lab
// playground` writes them, MNIST gzip-compressed, next to a static copy of the
// page (the Train tab alone).

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { writeFileAtomic } from "../io/atomic-write.js";
import { defaultAssetDir } from "./assets.js";
import { IDX_FILES, embeddedMnistDirectory } from "../data/datasets.js";
import { ACTIVATIONS } from "../engine/layers/activations.js";
import { OPTIMIZERS } from "../optim/optimizers.js";
import { resolveRunConfig } from "../train/config.js";
import type { PlaygroundSettings } from "./playground-settings.js";

/** A page run is shorter than a CLI one: 300 iterations already reach about 95 % with ReLU and Adam. */
export const PLAYGROUND_ITERATIONS = 300;
export const PLAYGROUND_EVAL_EVERY = 50;

export const PLAYGROUND_DIR = "playground";
const MNIST_DIR = "mnist";

/**
 * The settings a page is given: `lenet-lab train`'s defaults but for the
 * length of the run and the thread count (the page's), and where MNIST is
 * (`suffix` ".gz" where the files are compressed).
 */
export function playgroundSettings(suffix = ""): PlaygroundSettings {
  const config = resolveRunConfig({ iterations: String(PLAYGROUND_ITERATIONS), evalEvery: String(PLAYGROUND_EVAL_EVERY), threads: "1" });
  const file = (name: string) => `${MNIST_DIR}/${name}${suffix}`;
  return {
    config, activations: ACTIVATIONS, optimizers: OPTIMIZERS,
    mnist: {
      trainImages: file(IDX_FILES.trainImages), trainLabels: file(IDX_FILES.trainLabels),
      testImages: file(IDX_FILES.testImages), testLabels: file(IDX_FILES.testLabels),
    },
  };
}

/** The URL paths under playground/ (without it) and how to get each file's bytes. */
export function playgroundFiles(): Map<string, { contentType: string; read(): Uint8Array }> {
  const files = new Map<string, { contentType: string; read(): Uint8Array }>();
  files.set("settings.json", {
    contentType: "application/json; charset=utf-8",
    read: () => new TextEncoder().encode(JSON.stringify(playgroundSettings())),
  });
  const directory = embeddedMnistDirectory();
  for (const name of Object.values(IDX_FILES)) {
    files.set(`${MNIST_DIR}/${name}`, { contentType: "application/octet-stream", read: () => readFileSync(join(directory, name)) });
  }
  return files;
}

/** What writePlaygroundSite wrote. */
export interface PlaygroundSite {
  directory: string;
  files: number;
  bytes: number;
}

/**
 * Writes the playground as a static site into `out` (which must be empty or
 * not exist): index.html (the Train tab alone), the page's scripts and kernel
 * builds, and playground/ with the settings and MNIST gzip-compressed.
 */
export function writePlaygroundSite(out: string, assetDir = defaultAssetDir()): PlaygroundSite {
  const directory = resolve(out);
  if (existsSync(directory)) {
    if (!statSync(directory).isDirectory()) throw new Error(`${directory} is a file; give --out a directory (new or empty)`);
    if (readdirSync(directory).length > 0) throw new Error(`${directory} is not empty; give --out a new or empty directory`);
  }
  const page = join(assetDir, "playground.html");
  if (!existsSync(page)) throw new Error(`the playground page is not built (no ${page}); run npm run build`);
  mkdirSync(join(directory, PLAYGROUND_DIR, MNIST_DIR), { recursive: true });
  cpSync(join(assetDir, "assets"), join(directory, "assets"), { recursive: true });
  writeFileAtomic(join(directory, "index.html"), readFileSync(page));
  const settings = playgroundSettings(".gz");
  writeFileAtomic(join(directory, PLAYGROUND_DIR, "settings.json"), JSON.stringify(settings, null, 1));
  const source = embeddedMnistDirectory();
  for (const name of Object.values(IDX_FILES)) {
    writeFileAtomic(join(directory, PLAYGROUND_DIR, MNIST_DIR, `${name}.gz`), gzipSync(readFileSync(join(source, name))));
  }
  const sizes = (dir: string): number[] => readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => entry.isDirectory() ? sizes(join(dir, entry.name)) : [statSync(join(dir, entry.name)).size]);
  const all = sizes(directory);
  return { directory, files: all.length, bytes: all.reduce((a, b) => a + b, 0) };
}

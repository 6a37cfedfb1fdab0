// The files the Train page reads beside it, under playground/: its settings
// (the run config it starts from, Node's own defaults) and the real MNIST's
// four IDX files from the embedded copy. The board serves them; `lenet-lab
// playground` writes them next to a static copy of the page. A request can only
// ever get one of these files, looked up by exact name.

import { readFileSync } from "node:fs";
import { join } from "node:path";
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

/** The settings a page is given: `lenet-lab train`'s defaults but for the length of the run and the thread count (the page's). */
export function playgroundSettings(): PlaygroundSettings {
  const config = resolveRunConfig({ iterations: String(PLAYGROUND_ITERATIONS), evalEvery: String(PLAYGROUND_EVAL_EVERY), threads: "1" });
  return { config, activations: ACTIVATIONS, optimizers: OPTIMIZERS, mnist: `${MNIST_DIR}/` };
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

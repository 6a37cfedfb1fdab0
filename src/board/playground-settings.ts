// What the Train page is told by the files beside it (playground/settings.json):
// the config a run in the page starts from, and the choices it offers. Shared
// by the board's server, `lenet-lab playground` and the page; types only.

import type { RunConfig } from "../train/config.js";

export interface PlaygroundSettings {
  /** Node's defaults for `lenet-lab train`, with the page's shorter run: the page's choices replace some of them. */
  config: RunConfig;
  activations: readonly string[];
  optimizers: readonly string[];
  /** Where the page finds MNIST's four IDX files (raw or gzip-compressed), relative to playground/. */
  mnist: { trainImages: string; trainLabels: string; testImages: string; testLabels: string };
}

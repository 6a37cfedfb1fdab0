// A run trained in a browser page (the board's Train tab, the static
// playground), as the page hands it over to be kept: the choices it was
// trained with, every step's loss and accuracy, every evaluation with its
// confusion matrix, and the final weights. keep-page-run.ts checks one and
// writes it into a logdir as an ordinary run directory. Types only: the page
// builds these.

import type { KernelBuild } from "../engine/wasm/kernels.js";
import type { RunConfig } from "./config.js";
import type { Mistake } from "./confusion.js";
import type { EvalRecord } from "./trainer.js";

/** The settings a page chooses; everything else is `lenet-lab train`'s default. */
export type PageRunChoices = Pick<RunConfig, "activation" | "optimizer" | "lr" | "batchSize" | "iterations" | "seed" | "evalEvery">;

export interface PageRun {
  /** What the file is: "lenet-lab page run", version 1. */
  format: "lenet-lab page run";
  version: 1;
  /** The run's name in the logdir; default: the name `lenet-lab train` would give it, with "-browser". */
  runName?: string;
  choices: PageRunChoices;
  /** The kernel build that computed it, and the browser (its user agent). */
  kernels: KernelBuild;
  browser: string;
  /** losses[i], accuracies[i]: the batch loss and accuracy of iteration i + 1. */
  losses: number[];
  accuracies: number[];
  evaluations: { record: EvalRecord; confusion: number[] }[];
  /** The test images the last evaluation got wrong with the highest probability, surest first (run.json's classes.surest); files from before it have none. */
  surest?: Mistake[];
  /** The final parameters, float32 little-endian in the network's order, base64. */
  parameters: string;
  seconds: number;
  trainSeconds: number;
}

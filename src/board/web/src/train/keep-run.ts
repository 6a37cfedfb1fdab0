// A finished run of the Train page, handed over to be kept: as the JSON of
// src/train/page-run.ts, sent to the board (which writes it into its logdir
// as an ordinary run directory) or downloaded as one file (which `lenet-lab
// import` writes into a logdir the same way).

import type { PageRun, PageRunChoices } from "../../../../train/page-run.js";
import type { Mistake } from "../../../../train/confusion.js";
import type { EvalRecord } from "../../../../train/trainer.js";
import type { KernelBuild } from "../../../../engine/wasm/kernels.js";
import { download } from "../dom.js";

/** What the page holds of a finished run. */
export interface FinishedRun {
  choices: PageRunChoices;
  build: KernelBuild;
  losses: number[];
  accuracies: number[];
  evals: EvalRecord[];
  confusions: Int32Array[];
  /** The mistakes the last evaluation was surest of. */
  surest: Mistake[];
  parameters: Float32Array;
  seconds: number;
  trainSeconds: number;
}

function base64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function pageRunOf(run: FinishedRun, runName?: string): PageRun {
  return {
    format: "lenet-lab page run", version: 1, ...(runName ? { runName } : {}),
    choices: run.choices, kernels: run.build, browser: navigator.userAgent,
    losses: run.losses, accuracies: run.accuracies,
    evaluations: run.evals.map((record, k) => ({ record, confusion: Array.from(run.confusions[k]!) })),
    surest: run.surest,
    parameters: base64(new Uint8Array(run.parameters.buffer, run.parameters.byteOffset, run.parameters.byteLength)),
    seconds: run.seconds, trainSeconds: run.trainSeconds,
  };
}

/** Sends the run to the board; resolves with the kept run's name, or rejects with the board's message. */
export async function keepOnBoard(run: FinishedRun): Promise<string> {
  const response = await fetch("api/runs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(pageRunOf(run)) });
  const answer = await response.json() as { run?: string; error?: string };
  if (!response.ok) throw new Error(answer.error ?? `HTTP ${response.status}`);
  return answer.run!;
}

/** Offers the run as one file, `<name>.lenet-run.json`. */
export function downloadRun(run: FinishedRun, name: string): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(pageRunOf(run))], { type: "application/json" }));
  download(`${name}.lenet-run.json`, url);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

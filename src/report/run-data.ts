// Everything the report shows about a logdir, read from disk: each run
// directory's run.json, its TensorBoard event files (scalars, the latest image
// of each tag, the latest histogram of each tag) and its weights. Runs that
// left event files but no run.json (still training, failed, interrupted) are
// listed as unfinished. Reading only: the report can be remade at any time.
// Not here: charts, findings, writing.

import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { listEventFiles } from "../tensorboard/reader.js";
import { readRunEvents as readMergedEvents } from "../tensorboard/run-events.js";
import { scalarOf, textOf } from "../tensorboard/summaries.js";
import type { HistogramMessage } from "../tensorboard/messages.js";
import { GROUP_RUNS_DIR } from "../stats/run-groups.js";
import type { RunConfig } from "../train/config.js";
import { RUN_FILE, RunSummary } from "../train/run-directory.js";
import type { EarlyStopVerdict } from "../train/early-stop.js";
import { FinishedRunSummary, isFinished, readRunSummary } from "../train/load-run.js";

export interface ScalarPoint {
  step: number;
  value: number;
}

export interface LoggedImage {
  step: number;
  /** The PNG as TensorBoard stores it. */
  png: Uint8Array;
  width: number;
  height: number;
}

export interface RunRecord {
  name: string;
  dir: string;
  summary: FinishedRunSummary;
  /** Scalar curves by tag, sorted by step. */
  scalars: Map<string, ScalarPoint[]>;
  /** The first and the latest image of each tag. */
  firstImages: Map<string, LoggedImage>;
  images: Map<string, LoggedImage>;
  /** The latest histogram of each tag. */
  histograms: Map<string, { step: number; histogram: HistogramMessage }>;
  /** Text summaries by tag (e.g. config). */
  texts: Map<string, string>;
  eventFiles: string[];
}

export interface UnfinishedRun {
  name: string;
  dir: string;
  /** What is there: "event files but no run.json", the run's status and problem, or what is wrong with run.json. */
  state: string;
  /** The run's config, when its run.json could be read (so a group can name its missing seeds). */
  config?: RunConfig;
  /** Why --early-stop's rule ended it: a run with results, listed apart because it trained less than the others. */
  stoppedEarly?: EarlyStopVerdict;
}

const percent = (fraction: number) => `${(100 * fraction).toFixed(2)}%`;

export interface LogdirData {
  logdir: string;
  runs: RunRecord[];
  unfinished: UnfinishedRun[];
}

export type RunEventData = Pick<RunRecord, "scalars" | "firstImages" | "images" | "histograms" | "texts" | "eventFiles">;

/**
 * Event files read ahead of the report (readRunEventsAhead), by run directory,
 * with the names, sizes and modification times they had then: an entry is
 * used only while every file is as it was.
 */
const readAhead = new Map<string, { files: string; events: RunEventData }>();

function eventFilesState(files: readonly string[]): string {
  return files.map((file) => {
    const { size, mtimeMs } = statSync(file);
    return `${file}\0${size}\0${mtimeMs}`;
  }).join("\n");
}

/**
 * Reads a finished run's event files now, for a report this process makes
 * later (compare reads a run that finished while others still train, so the
 * report after the last run has less to read). Never throws: a run that
 * cannot be read now is read, and its problem met, by the report.
 */
export function readRunEventsAhead(dir: string): void {
  try {
    const key = resolve(dir);
    const files = eventFilesState(listEventFiles(key));
    readAhead.set(key, { files, events: readRunEventsNow(key) });
  } catch {
    // the report reads it again
  }
}

/**
 * Reads the event files of one run directory (not its sub-runs), merged as
 * TensorBoard merges them: a resumed run's restart marker supersedes what the
 * interrupted process wrote after its checkpoint, so no step shows twice.
 */
export function readRunEvents(dir: string): RunEventData {
  const ahead = readAhead.get(resolve(dir));
  if (ahead && ahead.files === eventFilesState(listEventFiles(resolve(dir)))) {
    // Maps of its own, since the caller may add to them (addHistoryCurves).
    const { scalars, firstImages, images, histograms, texts, eventFiles } = ahead.events;
    return { scalars: new Map(scalars), firstImages: new Map(firstImages), images: new Map(images),
      histograms: new Map(histograms), texts: new Map(texts), eventFiles: [...eventFiles] };
  }
  return readRunEventsNow(dir);
}

function readRunEventsNow(dir: string): RunEventData {
  const scalars = new Map<string, ScalarPoint[]>();
  const firstImages = new Map<string, LoggedImage>();
  const images = new Map<string, LoggedImage>();
  const histograms = new Map<string, { step: number; histogram: HistogramMessage }>();
  const texts = new Map<string, string>();
  const eventFiles = listEventFiles(dir);
  for (const event of readMergedEvents(dir).events) {
    const step = event.step ?? 0;
    for (const value of event.summary?.value ?? []) {
      if (value.image?.encodedImageString) {
        const image = { step, png: value.image.encodedImageString, width: value.image.width ?? 0, height: value.image.height ?? 0 };
        if (!firstImages.has(value.tag) || firstImages.get(value.tag)!.step > step) firstImages.set(value.tag, image);
        if (!images.has(value.tag) || images.get(value.tag)!.step <= step) images.set(value.tag, image);
      } else if (value.histo) {
        if (!histograms.has(value.tag) || histograms.get(value.tag)!.step <= step) histograms.set(value.tag, { step, histogram: value.histo });
      } else if (value.metadata?.pluginData?.pluginName === "text") {
        const text = textOf(value);
        if (text !== undefined) texts.set(value.tag, text);
      } else {
        const number = scalarOf(value);
        if (number === undefined || value.tag.startsWith("_hparams_")) continue;
        let points = scalars.get(value.tag);
        if (!points) scalars.set(value.tag, (points = []));
        points.push({ step, value: number });
      }
    }
  }
  for (const points of scalars.values()) points.sort((a, b) => a.step - b.step);
  return { scalars, firstImages, images, histograms, texts, eventFiles };
}

/**
 * Curves from run.json's evaluation history, for the tags the event files do
 * not have (a run logged with --summaries minimal, or before logging existed).
 */
function addHistoryCurves(scalars: Map<string, ScalarPoint[]>, summary: RunSummary): void {
  const fromHistory: Record<string, keyof RunSummary["history"][number]> = {
    "loss/test": "testLoss", "accuracy/test": "testAccuracy", "loss/train": "trainLoss", "accuracy/train": "trainAccuracy",
  };
  for (const [tag, field] of Object.entries(fromHistory)) {
    if (scalars.has(tag)) continue;
    const points = summary.history.filter((r) => typeof r[field] === "number").map((r) => ({ step: r.iteration, value: r[field] as number }));
    if (points.length > 0) scalars.set(tag, points);
  }
}

/** The runs of a logdir: its direct subdirectories holding a run.json or event files, sorted by name. */
export function readLogdir(logdir: string): LogdirData {
  const root = resolve(logdir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new Error(`${root} is not a directory; give the logdir that holds the run directories (default: runs)`);
  }
  const runs: RunRecord[] = [];
  const unfinished: UnfinishedRun[] = [];
  // LOGDIR/_groups holds the seed groups' aggregate curves for TensorBoard: derived, not runs.
  const names = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== GROUP_RUNS_DIR).map((e) => e.name).sort();
  for (const name of names) {
    const dir = join(root, name);
    const hasRunFile = existsSync(join(dir, RUN_FILE));
    if (!hasRunFile) {
      if (listEventFiles(dir).length > 0) unfinished.push({ name, dir, state: "event files but no run.json: still training, failed or interrupted" });
      continue;
    }
    let summary: RunSummary;
    try {
      summary = readRunSummary(dir);
    } catch (error) {
      unfinished.push({ name, dir, state: (error as Error).message });
      continue;
    }
    if (summary.status === "stopped-early" && summary.stoppedEarly) {
      const verdict = summary.stoppedEarly;
      unfinished.push({ name, dir, config: summary.config, stoppedEarly: verdict,
        state: `stopped early at iteration ${verdict.iteration} of ${summary.config.iterations}: its best test accuracy ` +
          `${percent(verdict.bestTestAccuracy)} was below the median ${percent(verdict.median)} of ${verdict.peers} other runs` });
      continue;
    }
    if (!isFinished(summary)) {
      const problem = summary.problem ? `: ${summary.problem.message}` : "";
      unfinished.push({ name, dir, state: `${summary.status ?? "unknown status"} after ${summary.iterations} of ${summary.config.iterations} iterations${problem}`,
        config: summary.config });
      continue;
    }
    const events = readRunEvents(dir);
    addHistoryCurves(events.scalars, summary);
    runs.push({ name: summary.run ?? name, dir, summary, ...events });
  }
  return { logdir: root, runs, unfinished };
}

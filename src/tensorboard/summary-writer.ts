// SummaryWriter: what a training loop calls to log a run for TensorBoard.
// Its verbs mirror PyTorch's `torch.utils.tensorboard.SummaryWriter` in
// camelCase. One writer = one run = one directory holding one event file
// (plus the projector files). Stateful; all calls are synchronous.
//
// Unlike PyTorch, `addHparams` writes into the run's own directory, so the
// HParams tab pairs each run's hyperparameters with that run's curves.
// Not here: encoding (summaries.ts, hparams.ts, projector.ts), file handling
// (event-file-writer.ts).

import { EventFileWriter, type EventFileWriterOptions } from "./event-file-writer.js";
import { experimentSummary, sessionEndSummary, sessionStartSummary, SessionStatus, type HParamValue } from "./hparams.js";
import type { HistogramBins } from "./histogram.js";
import { encodeGraphDef, type NodeDef, type SummaryValue } from "./messages.js";
import { writeEmbeddingFiles, type EmbeddingConfig, type EmbeddingMatrix, type EmbeddingMetadata, type LabelImages } from "./projector.js";
import { histogramSummary, imageSummary, scalarSummary, textSummary, type ImageShape } from "./summaries.js";
import { join } from "node:path";

export type SummaryWriterOptions = EventFileWriterOptions;

/** Options of `addHparams`. */
export interface HparamsOptions {
  /** Step of the metric scalars; default: the highest step this writer has logged (0 if none). */
  step?: number;
  /** Sessions with the same group name are aggregated by the HParams tab. */
  groupName?: string;
  /** Seconds since the epoch; default now. */
  wallTime?: number;
}

/** Options of `addEmbedding`. */
export interface EmbeddingOptions {
  /** One label per point, or a table with a header. */
  metadata?: EmbeddingMetadata;
  /** One thumbnail per point, for the sprite. */
  labelImages?: LabelImages;
  /** Default 0. */
  step?: number;
}

function checkStep(step: number): void {
  if (!Number.isSafeInteger(step)) throw new RangeError(`step must be an integer, got ${step}`);
}

/** Writes one run's summaries into `logDir` (created if needed). */
export class SummaryWriter {
  /** The run directory. */
  readonly logDir: string;
  private readonly file: EventFileWriter;
  private readonly options: SummaryWriterOptions;
  private readonly subWriters = new Map<string, SummaryWriter>();
  private highestStep = 0;

  constructor(logDir: string, options: SummaryWriterOptions = {}) {
    this.logDir = logDir;
    this.options = options;
    this.file = new EventFileWriter(logDir, options);
  }

  /** Path of this writer's event file. */
  get eventFilePath(): string {
    return this.file.path;
  }

  /** Writes summary values as one event (the building block of every verb). */
  addSummaryValues(values: SummaryValue[], step: number, wallTime = Date.now() / 1000): void {
    checkStep(step);
    this.file.write({ wallTime, step, summary: { value: values } });
    if (step > this.highestStep) this.highestStep = step;
  }

  /** A point of the scalar curve `tag`. */
  addScalar(tag: string, value: number, step: number, wallTime?: number): void {
    this.addSummaryValues([scalarSummary(tag, value)], step, wallTime);
  }

  /**
   * Several curves in one chart, as PyTorch does it: each key goes to the
   * sub-run `<logDir>/<mainTag>_<key>` under the tag `mainTag`.
   */
  addScalars(mainTag: string, values: Record<string, number>, step: number, wallTime?: number): void {
    for (const [key, value] of Object.entries(values)) {
      const dir = join(this.logDir, `${mainTag}_${key}`.replace(/[^A-Za-z0-9._-]/g, "_"));
      let writer = this.subWriters.get(dir);
      if (!writer) {
        writer = new SummaryWriter(dir, this.options);
        this.subWriters.set(dir, writer);
      }
      writer.addScalar(mainTag, value, step, wallTime);
    }
  }

  /** The distribution of `values` (TensorFlow's exponential buckets by default). */
  addHistogram(tag: string, values: ArrayLike<number>, step: number, options: { bins?: HistogramBins; wallTime?: number } = {}): void {
    this.addSummaryValues([histogramSummary(tag, values, options.bins)], step, options.wallTime);
  }

  /** An image (row-major HWC; bytes, or intensities in [0, 1]), stored as PNG. */
  addImage(tag: string, pixels: ArrayLike<number>, shape: ImageShape, step: number, wallTime?: number): void {
    this.addSummaryValues([imageSummary(tag, pixels, shape)], step, wallTime);
  }

  /**
   * The model's graph for the Graphs tab (a GraphDef, e.g. from buildModelGraph),
   * written once per run as the `graph_def` of an event, as TensorFlow does.
   */
  addGraph(graph: { node: NodeDef[]; versions?: { producer?: number } }, wallTime = Date.now() / 1000): void {
    this.file.write({ wallTime, step: 0, graphDef: encodeGraphDef(graph) });
  }

  /**
   * A SessionLog START at `step`: TensorFlow's marker of a training session
   * starting. The first one in a run marks its beginning; each later one marks
   * a restart from a checkpoint, and TensorBoard then drops the events earlier
   * files hold at `step` and later (written after the checkpoint, before the
   * crash), so no step is shown twice. So: write one at step 0 when a run
   * starts, and one at the first step written again when it resumes.
   */
  addSessionStart(step: number, wallTime = Date.now() / 1000): void {
    checkStep(step);
    this.file.write({ wallTime, step, sessionLog: { status: 1 /* START */ } });
  }

  /** Markdown text for the Text tab. */
  addText(tag: string, markdown: string, step: number, wallTime?: number): void {
    this.addSummaryValues([textSummary(tag, markdown)], step, wallTime);
  }

  /**
   * This run's hyperparameters and its result metrics, for the HParams tab:
   * the experiment description, session_start_info and session_end_info
   * (status SUCCESS) go into this run's directory. A metric with a number is
   * also written as a scalar of that tag (at `options.step`); a metric given
   * as `null` names a scalar tag this run already logs (its last value counts).
   */
  addHparams(hparams: Record<string, HParamValue>, metrics: Record<string, number | null>, options: HparamsOptions = {}): void {
    const wallTime = options.wallTime ?? Date.now() / 1000;
    const step = options.step ?? this.highestStep;
    checkStep(step);
    const values = [
      experimentSummary(hparams, Object.keys(metrics), wallTime),
      sessionStartSummary(hparams, wallTime, options.groupName),
      sessionEndSummary(SessionStatus.SUCCESS, wallTime),
    ];
    for (const [tag, value] of Object.entries(metrics)) {
      if (value !== null) values.push(scalarSummary(tag, value));
    }
    this.addSummaryValues(values, step, wallTime);
  }

  /**
   * Points for the embedding projector (e.g. fc2 features), with optional
   * labels and thumbnails. Written as files next to the event file, see projector.ts.
   */
  addEmbedding(tag: string, matrix: EmbeddingMatrix, options: EmbeddingOptions = {}): EmbeddingConfig {
    const step = options.step ?? 0;
    if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`embedding step must be a non-negative integer, got ${step}`);
    return writeEmbeddingFiles(this.logDir, { tag, step, matrix, metadata: options.metadata, labelImages: options.labelImages });
  }

  /** Writes everything buffered to disk. Synchronous; throws if a write fails. */
  flush(): void {
    this.file.flush();
    for (const writer of this.subWriters.values()) writer.flush();
  }

  /** Flushes and closes the event files; later calls do nothing. Synchronous. */
  close(): void {
    let firstError: unknown;
    for (const writer of [this.file, ...this.subWriters.values()]) {
      try {
        writer.close();
      } catch (error) {
        firstError ??= error;
      }
    }
    if (firstError !== undefined) throw firstError;
  }
}

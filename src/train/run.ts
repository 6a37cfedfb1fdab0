// One run from start (or checkpoint) to its files: the life cycle around the
// training loop. run.json says at every moment what state the run is in
// (running, finished, stopped-early, diverged, interrupted, failed); with
// --early-stop it is written at every evaluation too, and the median stopping
// rule (early-stop.ts) may end the run there; checkpoints are taken
// every config.checkpointEvery iterations and at the end; event files are
// flushed at each checkpoint; a resumed run continues the TensorBoard steps
// with the restart marker. Whatever stops the run, what was written stays
// readable and the last checkpoint stays whole.
// Not here: argument parsing, printing and signals (src/cli/train-command.ts).

import { basename, dirname } from "node:path";
import { Dataset } from "../data/datasets.js";
import { summarizeModel } from "../engine/model-summary.js";
import { kernelBuild } from "../engine/wasm/kernel-files.js";
import { SummaryWriter } from "../tensorboard/summary-writer.js";
import { Checkpoint, writeCheckpoint } from "./checkpoint.js";
import { RunConfig } from "./config.js";
import { finalWindowOf } from "./final-window.js";
import { ConfusionMatrix, Mistake } from "./confusion.js";
import { CohortReader, EarlyStopVerdict, graceOf, medianStoppingRule } from "./early-stop.js";
import { classesSummary } from "./run-directory.js";
import { RunSummary, writeModel, writeRunSummary } from "./run-directory.js";
import { RunLogger } from "./run-logger.js";
import { DivergenceError, EvalRecord, InterruptedError, StepInfo, TrainingState } from "./trainer.js";
import { train } from "./train.js";

export interface RunProgress {
  step?(step: StepInfo): void;
  evaluated?(record: EvalRecord): void;
}

export interface ExecuteRunOptions {
  config: RunConfig;
  dataset: Dataset;
  runDir: string;
  /** Continue from this checkpoint (its config must be `config`, up to the iterations). */
  resume?: Checkpoint;
  /** What run.json said before (to keep resumedAt). */
  previous?: RunSummary;
  progress?: RunProgress;
  /** Checked after every iteration; true stops the run with a checkpoint (InterruptedError). */
  shouldStop?: () => boolean;
}

/**
 * Trains the run and writes run.json, model.safetensors, checkpoints and
 * event files into runDir. Returns the finished run's summary; throws
 * DivergenceError, InterruptedError or the error that stopped it, after
 * recording the outcome in run.json.
 */
export async function executeRun(options: ExecuteRunOptions): Promise<RunSummary> {
  const { config, dataset, runDir, resume } = options;
  const resumedAt = [...(options.previous?.resumedAt ?? []), ...(resume ? [resume.state.iteration] : [])];
  // What has happened so far, kept up to date by the callbacks, so that run.json
  // tells the truth whenever the run stops.
  let state: TrainingState | undefined = resume?.state;
  let iteration = resume?.state.iteration ?? 0;
  const history: EvalRecord[] = [...(resume?.state.history ?? [])];
  // The confusion matrix of the latest evaluation (a resumed run has none until its first).
  let lastClasses: { iteration: number; confusion: ConfusionMatrix; surest: Mistake[] } | undefined;
  const started = performance.now() - (resume?.state.elapsedMilliseconds ?? 0);
  const model = summarizeModel(config.activation);
  const writer = new SummaryWriter(runDir);
  const logger = new RunLogger(writer, config, dataset);
  // Early stopping: the other runs of the cohort, read from the logdir at each evaluation.
  const cohort = config.earlyStop ? new CohortReader(dirname(runDir), basename(runDir), config.earlyStop.cohort) : undefined;
  let stoppedEarly: EarlyStopVerdict | undefined;
  const record = (status: RunSummary["status"], extra: Partial<RunSummary> = {}): RunSummary => {
    const last = history[history.length - 1];
    const summary: RunSummary = {
      run: config.runName,
      runDir,
      config,
      status,
      final: last ? { trainLoss: last.trainLoss, trainAccuracy: last.trainAccuracy, testLoss: last.testLoss, testAccuracy: last.testAccuracy } : null,
      finalWindow: finalWindowOf(history),
      ...(lastClasses ? { classes: classesSummary(lastClasses, dataset.classNames) } : {}),
      iterations: iteration,
      epochs: (iteration * config.batchSize) / dataset.train.count,
      seconds: (performance.now() - started) / 1000,
      trainSeconds: (state?.trainMilliseconds ?? 0) / 1000,
      trainImagesPerSecond: state && state.trainMilliseconds > 0 ? (state.iteration * config.batchSize) / (state.trainMilliseconds / 1000) : 0,
      loggingSeconds: logger.seconds,
      parameterCount: model.totalParameters,
      engine: { kernels: config.backend === "js" ? "js" : kernelBuild(), node: process.version },
      model,
      history,
      ...(resumedAt.length > 0 ? { resumedAt } : {}),
      updatedAt: new Date().toISOString(),
      ...extra,
    };
    writeRunSummary(runDir, summary);
    return summary;
  };

  try {
    record("running");
    if (resume) logger.resume(resume.state.iteration, resume.logger);
    else logger.start();

    const result = await train(config, dataset, {
      resume: resume?.state,
      checkpointEvery: config.checkpointEvery,
      shouldStop: options.shouldStop,
      callbacks: {
        onStep(step, network) {
          iteration = step.iteration;
          options.progress?.step?.(step);
          logger.step(step, network);
        },
        onEval(evaluation, _network, test) {
          history.push(evaluation);
          lastClasses = { iteration: evaluation.iteration, confusion: test.confusion, surest: test.surest };
          options.progress?.evaluated?.(evaluation);
          logger.evaluated(evaluation, test.confusion);
          if (!cohort) return undefined;
          record("running"); // this evaluation, for the other runs' rule
          const verdict = medianStoppingRule(history, cohort.histories(), graceOf(config));
          if (!verdict?.stop || evaluation.iteration >= config.iterations) return undefined;
          const { stop: _, ...kept } = verdict;
          stoppedEarly = kept;
          return "stop";
        },
      },
      onCheckpoint(checkpointState) {
        state = checkpointState;
        writer.flush();
        writeCheckpoint(runDir, { config, state: checkpointState, logger: logger.getState() });
        if (checkpointState.iteration < config.iterations) record("running");
      },
    });
    logger.finish(result.model, result.final);
    writeModel(runDir, result.model.params, { format: "pt", run: config.runName, activation: config.activation });
    writer.close();
    return record(stoppedEarly ? "stopped-early" : "finished", {
      seconds: result.seconds, trainSeconds: result.trainSeconds, trainImagesPerSecond: result.trainImagesPerSecond,
      ...(stoppedEarly ? { stoppedEarly } : {}),
    });
  } catch (error) {
    closeQuietly(writer);
    if (error instanceof InterruptedError) {
      record("interrupted");
    } else if (error instanceof DivergenceError) {
      record("diverged", { problem: { iteration: error.iteration, message: error.message } });
    } else {
      try {
        record("failed", { problem: { iteration: null, message: (error as Error).message } });
      } catch {
        // run.json itself cannot be written (e.g. the disk is full): the error below says why.
      }
    }
    throw error;
  }
}

/** Closes the writer, ignoring a second failure: the first error is the one to report. */
function closeQuietly(writer: SummaryWriter): void {
  try {
    writer.close();
  } catch {
    // already failing
  }
}

// Progress display of a training run on stderr: a live bar (cli-progress) when
// stderr is a terminal, otherwise one plain line per evaluation, so that logs
// and CI output stay readable. stdout is left for results. Both say what each
// number is: the train loss (the mean of the last batches), the test accuracy
// at the last evaluation and its iteration, the training images per second
// (as the run's last line and run.json count them: time in training steps
// only, not evaluations or logging), and, once it can be told, the time left.

import cliProgress from "cli-progress";
import { EvalRecord, StepInfo } from "../train/trainer.js";

export interface ProgressDisplay {
  step(step: StepInfo): void;
  evaluated(record: EvalRecord): void;
  stop(): void;
}

export function formatPercent(fraction: number): string {
  return `${(100 * fraction).toFixed(2)}%`;
}

/** The train loss on the bar is the mean over this many last batches. */
export const LOSS_WINDOW = 10;

/** "45 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/**
 * The time left, from the pace so far (wall time, evaluations included), or
 * "" while it cannot be told yet: before 2 % of the iterations (at least 10)
 * and 2 s of this session's training.
 */
export function estimateRemaining(done: number, total: number, elapsedSeconds: number, firstIteration = 0): string {
  const progressed = done - firstIteration;
  if (progressed < Math.max(10, 0.02 * (total - firstIteration)) || elapsedSeconds < 2) return "";
  return formatDuration(((total - done) * elapsedSeconds) / progressed);
}

export function createProgressDisplay(runName: string, iterations: number, batchSize: number,
  stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  const started = performance.now();
  let firstIteration: number | undefined;
  let trainImagesPerSecond = 0;
  const losses: number[] = [];
  const noteStep = (s: StepInfo) => {
    firstIteration ??= s.iteration - 1;
    if (s.trainSeconds > 0) trainImagesPerSecond = (s.iteration * batchSize) / s.trainSeconds;
    losses.push(s.loss);
    if (losses.length > LOSS_WINDOW) losses.shift();
  };

  if (!stream.isTTY) {
    return {
      step: noteStep,
      evaluated(r) {
        stream.write(`${runName}  iter ${r.iteration}/${iterations}  train loss ${r.trainLoss.toFixed(4)}  ` +
          `test loss ${r.testLoss.toFixed(4)}  test acc ${formatPercent(r.testAccuracy)}  ` +
          `${Math.round(trainImagesPerSecond)} train img/s  ${r.seconds.toFixed(1)} s\n`);
      },
      stop() {},
    };
  }

  const bar = new cliProgress.SingleBar({
    stream,
    format: `${runName} {bar} {value}/{total} | train loss {loss} | test acc {testAccuracy} | {speed} train img/s{remaining}`,
    barsize: 20,
    hideCursor: true,
    fps: 10,
  }, cliProgress.Presets.shades_classic);
  bar.start(iterations, 0, { loss: "—", testAccuracy: "—", speed: "—", remaining: "" });
  return {
    step(s) {
      noteStep(s);
      const remaining = estimateRemaining(s.iteration, iterations, (performance.now() - started) / 1000, firstIteration);
      bar.update(s.iteration, {
        loss: (losses.reduce((a, b) => a + b, 0) / losses.length).toFixed(4),
        speed: Math.round(trainImagesPerSecond),
        remaining: remaining ? ` | ${remaining} left` : "",
      });
    },
    evaluated(r) {
      bar.update(r.iteration, { testAccuracy: `${formatPercent(r.testAccuracy)} (at ${r.iteration})` });
    },
    stop() {
      bar.stop();
    },
  };
}

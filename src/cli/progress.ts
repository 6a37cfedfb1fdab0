// Progress display of a training run on stderr: a live bar (cli-progress) when
// stderr is a terminal, otherwise one plain line per evaluation, so that logs
// and CI output stay readable. stdout is left for results.

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

export function createProgressDisplay(runName: string, iterations: number, batchSize: number,
  stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  const started = performance.now();
  const imagesPerSecond = (iteration: number) => (iteration * batchSize) / ((performance.now() - started) / 1000);

  if (!stream.isTTY) {
    return {
      step() {},
      evaluated(r) {
        stream.write(`${runName}  iter ${r.iteration}/${iterations}  train loss ${r.trainLoss.toFixed(4)}  ` +
          `test loss ${r.testLoss.toFixed(4)}  test acc ${formatPercent(r.testAccuracy)}  ` +
          `${Math.round(imagesPerSecond(r.iteration))} img/s  ${r.seconds.toFixed(1)} s\n`);
      },
      stop() {},
    };
  }

  const bar = new cliProgress.SingleBar({
    stream,
    format: `${runName} {bar} {value}/{total} | loss {loss} | test acc {testAccuracy} | {speed} img/s | ETA {eta_formatted}`,
    barsize: 24,
    hideCursor: true,
    etaBuffer: 200,
    fps: 10,
  }, cliProgress.Presets.shades_classic);
  bar.start(iterations, 0, { loss: "-", testAccuracy: "-", speed: "-" });
  return {
    step(s) {
      bar.update(s.iteration, { loss: s.loss.toFixed(4), speed: Math.round(imagesPerSecond(s.iteration)) });
    },
    evaluated(r) {
      bar.update(r.iteration, { testAccuracy: formatPercent(r.testAccuracy) });
    },
    stop() {
      bar.stop();
    },
  };
}

// Progress of a run grid on stderr: one live bar per run (cli-progress
// MultiBar) when stderr is a terminal, otherwise plain lines: each run's
// start (and, for a queued run, on which worker), its own progress lines (one
// per evaluation, prefixed by its name already), and its end. The runs report
// progress through the lines their `lenet-lab train` child writes to stderr, e.g.
//   relu-adam-lr0.01  iter 50/2000  train loss 0.41  test loss 0.20  test acc 93.95%  812 img/s  9.1 s

import cliProgress from "cli-progress";
import type { GridProgress } from "../sweep/local-pool.js";
import { parseProgressLine } from "../sweep/train-process.js";
import { formatPercent } from "./progress.js";

export type { GridProgress };
export { parseProgressLine };

export function createGridProgress(runs: readonly { name: string; iterations: number }[],
  stream: NodeJS.WriteStream = process.stderr): GridProgress {
  const total = runs.length;
  const position = (run: string) => `${runs.findIndex((r) => r.name === run) + 1}/${total}`;

  if (!stream.isTTY) {
    const write = (text: string) => stream.write(`${text}\n`);
    return {
      started: (run, where) => write(`[${position(run)}] ${run}: started${where ? ` on ${where}` : ""}`),
      line: (_run, text) => write(`  ${text}`),
      finished: (run, r) => write(`[${position(run)}] ${run}: ${r.stoppedEarly ? `stopped early at iteration ${r.stoppedEarly.iteration}` : "finished"} ` +
        `— test accuracy ${formatPercent(r.testAccuracy)}, ${r.seconds.toFixed(0)} s`),
      failed: (run, reason) => write(`[${position(run)}] ${run}: FAILED — ${reason}`),
      log: write,
      stop() {},
    };
  }

  const width = Math.max(...runs.map((r) => r.name.length));
  const multi = new cliProgress.MultiBar({
    stream,
    format: `{run} {bar} {value}/{total} | test acc {accuracy} | {status}`,
    barsize: 20,
    hideCursor: true,
    fps: 5,
    clearOnComplete: false,
  }, cliProgress.Presets.shades_classic);
  const bars = new Map(runs.map((r) => [r.name, multi.create(r.iterations, 0, { run: r.name.padEnd(width), accuracy: "-", status: "waiting" })]));
  return {
    started: (run, where) => bars.get(run)?.update({ status: where ? `training on ${where}` : "training" }),
    line(run, text) {
      const progress = parseProgressLine(text);
      if (progress) {
        bars.get(run)?.update(progress.iteration, progress.testAccuracy ? { accuracy: progress.testAccuracy } : {});
      } else if (text.trim() !== "") {
        multi.log(`${run}: ${text}\n`);
      }
    },
    finished(run, r) {
      const bar = bars.get(run);
      bar?.update(r.stoppedEarly?.iteration ?? bar.getTotal(), { accuracy: formatPercent(r.testAccuracy),
        status: `${r.stoppedEarly ? "stopped early" : "done"} in ${r.seconds.toFixed(0)} s` });
    },
    failed: (run) => bars.get(run)?.update({ status: "FAILED (see below)" }),
    log: (text) => multi.log(`${text}\n`),
    stop: () => multi.stop(),
  };
}

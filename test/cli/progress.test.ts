// The live bar of `lenet-lab train` (on a stream that says it is a terminal)
// and the plain lines written elsewhere: each number is named (train loss,
// test accuracy and the iteration it was measured at, training images per
// second counted as the run's last line counts them), and the time left
// appears only once it can be told.

import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createProgressDisplay, estimateRemaining, formatDuration } from "../../src/cli/progress.js";

/** A stream that keeps what is written to it, a terminal or not. */
function capture(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { chunks.push(String(chunk)); done(); } }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 200 });
  // Without the cursor codes, the last state of the bar is the text after the last carriage return or line start.
  return { stream, text: () => chunks.join("").replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, "") };
}

const step = (iteration: number, trainSeconds: number, loss = 0.1) => ({ iteration, loss, accuracy: 0.9, lr: 0.01, trainSeconds });

describe("the progress of a run", () => {
  it("names each number on the live bar, with the images per second of training steps alone", () => {
    const { stream, text } = capture(true);
    const progress = createProgressDisplay("relu-adam-lr0.01", 100, 64, stream);
    for (let i = 1; i <= 50; i++) progress.step(step(i, i * 0.01, i <= 40 ? 1 : 0.2));
    progress.evaluated({ iteration: 50, images: 3200, epoch: 0.05, trainLoss: 0.3, trainAccuracy: 0.9, testLoss: 0.25, testAccuracy: 0.9512, seconds: 1 });
    progress.stop();
    const last = text().split(/\r|\n/).filter((line) => line.includes("|")).pop()!;
    // 50 × 64 images in 0.5 s of training steps; the loss is the mean of the last 10 batches.
    expect(last).toMatch(/^relu-adam-lr0\.01 .* 50\/100 \| train loss 0\.2000 \| test acc 95\.12% \(at 50\) \| 6400 train img\/s$/);
    expect(text()).not.toMatch(/ETA|left/); // under 2 s: the time left is not known yet
  });

  it("writes one named line per evaluation when not on a terminal", () => {
    const { stream, text } = capture(false);
    const progress = createProgressDisplay("sigmoid-adam-lr0.01", 100, 64, stream);
    for (let i = 1; i <= 20; i++) progress.step(step(i, i * 0.02));
    progress.evaluated({ iteration: 20, images: 1280, epoch: 0.02, trainLoss: 0.5, trainAccuracy: 0.8, testLoss: 0.4, testAccuracy: 0.88, seconds: 0.6 });
    expect(text()).toBe("sigmoid-adam-lr0.01  iter 20/100  train loss 0.5000  test loss 0.4000  test acc 88.00%  3200 train img/s  0.6 s\n");
  });

  it("tells the time left only once it is known", () => {
    expect(estimateRemaining(5, 2000, 10)).toBe(""); // too few iterations
    expect(estimateRemaining(100, 2000, 1)).toBe(""); // too soon
    expect(estimateRemaining(500, 2000, 20)).toBe("1 min 00 s");
    expect(estimateRemaining(1100, 2000, 10, 1000)).toBe("1 min 30 s"); // a resumed run: the pace since it resumed
    expect([formatDuration(42.4), formatDuration(185), formatDuration(3720)]).toEqual(["42 s", "3 min 05 s", "1 h 02 min"]);
  });
});

// TensorBoard's own loader and our session-start markers: a run resumed from
// a checkpoint after its first process wrote past it shows each step once, the
// resumed values winning, exactly as our readRunEvents merges them.

import { describe, expect, test } from "vitest";
import { SummaryWriter } from "../../src/tensorboard/summary-writer.js";
import { tempDir } from "../tensorboard/helpers.js";
import { requireOracle, runOracle } from "./oracle.js";

describe("a resumed run read by TensorBoard's own loader", () => {
  test("the restart marker supersedes the events written after the checkpoint", (context) => {
    requireOracle(context);
    const logdir = tempDir();
    const first = new SummaryWriter(`${logdir}/run`);
    first.addSessionStart(0);
    for (let step = 10; step <= 50; step += 10) first.addScalar("loss", 1 / step, step);
    first.close();
    const second = new SummaryWriter(`${logdir}/run`);
    second.addSessionStart(31);
    for (let step = 40; step <= 60; step += 10) second.addScalar("loss", 2 / step, step);
    second.close();

    const report = runOracle(logdir, { strict: false });
    // TensorBoard announces the purge it does on a restart, and that is the only thing it has to say.
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/WARNING: Detected out of order event\.step likely caused by a TensorFlow restart\. Purging 2 expired/);
    expect(report.runs.run.scalars.loss).toMatchObject({ points: 6, first_step: 10, last_step: 60, steps_strictly_increasing: true });
    expect(report.runs.run.scalars.loss.last_value).toBeCloseTo(2 / 60, 6);
  });
});

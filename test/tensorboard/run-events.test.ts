import { describe, expect, it } from "vitest";
import { readRunEvents } from "../../src/tensorboard/run-events.js";
import { scalarOf } from "../../src/tensorboard/summaries.js";
import { SummaryWriter } from "../../src/tensorboard/summary-writer.js";
import { tempDir } from "./helpers.js";

/** loss/train points (step → value) as readRunEvents gives them. */
function lossCurve(runDir: string): [number, number][] {
  return readRunEvents(runDir).events.flatMap((event) =>
    (event.summary?.value ?? []).filter((v) => v.tag === "loss").map((v) => [Number(event.step), scalarOf(v)!] as [number, number]));
}

describe("readRunEvents", () => {
  it("joins a run's files, a restart marker replacing what the interrupted file wrote after the checkpoint", () => {
    const runDir = tempDir();
    // The first process logs steps 10…50, checkpoints at 30, and dies.
    const first = new SummaryWriter(runDir);
    first.addSessionStart(0);
    for (let step = 10; step <= 50; step += 10) first.addScalar("loss", 1 / step, step);
    first.close();
    // The resumed process starts again after step 30, marking the restart at 31.
    const second = new SummaryWriter(runDir);
    second.addSessionStart(31);
    for (let step = 40; step <= 60; step += 10) second.addScalar("loss", 2 / step, step);
    second.close();

    expect(lossCurve(runDir)).toEqual([[10, Math.fround(1 / 10)], [20, Math.fround(1 / 20)], [30, Math.fround(1 / 30)],
      [40, Math.fround(2 / 40)], [50, Math.fround(2 / 50)], [60, Math.fround(2 / 60)]]);
    expect(readRunEvents(runDir).truncatedFiles).toEqual([]);
  });

  it("without a marker keeps every event of every file", () => {
    const runDir = tempDir();
    for (const offset of [0, 100]) {
      const writer = new SummaryWriter(runDir);
      writer.addScalar("loss", 1, offset + 1);
      writer.close();
    }
    expect(lossCurve(runDir).map(([step]) => step)).toEqual([1, 101]);
  });
});

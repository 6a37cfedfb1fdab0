// The dashboard shows what TensorBoard shows: for a real training run and a
// run in TensorFlow 2's tensor format, every tag, point count, first and last
// step and last value the dashboard's API gives agrees with TensorBoard's own
// loader (tb-oracle, ../shared/tools next to the repository). Skips when the
// oracle cannot run, unless LENET_LAB_REQUIRE_ORACLE=1.

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Board } from "../../src/board/server.js";
import { oracleMissing, runOracle, type OracleReport } from "./oracle.js";
import { tempDir, trainRealRun, writeForeignRun } from "../board/fixtures.js";
import { closeBoard, startLoadedBoard } from "../board/open-board.js";

const missing = oracleMissing();
if (missing && process.env.LENET_LAB_REQUIRE_ORACLE === "1") throw new Error(`LENET_LAB_REQUIRE_ORACLE=1 but ${missing}`);

let board: Board;
let oracle: OracleReport;

async function get(path: string): Promise<any> {
  return (await fetch(new URL(path, board.url))).json();
}

describe.skipIf(missing !== undefined)("the dashboard and TensorBoard's loader agree", () => {
  beforeAll(async () => {
    const logdir = tempDir();
    trainRealRun(logdir, "relu-adam");
    writeForeignRun(join(logdir, "tf2-style"));
    oracle = runOracle(logdir, { strict: false });
    board = await startLoadedBoard(logdir);
  }, 300_000);

  afterAll(() => closeBoard(board));

  it("on the runs and the tags of each kind", async () => {
    const runs = (await get("api/runs")).runs.map((r: { name: string }) => r.name);
    expect(runs).toEqual([...oracle.run_names].sort());
    const tags = await get("api/tags");
    for (const run of runs) {
      const ours = (kind: string) => Object.keys(tags[kind]).filter((tag) => tags[kind][tag].includes(run)).sort();
      expect(ours("scalars"), `${run} scalars`).toEqual(Object.keys(oracle.runs[run]!.scalars ?? {}).sort());
      expect(ours("histograms"), `${run} histograms`).toEqual(Object.keys(oracle.runs[run]!.histograms ?? {}).sort());
      expect(ours("images"), `${run} images`).toEqual(Object.keys(oracle.runs[run]!.images ?? {}).sort());
      expect(ours("text"), `${run} text`).toEqual(Object.keys(oracle.runs[run]!.text ?? {}).sort());
    }
  });

  it("on every scalar series: points, first and last step, last value", async () => {
    for (const [run, report] of Object.entries(oracle.runs)) {
      for (const [tag, expected] of Object.entries(report.scalars ?? {})) {
        const series = (await get(`api/scalars?tag=${encodeURIComponent(tag)}&run=${encodeURIComponent(run)}&samples=0`)).runs[run];
        const e = expected as { points: number; first_step: number; last_step: number; last_value: number };
        expect([series.total, series.steps[0], series.steps.at(-1)], `${run} ${tag}`).toEqual([e.points, e.first_step, e.last_step]);
        expect(Math.fround(series.values.at(-1)), `${run} ${tag}`).toBe(Math.fround(e.last_value));
      }
    }
  });

  it("on histogram steps and bucket counts, and image steps and sizes", async () => {
    for (const [run, report] of Object.entries(oracle.runs)) {
      for (const [tag, expected] of Object.entries(report.histograms ?? {})) {
        const e = expected as { steps: number; first_step: number; last_step: number; last: { buckets: number; count: number } };
        const { points } = await get(`api/histograms?run=${encodeURIComponent(run)}&tag=${encodeURIComponent(tag)}`);
        expect([points.length, points[0].step, points.at(-1).step], `${run} ${tag}`).toEqual([e.steps, e.first_step, e.last_step]);
        expect(points.at(-1).counts.reduce((a: number, b: number) => a + b, 0), `${run} ${tag}`).toBeCloseTo(e.last.count, 6);
      }
      for (const [tag, expected] of Object.entries(report.images ?? {})) {
        const e = expected as { steps: number; last_step: number; width: number; height: number; samples_in_last_step: number };
        const points = (await get(`api/images?run=${encodeURIComponent(run)}&tag=${encodeURIComponent(tag)}`)).points;
        const last = points.filter((p: { step: number }) => p.step === e.last_step);
        expect([new Set(points.map((p: { step: number }) => p.step)).size, last.length], `${run} ${tag}`).toEqual([e.steps, e.samples_in_last_step]);
        expect([last[0].width, last[0].height], `${run} ${tag}`).toEqual([e.width, e.height]);
      }
    }
  });
});

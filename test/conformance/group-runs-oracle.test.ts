// Conformance with TensorBoard itself: a logdir of seed groups plus the
// groups' aggregate runs (src/stats/aggregate-runs.ts) read by TensorBoard's
// own Python loader (see oracle.ts). The aggregates are ordinary runs named
// _groups/<group>/mean|min|max with the members' tags, and the last values
// TensorBoard reports are the mean, min and max computed here.

import { describe, expect, test } from "vitest";
import { GROUP_STATISTICS, writeGroupAggregateRuns } from "../../src/stats/aggregate-runs.js";
import { GROUP_RUNS_DIR } from "../../src/stats/run-groups.js";
import { expectedAggregate, writeGroupLogdir, type FixtureGroup } from "../stats/group-runs-fixture.js";
import { tempDir } from "../tensorboard/helpers.js";
import { requireOracle, runOracle, type OracleReport } from "./oracle.js";

interface ScalarReport {
  points: number;
  first_step: number;
  last_step: number;
  last_value: number;
  steps_strictly_increasing: boolean;
}

/** Every tag of each aggregated group's mean/min/max run, as TensorBoard reports it, against the values computed in the fixture. */
function expectAggregatesShown(report: OracleReport, groups: readonly FixtureGroup[]): void {
  for (const group of groups.filter((g) => g.runDirs.length >= 2)) {
    const expected = expectedAggregate(group);
    for (const statistic of GROUP_STATISTICS) {
      const run = report.runs[`${GROUP_RUNS_DIR}/${group.name}/${statistic}`]!;
      expect(Object.keys(run.scalars ?? {}).sort()).toEqual(Object.keys(expected).sort());
      for (const [tag, points] of Object.entries(expected)) {
        const shown = run.scalars![tag] as unknown as ScalarReport;
        const last = points[points.length - 1]!;
        expect(shown, `${group.name}/${statistic} ${tag}`).toMatchObject({
          points: points.length, first_step: points[0]!.step, last_step: last.step, steps_strictly_increasing: true,
        });
        expect(shown.last_value, `${group.name}/${statistic} ${tag}`).toBeCloseTo(last[statistic], 6);
      }
      expect(Object.keys(run.text ?? {})).toEqual(["group"]);
      const what = { mean: "Mean", min: "Minimum", max: "Maximum" }[statistic];
      expect(String((run.text!.group as { last_value: string[] }).last_value[0])).toContain(`**${what}** of group **${group.name}** over ${group.runDirs.length} runs`);
      expect(run.histograms ?? {}).toEqual({});
      expect(run.images ?? {}).toEqual({});
    }
  }
}

describe("seed groups' aggregate runs read by TensorBoard's own loader", () => {
  test("load with no problems, named _groups/<group>/mean|min|max, showing the expected mean, min and max", (context) => {
    requireOracle(context);
    const logdir = tempDir();
    const groups = writeGroupLogdir(logdir, { resumed: false });
    writeGroupAggregateRuns(logdir, groups);
    const report = runOracle(logdir);
    expect(report.problems).toEqual([]);
    for (const file of report.event_files) expect(file).toMatchObject({ file_version: "brain.Event:2", unread_trailing_bytes: 0 });
    const members = groups.flatMap((g) => g.members.map((m) => m.name));
    const aggregates = ["relu-adam-lr0.01", "sigmoid-adam-lr0.01"].flatMap((g) => GROUP_STATISTICS.map((s) => `${GROUP_RUNS_DIR}/${g}/${s}`));
    expect(report.run_names.sort()).toEqual([...members, ...aggregates].sort());
    expectAggregatesShown(report, groups);
  });

  test("with a resumed member, TensorBoard's only remark is that member's restart; the aggregates match what it shows", (context) => {
    requireOracle(context);
    const logdir = tempDir();
    const groups = writeGroupLogdir(logdir, { resumed: true });
    writeGroupAggregateRuns(logdir, groups);
    const report = runOracle(logdir, { strict: false });
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/Detected out of order event\.step likely caused by a TensorFlow restart/);
    // The member as TensorBoard shows it: the stale values past the restart are gone.
    expect(report.runs["relu-adam-lr0.01-seed1"]!.scalars!["loss/train"]).toMatchObject({ points: 4, last_step: 40 });
    expectAggregatesShown(report, groups);
  });
});

// Each seed group's mean, min and max curves written as three ordinary runs
// under LOGDIR/_groups, read back with the project's reader: the values and
// wall times per step equal those computed here from what TensorBoard shows
// of each member (a resumed member's superseded values left out), groups of
// one get nothing, stale groups vanish, and everything that is not ours to
// remove is refused before anything is touched.

import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GROUP_STATISTICS, writeGroupAggregateRuns } from "../../src/stats/aggregate-runs.js";
import { GROUP_RUNS_DIR } from "../../src/stats/run-groups.js";
import { listEventFiles, readEventFile } from "../../src/tensorboard/reader.js";
import { readRunEvents } from "../../src/tensorboard/run-events.js";
import { scalarOf, textOf } from "../../src/tensorboard/summaries.js";
import { tempDir } from "../tensorboard/helpers.js";
import { expectedAggregate, writeGroupLogdir } from "./group-runs-fixture.js";

/** An aggregate run read back: scalar points per tag, and every other summary value's tag. */
function readAggregateRun(runDir: string) {
  const scalars: Record<string, { step: number; value: number; wallTime: number }[]> = {};
  const texts: { tag: string; step: number; text: string | undefined }[] = [];
  const { events, truncatedFiles } = readRunEvents(runDir);
  for (const event of events) {
    expect(event.sessionLog).toBeUndefined();
    expect(event.graphDef).toBeUndefined();
    for (const value of event.summary?.value ?? []) {
      if (value.tensor?.stringVal) texts.push({ tag: value.tag, step: Number(event.step ?? 0), text: textOf(value) });
      else (scalars[value.tag] ??= []).push({ step: Number(event.step ?? 0), value: scalarOf(value)!, wallTime: event.wallTime });
    }
  }
  return { scalars, texts, truncatedFiles, files: readdirSync(runDir) };
}

describe("writeGroupAggregateRuns", () => {
  it("writes each group's mean, min and max per step under the members' tags, with the members' mean wall time", () => {
    const logdir = tempDir();
    const groups = writeGroupLogdir(logdir);
    expect(groups.map((g) => [g.name, g.runDirs.length])).toEqual([["relu-adam-lr0.01", 3], ["sigmoid-adam-lr0.01", 2], ["tanh-adam-lr0.01", 1]]);

    const { dirs } = writeGroupAggregateRuns(logdir, groups);
    const root = join(logdir, GROUP_RUNS_DIR);
    expect(dirs).toEqual(["relu-adam-lr0.01", "sigmoid-adam-lr0.01"].flatMap((g) => GROUP_STATISTICS.map((s) => join(root, g, s))));
    // A group of one run gets nothing.
    expect(readdirSync(root).sort()).toEqual(["relu-adam-lr0.01", "sigmoid-adam-lr0.01"]);

    for (const group of groups.slice(0, 2)) {
      const expected = expectedAggregate(group);
      for (const statistic of GROUP_STATISTICS) {
        const run = readAggregateRun(join(root, group.name, statistic));
        expect(run.truncatedFiles).toEqual([]);
        expect(run.files.filter((f) => !f.includes("tfevents"))).toEqual([]);
        expect(Object.keys(run.scalars).sort()).toEqual(Object.keys(expected).sort());
        for (const [tag, points] of Object.entries(expected)) {
          expect(run.scalars[tag]!.map((p) => [p.step, p.value]), `${group.name}/${statistic} ${tag}`)
            .toEqual(points.map((p) => [p.step, p[statistic]]));
          run.scalars[tag]!.forEach((p, i) => expect(p.wallTime).toBeCloseTo(points[i]!.wallTime, 3));
        }
        // The text names the member runs and seeds; the members' config text, images, histograms and hparams are not copied.
        expect(run.texts.map((t) => [t.tag, t.step])).toEqual([["group", 0]]);
        for (const member of group.members) expect(run.texts[0]!.text).toContain(`${member.name} (seed ${member.seed})`);
        expect(run.texts[0]!.text).toContain({ mean: "Mean", min: "Minimum", max: "Maximum" }[statistic]);
      }
    }
  });

  it("takes a resumed member's values as TensorBoard shows them, and leaves out a NaN", () => {
    const logdir = tempDir();
    const [relu] = writeGroupLogdir(logdir);
    // The resumed member holds two files, the first with stale 9s past the restart.
    const files = listEventFiles(relu!.runDirs[1]!);
    expect(files).toHaveLength(2);
    const stale = files.flatMap((file) => readEventFile(file).events).flatMap(({ event }) => event.summary?.value ?? []).filter((v) => v.tag === "loss/train" && v.simpleValue === 9);
    expect(stale).toHaveLength(3);
    writeGroupAggregateRuns(logdir, [relu!]);
    const read = (statistic: string) => readAggregateRun(join(logdir, GROUP_RUNS_DIR, relu!.name, statistic)).scalars;
    const f = Math.fround;
    // loss/train — seed 0: 2, 1, 0.5; seed 1 (resumed at 21; its first file's 9s at 30, 40, 50 superseded): 2.5, 1.5, 0.7, 0.4; seed 2: 1.7, NaN, 0.6.
    expect(read("mean")["loss/train"]!.map((p) => [p.step, p.value])).toEqual([
      [10, f((f(2) + f(2.5) + f(1.7)) / 3)], [20, f((f(1) + f(1.5)) / 2)], [30, f((f(0.5) + f(0.7) + f(0.6)) / 3)], [40, f(0.4)],
    ]);
    expect(read("max")["loss/train"]!.map((p) => p.value)).toEqual([f(2.5), f(1.5), f(0.7), f(0.4)]);
    expect(read("min")["accuracy/test"]!.map((p) => [p.step, p.value])).toEqual([[20, f(0.5)], [30, f(0.8)], [40, f(0.9)]]);
    // Wall time at step 20 of loss/train: seeds 0 and 1 only (seed 2's NaN is not aggregated).
    const wall = (seed: number, step: number) => 1_700_000_000 + 1000 * seed + 3 * step + 0.25;
    expect(read("mean")["loss/train"]![1]!.wallTime).toBeCloseTo((wall(0, 20) + wall(1, 20)) / 2, 3);
  });

  it("removes the whole _groups folder on each call, so a group that is gone leaves nothing", () => {
    const logdir = tempDir();
    const groups = writeGroupLogdir(logdir, { resumed: false });
    writeGroupAggregateRuns(logdir, groups);
    const root = join(logdir, GROUP_RUNS_DIR);
    writeFileSync(join(root, "stray.txt"), "left by hand");
    const { dirs } = writeGroupAggregateRuns(logdir, groups.filter((g) => g.name === "sigmoid-adam-lr0.01"));
    expect(dirs).toEqual(GROUP_STATISTICS.map((s) => join(root, "sigmoid-adam-lr0.01", s)));
    expect(readdirSync(root)).toEqual(["sigmoid-adam-lr0.01"]);
    for (const s of GROUP_STATISTICS) expect(readdirSync(join(root, "sigmoid-adam-lr0.01", s))).toHaveLength(1);
    // The member runs themselves are untouched.
    for (const group of groups) for (const runDir of group.runDirs) expect(existsSync(join(runDir, "run.json"))).toBe(true);

    // No group of two or more: _groups is removed and not written again.
    expect(writeGroupAggregateRuns(logdir, groups.filter((g) => g.runDirs.length === 1)).dirs).toEqual([]);
    expect(existsSync(root)).toBe(false);
  });

  it("refuses a _groups that is a file or a link, naming the path and the way out, and touches nothing", () => {
    const logdir = tempDir();
    const groups = writeGroupLogdir(logdir, { resumed: false });
    const root = join(logdir, GROUP_RUNS_DIR);
    writeFileSync(root, "not a folder");
    expect(() => writeGroupAggregateRuns(logdir, groups)).toThrow(
      new RegExp(`${root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} exists and is not a directory.*Move or remove`));
    expect(readFileSync(root, "utf8")).toBe("not a folder");

    // A link to a folder elsewhere is refused too: what it points to is not ours.
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, "keep.txt"), "keep");
    const linked = tempDir();
    symlinkSync(elsewhere, join(linked, GROUP_RUNS_DIR));
    expect(() => writeGroupAggregateRuns(linked, groups)).toThrow(/exists and is not a directory/);
    expect(readdirSync(elsewhere)).toEqual(["keep.txt"]);
  });

  it("refuses group names that are not one path segment, repeated names and runs, and runs inside _groups", () => {
    const logdir = tempDir();
    const [relu, sigmoid] = writeGroupLogdir(logdir, { resumed: false });
    const root = join(logdir, GROUP_RUNS_DIR);
    mkdirSync(join(root, "old"), { recursive: true });
    for (const name of ["../escape", "a/b", "..", ".", "", "-x", "a\\b", "/abs"]) {
      expect(() => writeGroupAggregateRuns(logdir, [{ name, runDirs: relu!.runDirs }]), name).toThrow(/must be one path segment/);
    }
    expect(() => writeGroupAggregateRuns(logdir, [relu!, { name: relu!.name, runDirs: sigmoid!.runDirs }])).toThrow(/two groups are named/);
    expect(() => writeGroupAggregateRuns(logdir, [{ name: "g", runDirs: [relu!.runDirs[0]!, relu!.runDirs[0]!] }])).toThrow(/listed twice/);
    expect(() => writeGroupAggregateRuns(logdir, [{ name: "g", runDirs: [relu!.runDirs[0]!, join(root, "old")] }])).toThrow(/lies inside/);
    expect(() => writeGroupAggregateRuns(logdir, [{ name: "g", runDirs: [relu!.runDirs[0]!, join(logdir, "missing")] }])).toThrow(/not found/);
    // Nothing was removed by the refused calls.
    expect(readdirSync(root)).toEqual(["old"]);
  });
});

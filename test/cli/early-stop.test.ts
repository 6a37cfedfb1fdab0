// `lenet-lab compare --early-stop median` as a user runs it: a grid where one
// learning rate (1e-6) is hopeless. One run at a time, the good runs first,
// so every hopeless run finds the good ones ahead of it and the outcome does
// not depend on timing: the hopeless runs stop at the grace period, run.json
// says "stopped-early" with the verdict, and the table, the groups and the
// report list them apart; the good runs finish.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../idx-files.js";
import { lenetLab } from "../cli-process.js";

describe("lenet-lab compare --early-stop median", () => {
  it("stops the hopeless runs at the grace period and lists them apart", () => {
    const logdir = join(tempDir(), "runs");
    const { code, stdout, stderr } = lenetLab("compare", "--activation", "relu", "--lr", "0.01,0.000001", "--seeds", "3",
      "--iterations", "60", "--eval-every", "20", "--early-stop", "median", "--grace", "20", "--summaries", "minimal",
      "--jobs", "1", "--logdir", logdir);
    expect(code, stderr).toBe(0);
    const runJson = (run: string) => JSON.parse(readFileSync(join(logdir, run, "run.json"), "utf8"));
    const cohort = runJson("relu-adam-lr0.01-it60-seed0").config.earlyStop.cohort;
    expect(cohort).toMatch(/^runs-[0-9a-f]{8}$/);
    for (const seed of [0, 1, 2]) {
      const good = runJson(`relu-adam-lr0.01-it60-seed${seed}`);
      expect(good).toMatchObject({ status: "finished", iterations: 60, config: { earlyStop: { rule: "median", grace: 20, cohort } } });
      expect(good.stoppedEarly).toBeUndefined();
      const hopeless = runJson(`relu-adam-lr0.000001-it60-seed${seed}`);
      expect(hopeless).toMatchObject({ status: "stopped-early", iterations: 20,
        stoppedEarly: { rule: "median", iteration: 20, grace: 20, peers: 3 + seed } });
      expect(hopeless.history.map((h: { iteration: number }) => h.iteration)).toEqual([20]);
      expect(hopeless.stoppedEarly.bestTestAccuracy).toBeLessThan(0.2);
      expect(hopeless.stoppedEarly.median).toBeGreaterThan(0.5);
    }
    const [table, stopped] = stdout.split(/\nstopped early \(--early-stop median[^\n]*\n/);
    for (const seed of [0, 1, 2]) {
      expect(table).toMatch(new RegExp(`relu-adam-lr0\\.01-it60-seed${seed} +\\d+\\.\\d\\d%`));
      expect(table).not.toContain(`relu-adam-lr0.000001-it60-seed${seed}`);
      expect(stopped).toMatch(new RegExp(`relu-adam-lr0\\.000001-it60-seed${seed} +\\d+\\.\\d\\d% .* at iteration 20: best \\d+\\.\\d\\d% < median \\d+\\.\\d\\d% of ${3 + seed} others`));
    }
    expect(stdout).toMatch(/relu-adam-lr0\.000001-it60 +0 +— +\(seeds 0, 1, 2 stopped early\)/);
    expect(stderr).toMatch(/\] relu-adam-lr0\.000001-it60-seed2: stopped early at iteration 20 — test accuracy \d+\.\d\d%/);
    expect(stderr).toMatch(/\] relu-adam-lr0\.01-it60-seed2: finished — test accuracy/);
    const report = readFileSync(join(logdir, "report", "report.md"), "utf8");
    expect(report).toContain("3 runs were stopped early by the median stopping rule");
    expect(report).toMatch(/## Stopped early\n\nThe median stopping rule/);
    expect(report).toMatch(/- relu-adam-lr0\.000001-it60-seed0: stopped early at iteration 20 of 60: its best test accuracy \d+\.\d\d% was below the median/);
    expect(report).not.toContain("## Runs without results");
  });

  it("refuses --grace without --early-stop, and an unknown rule, with exit code 2", () => {
    const logdir = join(tempDir(), "runs");
    const grace = lenetLab("compare", "--grace", "10", "--logdir", logdir);
    expect(grace.code).toBe(2);
    expect(grace.stderr).toContain("--grace belongs to --early-stop; give --early-stop median too, or remove --grace");
    const rule = lenetLab("train", "--early-stop", "mean", "--logdir", logdir);
    expect(rule.code).toBe(2);
    expect(rule.stderr).toContain("option '--early-stop <rule>' argument 'mean' is invalid. Allowed choices are median.");
  });
});

// The median stopping rule on made-up histories: when it has a verdict (after
// the grace period, with enough other runs at the same iteration), what it
// compares (the run's best so far against the median of the others' means
// from the grace period on), and the option checks of --early-stop.

import { describe, expect, it } from "vitest";
import { resolveRunConfig } from "../../src/train/config.js";
import { MIN_PEERS, graceOf, medianStoppingRule } from "../../src/train/early-stop.js";
import type { EvalRecord } from "../../src/train/trainer.js";

/** A history with one evaluation every 10 iterations, at these test accuracies. */
const history = (...accuracies: number[]): EvalRecord[] => accuracies.map((testAccuracy, i) => ({
  iteration: 10 * (i + 1), images: 0, epoch: 0, trainLoss: 0, trainAccuracy: 0, testLoss: 0, testAccuracy, seconds: 0,
}));

describe("the median stopping rule", () => {
  const others = [history(0.5, 0.7, 0.8), history(0.6, 0.8, 0.9), history(0.4, 0.6, 0.7)];

  it("stops a run whose best accuracy is below the median of the others' means from the grace period to its iteration", () => {
    // At iteration 20, grace 10: the others' means 0.6, 0.7, 0.5 → median 0.6.
    expect(medianStoppingRule(history(0.3, 0.55), others, 10)).toEqual(
      { rule: "median", iteration: 20, bestTestAccuracy: 0.55, median: 0.6, peers: 3, grace: 10, stop: true });
    expect(medianStoppingRule(history(0.61, 0.2), others, 10)).toMatchObject({ bestTestAccuracy: 0.61, stop: false });
    // Grace 20: the means are over iterations 20 alone: 0.7, 0.8, 0.6 → median 0.7.
    expect(medianStoppingRule(history(0.3, 0.65), others, 20)).toMatchObject({ median: 0.7, stop: true });
  });

  it("has no verdict before the grace period, or with fewer than MIN_PEERS other runs that have reached the iteration", () => {
    expect(MIN_PEERS).toBe(3);
    expect(medianStoppingRule(history(0.1), others, 20)).toBeUndefined();
    expect(medianStoppingRule(history(0.1, 0.1), others.slice(0, 2), 10)).toBeUndefined();
    // A run behind at iteration 10 does not count at iteration 20.
    expect(medianStoppingRule(history(0.1, 0.1), [...others.slice(0, 2), history(0.9)], 10)).toBeUndefined();
    expect(medianStoppingRule([], others, 0)).toBeUndefined();
  });

  it("is configured by --early-stop median, --grace (default a quarter of the iterations) and --cohort", () => {
    expect(resolveRunConfig({}).earlyStop).toBeUndefined();
    const config = resolveRunConfig({ earlyStop: "median", iterations: "400" });
    expect(config.earlyStop).toEqual({ rule: "median", grace: null, cohort: "" });
    expect(graceOf(config)).toBe(100);
    expect(graceOf(resolveRunConfig({ earlyStop: "median", grace: "30", cohort: "runs-1f0c9a3e" }))).toBe(30);
    expect(() => resolveRunConfig({ grace: "30" })).toThrow("--grace belongs to --early-stop; give --early-stop median too, or remove --grace");
    expect(() => resolveRunConfig({ earlyStop: "mean" })).toThrow(/unknown --early-stop rule "mean"; valid rules: median/);
    expect(() => resolveRunConfig({ earlyStop: "median", grace: "-1" })).toThrow(/--grace must be an integer ≥ 0, got "-1"/);
    expect(() => resolveRunConfig({ earlyStop: "median", cohort: "a/b" })).toThrow(/--cohort "a\/b" must be letters/);
  });
});

// Group statistics against values computed independently: scipy 1.17
// (numpy's mean and std with ddof=1, stats.t.interval for one group, and
// stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95) for
// Welch's interval), printed to full precision and pasted here.

import { describe as suite, expect, it } from "vitest";
import { describe, excludesZero, tCritical, welchDifference } from "../../src/stats/describe.js";

suite("describe", () => {
  it("gives the mean, the sample standard deviation and the t interval scipy gives", () => {
    const d = describe([0.9812, 0.9755, 0.9790]);
    expect(d.n).toBe(3);
    expect(d.mean).toBeCloseTo(0.9785666666666667, 12);
    expect(d.std).toBeCloseTo(0.0028746014216466807, 12);
    expect(d.ci95!.low).toBeCloseTo(0.9714257608689031, 8);
    expect(d.ci95!.high).toBeCloseTo(0.9857075724644303, 8);
    expect([d.min, d.max]).toEqual([0.9755, 0.9812]);

    const five = describe([2, 4, 9, 1, 3]);
    expect(five.std).toBeCloseTo(3.1144823004794873, 12);
    expect(five.ci95!.low).toBeCloseTo(-0.06714054554821747, 7);
    expect(five.ci95!.high).toBeCloseTo(7.667140545548217, 7);
  });

  it("has no spread or interval for one value, and nothing for none", () => {
    const one = describe([0.97]);
    expect(one.mean).toBe(0.97);
    expect(one.std).toBeNaN();
    expect(one.ci95).toBeNull();
    expect(describe([]).n).toBe(0);
  });

  it("uses the t quantile, not the normal one: 4.303 at 2 degrees of freedom", () => {
    expect(tCritical(2)).toBeCloseTo(4.302652729749462, 7);
    expect(tCritical(1000)).toBeCloseTo(1.962339, 5);
  });
});

suite("welchDifference", () => {
  it("gives scipy's Welch interval, which spans 0 for two groups inside each other's noise", () => {
    const d = welchDifference([0.9812, 0.9755, 0.9790], [0.9790, 0.9801, 0.9731]);
    expect(d.difference).toBeCloseTo(0.0011666666666667602, 12);
    expect(d.degreesOfFreedom).toBeCloseTo(3.740673382159088, 9);
    expect(d.ci95!.low).toBeCloseTo(-0.0066378233949077915, 8);
    expect(d.ci95!.high).toBeCloseTo(0.008971156728241312, 8);
    expect(excludesZero(d.ci95!)).toBe(false);
  });

  it("excludes 0 for a clear gap, with unequal group sizes and spreads", () => {
    const d = welchDifference([0.9812, 0.9755, 0.9790], [0.8512, 0.8620, 0.8455, 0.8300]);
    expect(d.difference).toBeCloseTo(0.13139166666666668, 12);
    expect(d.degreesOfFreedom).toBeCloseTo(3.3637035386305034, 9);
    expect(d.ci95!.low).toBeCloseTo(0.11079832279205673, 8);
    expect(d.ci95!.high).toBeCloseTo(0.15198501054127664, 8);
    expect(excludesZero(d.ci95!)).toBe(true);
    const small = welchDifference([10, 12, 14.5], [3, 3.5]);
    expect(small.ci95!.low).toBeCloseTo(3.5662350225900328, 6);
    expect(small.ci95!.high).toBeCloseTo(14.2670983107433, 6);
  });

  it("flips sign when the groups are swapped, and gives no interval with one value in a group", () => {
    const ab = welchDifference([1, 2, 3], [5, 6, 8]);
    const ba = welchDifference([5, 6, 8], [1, 2, 3]);
    expect(ba.difference).toBeCloseTo(-ab.difference, 12);
    expect(ba.ci95!.low).toBeCloseTo(-ab.ci95!.high, 12);
    expect(welchDifference([1], [2, 3]).ci95).toBeNull();
  });
});

// The front end's pure arithmetic: TensorBoard's debiased smoothing,
// histogram re-binning and percentiles, the value axes' ticks, PCA, the run
// and group colours (src/util/run-colors.ts, shared with the report), the
// digit colours, and a seed group's band as drawn.

import { describe, expect, it } from "vitest";
import { DIGIT_COLORS } from "../../src/board/web/src/digit-colors.js";
import { bandCurveOf } from "../../src/board/web/src/group-bands.js";
import { niceTicks, percentiles, rebin, tickLabel } from "../../src/board/web/src/histogram-math.js";
import { pca2d } from "../../src/board/web/src/pca.js";
import { smoothDebiasedEma } from "../../src/board/web/src/smoothing.js";
import {
  assignGroupColors, assignLogdirColors, assignRunColors, colorDistance, RUN_PALETTE, runCreatedAt,
} from "../../src/util/run-colors.js";

describe("smoothDebiasedEma", () => {
  it("is TensorBoard's EMA divided by 1 − w^n", () => {
    const w = 0.6;
    const smoothed = smoothDebiasedEma([1, 2, 4], w);
    // last: 0.4, 0.4·0.6 + 0.8 = 1.04, 1.04·0.6 + 1.6 = 2.224; debias: 0.4, 0.64, 0.784
    expect(smoothed[0]).toBeCloseTo(1, 12);
    expect(smoothed[1]).toBeCloseTo(1.04 / 0.64, 12);
    expect(smoothed[2]).toBeCloseTo(2.224 / 0.784, 12);
  });

  it("leaves weight 0, constant series and missing points alone", () => {
    expect(smoothDebiasedEma([3, 1, 2], 0)).toEqual([3, 1, 2]);
    expect(smoothDebiasedEma([5, 5, 5], 0.9)).toEqual([5, 5, 5]);
    const withGap = smoothDebiasedEma([1, null, NaN, 3], 0.5);
    expect(withGap[1]).toBeNull();
    expect(withGap[2]).toBeNaN();
    // The gap does not count: second finite point → debias 1 − 0.25.
    expect(withGap[3]).toBeCloseTo((0.5 * 0.5 + 1.5) / 0.75, 12);
  });
});

describe("histogram arithmetic", () => {
  const h = { min: 0, max: 4, limits: [1, 2, 4], counts: [2, 0, 6] };

  it("re-bins counts in proportion to overlap, keeping the total", () => {
    expect(Array.from(rebin(h, 0, 4, 4))).toEqual([2, 0, 3, 3]);
    expect(Array.from(rebin(h, 0, 4, 2))).toEqual([2, 6]);
  });

  it("interpolates percentiles inside buckets and clamps to min and max", () => {
    expect(percentiles(h, [0, 0.125, 0.25, 0.625, 1])).toEqual([0, 0.5, 1, 3, 4]);
  });

  it("clips TensorFlow's open-ended buckets to [min, max]", () => {
    const open = { min: -0.5, max: 0.5, limits: [-1e12, 0, 1.7976931348623157e308], counts: [0, 4, 4] };
    expect(percentiles(open, [0.5])[0]).toBeCloseTo(0, 12);
    expect(Array.from(rebin(open, -0.5, 0.5, 2))).toEqual([4, 4]);
  });
});

describe("axis ticks", () => {
  it("fall on round numbers, with 0 among them whenever the range spans it", () => {
    expect(niceTicks(-1.17, 0.49, 5)).toEqual([-1, -0.5, 0]);
    expect(niceTicks(-2.65, 1.86, 5)).toEqual([-2, -1, 0, 1]);
    expect(niceTicks(6.059e-11, 0.99995, 5)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0, 41.3, 4)).toEqual([0, 20, 40]);
    for (const [lo, hi] of [[-0.003, 0.0071], [-1e-6, 3e-7], [-5, 5], [-123.4, 0.5]] as const) expect(niceTicks(lo, hi, 5)).toContain(0);
    expect(niceTicks(0.5, 0.5)).toEqual([0.5]);
  });

  it("are labelled with the decimals their step needs", () => {
    expect([-0.5, 0, 0.5, 1].map((t) => tickLabel(t, 0.5))).toEqual(["−0.5", "0", "0.5", "1.0"]);
    expect([10, 20].map((t) => tickLabel(t, 10))).toEqual(["10", "20"]);
    expect(tickLabel(2e-4, 1e-4)).toBe("2.0e-4");
  });
});

describe("pca2d", () => {
  it("finds the directions of largest variance and their share of it", () => {
    // Points along (1, 1, 0) with spread 10 and along (1, −1, 0) with spread 1.
    const vectors: number[][] = [];
    for (let i = -5; i <= 5; i++) for (const j of [-1, 1]) vectors.push([10 * i + j, 10 * i - j, 3]);
    const { points, explained } = pca2d(vectors);
    const first = vectors.map((_, k) => points[2 * k]!);
    const second = vectors.map((_, k) => points[2 * k + 1]!);
    // Centred, point (10i + j, 10i − j, 3) projects to 10√2·i and √2·j (up to sign).
    first.forEach((p, k) => expect(Math.abs(p)).toBeCloseTo(10 * Math.SQRT2 * Math.abs(Math.floor(k / 2) - 5), 6));
    second.forEach((p) => expect(Math.abs(p)).toBeCloseTo(Math.SQRT2, 6));
    expect(explained[0] + explained[1]).toBeCloseTo(1, 9);
    expect(explained[0]).toBeGreaterThan(0.99);
  });
});

describe("run colours", () => {
  const runs = (names: string[], from = 0) => names.map((name, i) => ({ name, createdAt: 1_700_000_000 + from + i }));

  it("are stable per run when later runs appear, and distinct for up to eight runs", () => {
    const names = ["relu-adam-lr0.01", "sigmoid-adam-lr0.01", "relu-sgd-lr0.01", "sigmoid-sgd-lr0.01"];
    const colors = assignRunColors(runs(names));
    expect(new Set(colors.values()).size).toBe(4);
    for (const [a, ca] of colors) for (const [b, cb] of colors) if (a !== b) expect(colorDistance(ca, cb)).toBeGreaterThanOrEqual(150);
    const more = assignRunColors([...runs(names), ...runs(["tanh-adam-lr0.01", "relu-adam-lr0.001"], 100)]);
    for (const name of names) expect(more.get(name)).toBe(colors.get(name));
    expect(assignRunColors(runs(names).reverse()).get(names[0]!)).toBe(colors.get(names[0]!));
    const eight = assignRunColors(runs(Array.from({ length: 8 }, (_, i) => `run-${i}`)));
    expect(new Set(eight.values()).size).toBe(8);
  });

  it("still gives every run a colour beyond the palette's size", () => {
    const colors = assignRunColors(Array.from({ length: 45 }, (_, i) => ({ name: `r${i}`, createdAt: null })));
    expect(colors.size).toBe(45);
    expect(new Set(colors.values()).size).toBe(45);
    expect(RUN_PALETTE).toHaveLength(20);
  });
});

describe("run colours as the report takes them", () => {
  it("date a run by its first event file, and give a whole logdir the colours the dashboard gives it", () => {
    expect(runCreatedAt(["/x/run/events.out.tfevents.1700000100.host.1.0", "events.out.tfevents.1700000050.host.2.0"])).toBe(1_700_000_050);
    expect(runCreatedAt(["notes.txt"])).toBeNull();
    const runs = ["relu-adam-lr0.01-seed0", "relu-adam-lr0.01-seed1", "sigmoid-adam-lr0.01-seed0", "alone"].map((name, i) => ({ name, createdAt: 1_700_000_000 + i }));
    const groups = [{ name: "relu-adam-lr0.01", runs: runs.slice(0, 2).map((r) => r.name) }, { name: "sigmoid-adam-lr0.01", runs: [runs[2]!.name] }];
    const colors = assignLogdirColors(runs, groups);
    expect(colors.runs).toEqual(assignRunColors(runs));
    expect(colors.groups).toEqual(assignGroupColors([{ name: "relu-adam-lr0.01", createdAt: 1_700_000_000 }, { name: "sigmoid-adam-lr0.01", createdAt: 1_700_000_002 }],
      colors.runs, new Set(["alone"])));
  });
});

describe("digit colours", () => {
  /** CIELAB ΔE (1976) between two sRGB colours: about 2.3 is just noticeable, over 20 clearly different hues. */
  function deltaE(a: string, b: string): number {
    const lab = (hex: string) => {
      const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      const xyz = [(0.4124 * r! + 0.3576 * g! + 0.1805 * bl!) / 0.95047, 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!, (0.0193 * r! + 0.1192 * g! + 0.9505 * bl!) / 1.08883];
      const [fx, fy, fz] = xyz.map((t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116));
      return [116 * fy! - 16, 500 * (fx! - fy!), 200 * (fy! - fz!)];
    };
    const [p, q] = [lab(a), lab(b)];
    return Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!, p[2]! - q[2]!);
  }

  it("are ten clearly different colours (3 and 9 no longer two cyans)", () => {
    expect(DIGIT_COLORS).toHaveLength(10);
    for (let i = 0; i < 10; i++) for (let j = i + 1; j < 10; j++) expect(deltaE(DIGIT_COLORS[i]!, DIGIT_COLORS[j]!), `${i} vs ${j}`).toBeGreaterThan(25);
    expect(deltaE("#76b7b2", "#17becf")).toBeLessThan(25); // the old 3 and 9
  });
});

describe("group colours", () => {
  const created = (names: string[]) => names.map((name, i) => ({ name, createdAt: 1_700_000_000 + i }));

  it("keep off the colours of every run while the palette has room, and are stable per group", () => {
    const runNames = ["relu-adam-lr0.01-seed0", "relu-adam-lr0.01-seed1", "sigmoid-adam-lr0.01-seed0", "sigmoid-adam-lr0.01-seed1", "alone"];
    const runColors = assignRunColors(created(runNames));
    const groups = created(["relu-adam-lr0.01", "sigmoid-adam-lr0.01"]);
    const colors = assignGroupColors(groups, runColors, new Set(["alone"]));
    expect(new Set(colors.values()).size).toBe(2);
    for (const color of colors.values()) expect([...runColors.values()]).not.toContain(color);
    expect(colorDistance(colors.get("relu-adam-lr0.01")!, runColors.get("alone")!)).toBeGreaterThanOrEqual(200);
    expect(assignGroupColors(groups, runColors, new Set(["alone"]))).toEqual(colors);
  });

  it("give up the grouped runs' colours first when the palette runs short, never those of runs drawn beside them", () => {
    const runNames = Array.from({ length: 19 }, (_, i) => `run-${i}`);
    const runColors = assignRunColors(created(runNames));
    const alone = new Set(runNames.slice(0, 15));
    const colors = assignGroupColors(created(["g1", "g2", "g3"]), runColors, alone);
    const aloneColors = [...alone].map((run) => runColors.get(run));
    for (const color of colors.values()) expect(aloneColors).not.toContain(color);
    expect(new Set(colors.values()).size).toBe(3);
  });
});

describe("a group's band as drawn", () => {
  const curve = {
    runs: ["a", "b"], total: 3, steps: [10, 20, 30], n: [2, 2, 1],
    mean: [1, 2, 4], std: [0.5, 1, 0], stderr: [0.5 / Math.SQRT2, 1 / Math.SQRT2, 0], min: [0.6, 1.2, 4], max: [1.4, 2.8, 4],
  };

  it("spans min–max, ±1 std or ±1 std error around the mean", () => {
    expect(bandCurveOf(curve, "minmax", 0, false)).toMatchObject({ lower: [0.6, 1.2, 4], upper: [1.4, 2.8, 4], mean: [1, 2, 4], n: [2, 2, 1] });
    expect(bandCurveOf(curve, "std", 0, false)).toMatchObject({ lower: [0.5, 1, 4], upper: [1.5, 3, 4] });
    const stderr = bandCurveOf(curve, "stderr", 0, false);
    stderr.upper.forEach((v, i) => expect(v).toBeCloseTo(curve.mean[i]! + curve.stderr[i]!, 12));
  });

  it("smooths the mean and both edges alike, so the mean stays inside the band; leaves out values ≤ 0 on a log scale", () => {
    const smoothed = bandCurveOf(curve, "minmax", 0.6, false);
    expect(smoothed.rawMean).toEqual([1, 2, 4]);
    expect(smoothed.mean[2]).toBeCloseTo((0.4 * 0.6 * 0.6 * 1 + 0.4 * 0.6 * 2 + 0.4 * 4) / (1 - 0.6 ** 3), 12);
    smoothed.mean.forEach((m, i) => {
      expect(m!).toBeGreaterThanOrEqual(smoothed.lower[i]!);
      expect(m!).toBeLessThanOrEqual(smoothed.upper[i]!);
    });
    expect(bandCurveOf(curve, "std", 0, true).lower).toEqual([0.5, 1, 4]);
    expect(bandCurveOf({ ...curve, std: [2, 1, 0] }, "std", 0, true).lower).toEqual([null, 1, 4]);
  });
});

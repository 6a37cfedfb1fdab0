// The findings are computed from the data: known numbers give known
// sentences, swapping the runs' numbers swaps the conclusions, a gap inside
// the noise is never called a result, and a stalled seed is named.
// The expected intervals were computed independently with scipy 1.17
// (stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95), and
// stats.t.interval for one group) on the same numbers.

import { describe, expect, it } from "vitest";
import { computeFindings } from "../../src/report/findings.js";
import { median } from "../../src/stats/describe.js";
import { readLogdir } from "../../src/report/run-data.js";
import { tempDir } from "../idx-files.js";
import { RELU, SIGMOID, endingAt, writeFixtureLogdir, writeGroupLogdir, type FixtureSeed } from "./logdir-fixture.js";

function findingsOf(options: { swap?: boolean } = {}): string {
  const logdir = tempDir();
  writeFixtureLogdir(logdir, options);
  const data = readLogdir(logdir);
  const fc2 = new Map([[RELU, { meanCosine: 0.3, zeroFraction: 0.7, min: 0, max: 9 }], [SIGMOID, { meanCosine: 0.9, zeroFraction: 0, min: 0.01, max: 0.99 }]]);
  return computeFindings(data.runs, fc2, data.unfinished).join("\n");
}

function groupFindings(groups: Record<string, FixtureSeed[]>): string {
  const logdir = tempDir();
  writeGroupLogdir(logdir, groups);
  const data = readLogdir(logdir);
  return computeFindings(data.runs, new Map(), data.unfinished).join("\n");
}

const seeds = (means: number[]) => means.map((mean, seed) => ({ seed, accuracies: endingAt(mean) }));

describe("findings over groups of seeds", () => {
  const close = { relu: seeds([0.9812, 0.9755, 0.9790]), sigmoid: seeds([0.9790, 0.9801, 0.9731]) };

  it("give a difference whose interval spans 0 as 'no difference shown', with its interval and n", () => {
    const text = groupFindings(close);
    // scipy: difference +0.0011667, 95% CI −0.0066378 … +0.0089712
    expect(text).toContain("relu vs sigmoid (adam, lr 0.01), test accuracy: +0.12 pp (95% CI −0.66 … +0.90, n = 3 each): no difference shown.");
    expect(text).not.toMatch(/relu ahead|sigmoid ahead/);
    expect(text).toContain("6 runs in 2 groups of seeds (relu-adam-lr0.01-it200: seeds 0, 1, 2; sigmoid-adam-lr0.01-it200: seeds 0, 1, 2)");
    // scipy: mean 0.97857, 95% CI 0.97143 … 0.98571
    expect(text).toContain("relu + adam, lr 0.01 (seeds 0, 1, 2): test accuracy 97.86% ± 0.29 (95% CI 97.14% … 98.57%, seeds 97.55% … 98.12%)");
    expect(text).toContain("relu + adam, lr 0.01: the 3 seeds end within 0.57 pp of each other (97.55% … 98.12%); none fell far behind.");
  });

  it("call a clear gap a result, and flip the sign and the wording when the groups' numbers are swapped", () => {
    const relu = seeds([0.9812, 0.9755, 0.9790]);
    const sigmoid = seeds([0.8512, 0.8620, 0.8455, 0.8300]);
    // scipy: difference +0.1313917, 95% CI +0.1107983 … +0.1519850
    expect(groupFindings({ relu, sigmoid })).toContain("relu vs sigmoid (adam, lr 0.01), test accuracy: +13.14 pp (95% CI +11.08 … +15.20, n = 3 and 4): relu ahead.");
    const swapped = groupFindings({ relu: sigmoid, sigmoid: relu });
    expect(swapped).toContain("relu vs sigmoid (adam, lr 0.01), test accuracy: −13.14 pp (95% CI −15.20 … −11.08, n = 4 and 3): sigmoid ahead.");
    expect(swapped).not.toContain("relu ahead");
  });

  it("name a stalled seed and how it spreads its group, instead of averaging it away", () => {
    const text = groupFindings({
      relu: seeds([0.9812, 0.9755, 0.9790]),
      sigmoid: [{ seed: 0, accuracies: endingAt(0.975) }, { seed: 1, accuracies: endingAt(0.752, [0.3, 0.6]) }, { seed: 2, accuracies: endingAt(0.979) }],
    });
    expect(text).toContain("1 of 3 sigmoid + adam, lr 0.01 seeds stalled at 75.20% (seed 1, sigmoid-adam-lr0.01-seed1), against 97.70% for the others (their median); " +
      "it alone spreads the group over 75.20% … 97.90%");
    expect(text).toContain("2 of 3 seeds reached 90% test accuracy (at iteration 20 ± 0), seed 1 never did");
    expect(text).toMatch(/iterations to 90% test accuracy: relu got there in 3 of 3 seeds \(at iteration 20 ± 0\), sigmoid got there in 2 of 3 seeds/);
    expect(text).not.toContain("relu + adam, lr 0.01 seeds stalled");
  });

  it("name a seed that sat near chance far longer than the others before it learned", () => {
    const late = [...Array(13).fill(0.1), 0.95];
    const text = groupFindings({
      sigmoid: [{ seed: 0, accuracies: endingAt(0.975) }, { seed: 1, accuracies: endingAt(0.971, late) }, { seed: 2, accuracies: endingAt(0.979) },
        { seed: 3, accuracies: endingAt(0.973) }],
    });
    // Seeds 0, 2 and 3 reach 90% at iteration 20; seed 1 at 140, more than two evaluation intervals (2 × 50) later.
    expect(text).toContain("1 of 4 sigmoid + adam, lr 0.01 seeds sat near chance far longer than the others before they learned: " +
      "seed 1 reached 90% at iteration 140, against 20 for the others (their median); its test accuracy at the end: 97.10%.");
    expect(text).not.toContain("stalled");
  });

  it("name the seeds of a group that have no results, and give the statistics over the rest", () => {
    const logdir = tempDir();
    writeGroupLogdir(logdir, close);
    writeGroupLogdir(logdir, { sigmoid: [{ seed: 3, accuracies: [0.2] }] });
    const data = readLogdir(logdir);
    const unfinished = [...data.unfinished, { name: "sigmoid-adam-lr0.01-seed9", dir: "/x", state: "diverged after 12 of 70 iterations: loss is NaN",
      config: { ...data.runs.find((r) => r.name === "sigmoid-adam-lr0.01-seed0")!.summary.config, seed: 9 } }];
    const text = computeFindings(data.runs.filter((r) => !r.name.endsWith("seed3")), new Map(), unfinished).join("\n");
    expect(text).toContain("sigmoid + adam, lr 0.01: statistics over 3 of 4 seeds; seed 9 (sigmoid-adam-lr0.01-seed9) has no results: diverged after 12 of 70 iterations");
    expect(text).not.toMatch(/run director(y|ies) ha(s|ve) no results/);
  });
});

describe("findings about confused classes", () => {
  const withMistakes = (counts: [number, number, number][]) => counts.map(([fourNine, sevenTwo, threeFive], seed) =>
    ({ seed, accuracies: endingAt(0.98), mistakes: { "4>9": fourNine, "7>2": sevenTwo, "3>5": threeFive } }));

  it("name each group's most confused pairs, and which pairs one group confuses more, with Welch intervals over the seeds", () => {
    const text = groupFindings({
      relu: withMistakes([[20, 10, 5], [22, 12, 6], [24, 11, 4]]),
      sigmoid: withMistakes([[30, 11, 15], [34, 10, 16], [32, 12, 14]]),
    });
    expect(text).toContain("relu-adam-lr0.01-it200 mixes up most often: 4 → 9 (22 test images per seed), 7 → 2 (11 test images per seed), 3 → 5 (5.0 test images per seed)");
    expect(text).toContain("sigmoid-adam-lr0.01-it200 mixes up most often: 4 → 9 (32 test images per seed), 3 → 5 (15 test images per seed), 7 → 2 (11 test images per seed)");
    // scipy: 4→9 −10 (−14.53 … −5.47), 7→2 0 (−2.27 … +2.27), 3→5 −10 (−12.27 … −7.73)
    expect(text).toContain("Confused pairs, relu vs sigmoid (images per seed): 4 → 9 relu 22 vs sigmoid 32 (95% CI of the difference −14.5 … −5.5: more with sigmoid); " +
      "7 → 2 relu 11 vs sigmoid 11 (95% CI of the difference −2.3 … +2.3: no difference shown); 3 → 5 relu 5.0 vs sigmoid 15 (95% CI of the difference −12.3 … −7.7: more with sigmoid).");
  });

  it("give one seed's counts as one draw, without a verdict", () => {
    const text = groupFindings({ relu: withMistakes([[20, 10, 5]]), sigmoid: withMistakes([[30, 11, 15]]) });
    expect(text).toContain("Confused pairs, relu vs sigmoid (images): 4 → 9 relu 20 vs sigmoid 30; 7 → 2 relu 10 vs sigmoid 11; 3 → 5 relu 5.0 vs sigmoid 15 — one seed on a side, so these counts are one draw, not a measured difference.");
    expect(text).not.toMatch(/more with/);
  });
});

describe("findings with one seed per config", () => {
  it("never call a gap inside the runs' own swing a result", () => {
    const text = groupFindings({ relu: [{ seed: 0, accuracies: endingAt(0.9812) }], sigmoid: [{ seed: 0, accuracies: endingAt(0.9790) }] });
    expect(text).toContain("Every configuration ran with one seed, so every number below is one draw");
    expect(text).toContain("relu vs sigmoid (adam, lr 0.01), test accuracy: +0.22 pp on one seed each, inside the runs' own swing of up to 0.40 pp over their last evaluations: no difference shown.");
    expect(text).not.toMatch(/ahead/);
  });

  it("say a gap beyond the swing is one draw's, not a measured effect", () => {
    const text = groupFindings({ relu: [{ seed: 0, accuracies: endingAt(0.9812) }], sigmoid: [{ seed: 0, accuracies: endingAt(0.60, [0.1, 0.3]) }] });
    expect(text).toContain("+38.12 pp on one seed each, beyond the runs' own swing of up to 0.40 pp over their last evaluations: relu ahead in this draw; " +
      "how much of the gap another seed would move is not measured");
    expect(text).toContain("sigmoid + adam, lr 0.01 (seed 0, one draw): test accuracy 60.00%");
  });
});

describe("findings of the classic fixture (one seed each, with event files)", () => {
  it("give the activation's effect, learning speed, the conv1 gradient ratio, unit health, fc2 codes and time", () => {
    const text = findingsOf();
    expect(text).toContain("relu vs sigmoid (adam, lr 0.01), test accuracy: +41.50 pp on one seed each, beyond the runs' own swing of up to 10.00 pp");
    expect(text).toContain("relu ahead in this draw");
    expect(text).toContain("iterations to 90% test accuracy: relu got there in 1 of 1 seed (at iteration 20), sigmoid never got there.");
    expect(text).toMatch(/With adam, lr 0\.01, the median conv1 gradient norm over training is 100(\.00)?× larger with relu \(0\.50\) than with sigmoid \(0\.0050\)/);
    expect(text).toContain("relu-adam-lr0.01-it40: at the end 25.00% of fc1's units are dead");
    expect(text).toContain("sigmoid-adam-lr0.01-it40: at the end 80.00% of conv2's units are saturated");
    expect(text).toContain("most distinct in fc2 space in relu-adam-lr0.01-it40");
    expect(text).toContain("70.00% of relu-adam-lr0.01-it40's fc2 values are exactly 0");
    expect(text).toContain("Wall time per run: relu-adam-lr0.01-it40 30 s, sigmoid-adam-lr0.01-it40 60 s; training speed in images/s: relu-adam-lr0.01-it40 100, sigmoid-adam-lr0.01-it40 100.");
  });

  it("follow the data: with the numbers swapped, the conclusions swap", () => {
    const text = findingsOf({ swap: true });
    expect(text).toContain("test accuracy: −41.50 pp on one seed each");
    expect(text).toContain("sigmoid ahead in this draw");
    expect(text).toMatch(/100(\.00)?× larger with sigmoid \(0\.50\) than with relu/);
    expect(text).not.toContain("relu ahead");
  });

  it("say so when nothing has finished, and list runs without results", () => {
    expect(computeFindings([], new Map())).toEqual(["No run has finished yet, so there is nothing to compare."]);
    const logdir = tempDir();
    writeFixtureLogdir(logdir, { withEvents: false });
    const data = readLogdir(logdir);
    const text = computeFindings(data.runs.slice(0, 1), new Map(), [{ name: "x", dir: "/x", state: "diverged" }]).join("\n");
    expect(text).toContain("relu + adam, lr 0.01 (seed 5, one draw): test accuracy");
    expect(text).toContain("1 run directory has no results and is left out: x.");
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

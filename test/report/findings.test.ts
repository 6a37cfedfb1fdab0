// The findings are computed from the data: known numbers give known
// sentences, and swapping the runs' numbers swaps the conclusions.

import { describe, expect, it } from "vitest";
import { computeFindings, median } from "../../src/report/findings.js";
import { readLogdir } from "../../src/report/run-data.js";
import { tempDir } from "../idx-files.js";
import { RELU, SIGMOID, writeFixtureLogdir } from "./logdir-fixture.js";

function findingsOf(options: { swap?: boolean } = {}): string {
  const logdir = tempDir();
  writeFixtureLogdir(logdir, options);
  const data = readLogdir(logdir);
  const fc2 = new Map([[RELU, { meanCosine: 0.3, zeroFraction: 0.7, min: 0, max: 9 }], [SIGMOID, { meanCosine: 0.9, zeroFraction: 0, min: 0.01, max: 0.99 }]]);
  return computeFindings(data.runs, fc2, data.unfinished).join("\n");
}

describe("findings", () => {
  it("name the best run, the fastest learner, the activation's effect, the conv1 gradient ratio and unit health", () => {
    const text = findingsOf();
    expect(text).toContain(`${RELU} ends with the highest test accuracy, 97%`);
    expect(text).toContain(`${SIGMOID} the lowest, 60%`);
    expect(text).toContain("37.00 percentage points lower");
    expect(text).toContain(`${RELU} reached 90% test accuracy first, at iteration 20`);
    expect(text).toContain(`${SIGMOID} (best 60%) never reached it within its 40 iterations`);
    expect(text).toContain("Changing only the activation (adam, lr 0.01): relu 97%, sigmoid 60%");
    expect(text).toMatch(/With adam, lr 0\.01, the median conv1 gradient norm over training is 100(\.00)?× larger with relu \(0\.50\) than with sigmoid \(0\.0050\)/);
    expect(text).toContain(`${RELU}: at the end 25% of fc1's units are dead`);
    expect(text).toContain(`${SIGMOID}: at the end 80% of conv2's units are saturated`);
    expect(text).toContain(`most distinct in fc2 space in ${RELU}`);
    expect(text).toContain(`70% of ${RELU}'s fc2 values are exactly 0`);
    expect(text).toContain(`from 30 s (${RELU}) to 60 s (${SIGMOID})`);
  });

  it("follow the data: with the numbers swapped, the conclusions swap", () => {
    const text = findingsOf({ swap: true });
    expect(text).toContain(`${SIGMOID} ends with the highest test accuracy, 97%`);
    expect(text).toContain(`${SIGMOID} reached 90% test accuracy first`);
    expect(text).toMatch(/100(\.00)?× larger with sigmoid \(0\.50\) than with relu/);
    expect(text).not.toContain(`${RELU} ends with the highest`);
  });

  it("say so when nothing has finished, and list runs without results", () => {
    expect(computeFindings([], new Map())).toEqual(["No run has finished yet, so there is nothing to compare."]);
    const logdir = tempDir();
    writeFixtureLogdir(logdir, { withEvents: false });
    const data = readLogdir(logdir);
    const text = computeFindings(data.runs.slice(0, 1), new Map(), [{ name: "x", dir: "/x", state: "diverged" }]).join("\n");
    expect(text).toContain(`The only finished run, ${RELU}, ends at 97% test accuracy`);
    expect(text).toContain("1 run directory has no results and is left out: x.");
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

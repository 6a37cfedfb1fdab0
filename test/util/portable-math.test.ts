// util/portable-math: e^x and ln x from + − × ÷ alone, so that every engine
// computes the same bits; as accurate as Math's (within an ulp of them),
// correctly rounded at points whose true values were computed to 60 digits
// (Python's decimal), and right at the edges (0, ∞, NaN, overflow, subnormals).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { portableExp, portableLog } from "../../src/util/portable-math.js";
import { RandomStream } from "../../src/util/random.js";

/** How many doubles lie between a and b (0 when equal). */
function ulpsApart(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Math.abs(Number(view.getBigInt64(0) - view.getBigInt64(8)));
}

describe("portableExp and portableLog", () => {
  it("are correctly rounded where the true value is known", () => {
    const exps: [number, number][] = [
      [-1, 0.36787944117144233], [-0.5, 0.6065306597126334], [-10.25, 3.535750085040998e-05], [-87.5, 9.982350930569248e-39],
      [-700, 9.85967654375977e-305], [0.3, 1.3498588075760032], [5, 148.4131591025766],
    ];
    for (const [x, value] of exps) expect(portableExp(x), `exp(${x})`).toBe(value);
    const logs: [number, number][] = [
      [0.5, -0.6931471805599453], [2, 0.6931471805599453], [3, 1.0986122886681098], [10, 2.302585092994046],
      [7.25, 1.9810014688665833], [1e-300, -690.7755278982137], [1e300, 690.7755278982137], [5e-324, -744.4400719213812],
    ];
    for (const [x, value] of logs) expect(portableLog(x), `log(${x})`).toBe(value);
  });

  it("stay within an ulp of Math.exp and Math.log over the ranges the loss uses and beyond", () => {
    const random = new RandomStream(11);
    const ranges: [string, (x: number) => number, (x: number) => number, () => number][] = [
      ["exp of a softmax's z − max", portableExp, Math.exp, () => -40 * random.nextFloat()],
      ["exp of any size", portableExp, Math.exp, () => 1400 * random.nextFloat() - 700],
      ["log of a softmax's sum", portableLog, Math.log, () => 1 + 9 * random.nextFloat()],
      ["log of any size", portableLog, Math.log, () => 10 ** (600 * random.nextFloat() - 300)],
      ["log near 1", portableLog, Math.log, () => 1 + (random.nextFloat() - 0.5) * 1e-6],
    ];
    for (const [what, ours, math, draw] of ranges) {
      let worst = 0;
      for (let i = 0; i < 20_000; i++) {
        const x = draw();
        worst = Math.max(worst, ulpsApart(ours(x), math(x)));
      }
      expect(worst, what).toBeLessThanOrEqual(1);
    }
  });

  it("handle the edges: 0, infinities, NaN, overflow and subnormal results", () => {
    expect(portableExp(0)).toBe(1);
    expect(portableExp(-0)).toBe(1);
    expect(portableExp(Infinity)).toBe(Infinity);
    expect(portableExp(-Infinity)).toBe(0);
    expect(portableExp(NaN)).toBeNaN();
    expect(portableExp(710)).toBe(Infinity);
    expect(portableExp(709.78)).toBe(Math.exp(709.78));
    expect(portableExp(-746)).toBe(0);
    for (const x of [-708.5, -720, -740, -745]) expect(ulpsApart(portableExp(x), Math.exp(x)), `exp(${x})`).toBeLessThanOrEqual(1);
    expect(portableLog(1)).toBe(0);
    expect(portableLog(0)).toBe(-Infinity);
    expect(portableLog(-0)).toBe(-Infinity);
    expect(portableLog(-1)).toBeNaN();
    expect(portableLog(NaN)).toBeNaN();
    expect(portableLog(Infinity)).toBe(Infinity);
    expect(portableLog(Number.MAX_VALUE)).toBe(Math.log(Number.MAX_VALUE));
    expect(ulpsApart(portableLog(2.5e-310), Math.log(2.5e-310))).toBeLessThanOrEqual(1);
  });

  it("use no engine-approximated function: only arithmetic that IEEE 754 rounds the same everywhere", () => {
    const source = readFileSync(new URL("../../src/util/portable-math.ts", import.meta.url), "utf8").replace(/\/\/.*$/gm, "");
    const used = [...source.matchAll(/Math\.(\w+)/g)].map((m) => m[1]);
    expect(used.filter((name) => name !== "round")).toEqual([]);
  });
});

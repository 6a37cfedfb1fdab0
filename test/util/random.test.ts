import { describe, expect, it } from "vitest";
import { initTruncatedNormal, ParameterSet } from "../../src/engine/parameters.js";
import { RandomStream } from "../../src/util/random.js";

describe("RandomStream", () => {
  it("repeats exactly for the same seed and stream, and differs otherwise", () => {
    const draw = (seed: number, stream: number) => {
      const r = new RandomStream(seed, stream);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(draw(5, 1)).toEqual(draw(5, 1));
    expect(draw(5, 1)).not.toEqual(draw(6, 1));
    expect(draw(5, 1)).not.toEqual(draw(5, 2));
  });

  it("continues identically after its state is saved and restored", () => {
    const a = new RandomStream(42);
    for (let i = 0; i < 10; i++) a.nextUint32();
    const b = new RandomStream(0);
    b.setState(a.getState());
    expect(Array.from({ length: 5 }, () => b.nextFloat())).toEqual(Array.from({ length: 5 }, () => a.nextFloat()));
  });

  it("draws uniform floats in [0, 1) and normals with mean 0 and variance 1", () => {
    const r = new RandomStream(1);
    const n = 100_000;
    let sum = 0, sumSquares = 0, min = 1, max = 0;
    for (let i = 0; i < n; i++) {
      const u = r.nextFloat();
      min = Math.min(min, u); max = Math.max(max, u);
      const z = r.nextNormal();
      sum += z; sumSquares += z * z;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(sumSquares / n - 1)).toBeLessThan(0.02);
  });

  it("shuffles into a permutation", () => {
    const a = Int32Array.from({ length: 1000 }, (_, i) => i);
    new RandomStream(9).shuffle(a);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(a.subarray(0, 10))).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe("truncated-normal initialisation", () => {
  it("keeps weights within 2 std of the mean, with the truncated normal's spread, and zero biases", () => {
    const params = new ParameterSet([
      { name: "w", shape: [200, 200], kind: "weight" },
      { name: "b", shape: [50], kind: "bias" },
    ]);
    initTruncatedNormal(params, 0.5, 0.1, new RandomStream(3));
    const w = params.get("w").value;
    let sum = 0, sumSquares = 0;
    for (const v of w) {
      expect(v).toBeGreaterThanOrEqual(0.5 - 0.2 - 1e-6);
      expect(v).toBeLessThanOrEqual(0.5 + 0.2 + 1e-6);
      sum += v; sumSquares += (v - 0.5) ** 2;
    }
    expect(sum / w.length).toBeCloseTo(0.5, 2);
    // The standard deviation of a normal truncated at ±2σ is 0.8796σ.
    expect(Math.sqrt(sumSquares / w.length)).toBeCloseTo(0.08796, 3);
    expect(params.get("b").value.every((v) => v === 0)).toBe(true);
  });
});

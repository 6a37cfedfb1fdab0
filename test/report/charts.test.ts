import { describe, expect, it } from "vitest";
import { ChartGroup, curvesChart, gradientNormChart, unitHealthChart } from "../../src/report/charts.js";
import type { RunRecord } from "../../src/report/run-data.js";

/** A run with a few points of every tag the curve charts read; `shift` makes seeds differ. */
function run(name: string, shift: number): RunRecord {
  const curve = (base: number) => [10, 20, 30].map((step, i) => ({ step, value: base + shift + i * 0.01, wallTime: 0 }));
  const tags = ["loss/test", "loss/train", "accuracy/test", "accuracy/train",
    ...["conv1", "conv2", "fc1", "fc2", "fc3"].map((layer) => `gradient_norm/${layer}`),
    ...["conv1", "conv2", "fc1", "fc2"].flatMap((layer) => [`dead_fraction/${layer}`, `saturated_fraction/${layer}`])];
  return { name, scalars: new Map(tags.map((tag) => [tag, curve(0.5)])) } as unknown as RunRecord;
}

/** The marks of a chart's layers (of its facet's spec where it is facetted). */
function marks(spec: object): string[] {
  const top = spec as { layer?: { mark: { type: string } }[]; spec?: { layer: { mark: { type: string } }[] } };
  return (top.layer ?? top.spec!.layer).map((layer) => layer.mark.type);
}

const charts = [
  (groups: ChartGroup[]) => curvesChart(groups, "loss"),
  (groups: ChartGroup[]) => curvesChart(groups, "accuracy"),
  gradientNormChart,
  unitHealthChart,
];

describe("curve charts", () => {
  it("draw a seed band (an area) when a group has two seeds or more", () => {
    const groups = [{ name: "relu", color: "#1f77b4", runs: [run("relu-seed0", 0), run("relu-seed1", 0.1)] },
      { name: "sigmoid", color: "#ff7f0e", runs: [run("sigmoid-seed0", 0)] }];
    for (const chart of charts) expect(marks(chart(groups)!)).toContain("area");
  });

  it("leave the band out when every group has one seed: it would be a line of zero height", () => {
    const groups = [{ name: "relu", color: "#1f77b4", runs: [run("relu-seed0", 0)] },
      { name: "sigmoid", color: "#ff7f0e", runs: [run("sigmoid-seed0", 0.1)] }];
    for (const chart of charts) {
      const spec = chart(groups)!;
      expect(marks(spec)).not.toContain("area");
      expect(marks(spec)).toContain("line");
      // Both groups are still drawn.
      expect(JSON.stringify(spec)).toContain("sigmoid");
    }
    const loss = curvesChart(groups, "loss") as unknown as { layer: { encoding: { x: { title?: string } } }[] };
    expect(loss.layer[0]!.encoding.x.title).toBe("iteration");
  });
});

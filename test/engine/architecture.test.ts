import { describe, expect, it } from "vitest";
import { LENET_LAYERS, describeLayers } from "../../src/engine/architecture.js";
import { LeNet5 } from "../../src/engine/lenet.js";
import { formatModelSummary, summarizeModel } from "../../src/engine/model-summary.js";

describe("the architecture description", () => {
  it("matches the shapes the engine actually produces, stage by stage", () => {
    const B = 2;
    const network = new LeNet5({ activation: "relu" });
    network.forward(new Float32Array(B * 32 * 32).fill(0.5), B);
    const maps = network.featureMaps();
    const described = new Map(describeLayers().map((l) => [l.spec.name, l.outputShape]));
    const size = (shape: number[]) => B * shape.reduce((a, b) => a * b, 1);
    for (const stage of ["conv1", "pool1", "conv2", "pool2", "fc1", "fc2"] as const) {
      expect(maps[stage].length, stage).toBe(size(described.get(stage)!));
    }
    expect(maps.logits.length).toBe(size(described.get("fc3")!));
    expect(network.params.list.map((p) => [p.name, p.shape])).toEqual(
      describeLayers().flatMap((l) => l.parameters.map((p) => [p.name, p.shape])));
  });

  it("counts 61,706 parameters, layer by layer", () => {
    // By hand: conv1 6·1·5·5 + 6 = 156; conv2 16·6·5·5 + 16 = 2,416; fc1 120·400 + 120 = 48,120;
    // fc2 84·120 + 84 = 10,164; fc3 10·84 + 10 = 850; total 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706.
    const summary = summarizeModel("relu");
    expect(summary.rows.map((r) => [r.layer, r.outputShape, r.parameters])).toEqual([
      ["input", "?×1×32×32", 0], ["conv1", "?×6×28×28", 156], ["pool1", "?×6×14×14", 0],
      ["conv2", "?×16×10×10", 2416], ["pool2", "?×16×5×5", 0], ["flatten", "?×400", 0],
      ["fc1", "?×120", 48120], ["fc2", "?×84", 10164], ["fc3", "?×10", 850],
    ]);
    expect(summary.totalParameters).toBe(61706);
    expect(new LeNet5({ activation: "relu" }).params.count).toBe(61706);
    expect(formatModelSummary(summary)).toMatch(/Total parameters: 61,706/);
  });

  it("names the activation in the summary", () => {
    expect(summarizeModel("sigmoid").rows.find((r) => r.layer === "fc2")!.type).toBe("Dense + sigmoid");
    expect(summarizeModel("sigmoid").rows.find((r) => r.layer === "fc3")!.type).toBe("Dense");
    expect(LENET_LAYERS.length).toBe(8);
  });
});

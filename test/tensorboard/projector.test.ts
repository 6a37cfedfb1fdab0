// Projector formatters (pure) and the GraphDef messages kept for a later issue.
import { describe, expect, test } from "vitest";
import { decodePng } from "../../src/io/png.js";
import { decodeGraphDef, encodeGraphDef, type NodeDef } from "../../src/tensorboard/messages.js";
import { buildSprite, formatEmbeddingConfig, formatMetadataTsv, formatTensorsTsv, safeDirectoryName } from "../../src/tensorboard/projector.js";

describe("projector files", () => {
  test("config block in protobuf text format, with escaped strings", () => {
    const text = formatEmbeddingConfig({
      tensorName: 'fc2 "relu"\\x',
      tensorPath: "embeddings/fc2/00000001/tensors.tsv",
      tensorShape: [2, 3],
      metadataPath: "embeddings/fc2/00000001/metadata.tsv",
      sprite: { imagePath: "embeddings/fc2/00000001/sprite.png", singleImageDim: [28, 28] },
    });
    expect(text).toBe([
      "embeddings {",
      '  tensor_name: "fc2 \\"relu\\"\\\\x"',
      '  tensor_path: "embeddings/fc2/00000001/tensors.tsv"',
      "  tensor_shape: 2",
      "  tensor_shape: 3",
      '  metadata_path: "embeddings/fc2/00000001/metadata.tsv"',
      "  sprite {",
      '    image_path: "embeddings/fc2/00000001/sprite.png"',
      "    single_image_dim: 28",
      "    single_image_dim: 28",
      "  }",
      "}",
      "",
    ].join("\n"));
  });

  test("tensors TSV: one line per row; wrong sizes and non-finite values are refused", () => {
    expect(formatTensorsTsv({ data: [1, 0.5, -2, 1e-8], rows: 2, cols: 2 })).toBe("1\t0.5\n-2\t1e-8\n");
    expect(() => formatTensorsTsv({ data: [1, 2, 3], rows: 2, cols: 2 })).toThrow(/needs 4 values/);
    expect(() => formatTensorsTsv({ data: [1, NaN], rows: 1, cols: 2 })).toThrow(/row 0, column 1 is NaN/);
  });

  test("metadata TSV: no header for one column, a header for a table; tabs refused", () => {
    expect(formatMetadataTsv([7, "two"], 2)).toBe("7\ntwo\n");
    expect(formatMetadataTsv({ header: ["digit", "correct"], rows: [[7, "yes"]] }, 1)).toBe("digit\tcorrect\n7\tyes\n");
    expect(() => formatMetadataTsv(["a\tb"], 1)).toThrow(/tabs or line breaks/);
    expect(() => formatMetadataTsv([1, 2], 3)).toThrow(/2 rows for 3 points/);
  });

  test("sprite: row-major square grid", () => {
    const thumbs = Uint8Array.from([10, 20, 30, 40]); // four 1×1 gray thumbnails
    const sprite = buildSprite({ pixels: thumbs, width: 1, height: 1, channels: 1 }, 4);
    expect(decodePng(sprite.png)).toEqual({ width: 2, height: 2, channels: 1, data: thumbs });
  });

  test("directory names keep only safe characters", () => {
    expect(safeDirectoryName("fc2/features:relu")).toBe("fc2_features_relu");
    expect(safeDirectoryName("..")).toBe("_");
  });
});

describe("GraphDef", () => {
  test("round-trips nodes, inputs and attributes", () => {
    const graph: { node: NodeDef[]; versions: { producer: number } } = {
      node: [
        { name: "input", op: "Placeholder", attr: { shape: { shape: { dim: [{ size: 1 }, { size: 28 }] } } } },
        { name: "conv1", op: "Conv2D", input: ["input"], attr: { padding: { s: new TextEncoder().encode("VALID") } } },
      ],
      versions: { producer: 22 },
    };
    const decoded = decodeGraphDef(encodeGraphDef(graph));
    expect(decoded.node!.map((n) => [n.name, n.op, n.input])).toEqual([["input", "Placeholder", []], ["conv1", "Conv2D", ["input"]]]);
    expect(new TextDecoder().decode((decoded.node![1]!.attr!.padding as { s: Uint8Array }).s)).toBe("VALID");
    expect(decoded.versions!.producer).toBe(22);
  });
});

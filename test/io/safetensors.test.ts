import { describe, expect, it } from "vitest";
import { decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors.js";

describe("safetensors", () => {
  const tensors = [
    { name: "a.weight", shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-7, -0]) },
    { name: "a.bias", shape: [2], data: Float32Array.from([0.25, 7]) },
  ];

  it("writes the documented layout: u64 header length, 8-aligned JSON header, little-endian F32 data", () => {
    const bytes = encodeSafetensors(tensors, { format: "pt" });
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString());
    expect(header["a.weight"]).toEqual({ dtype: "F32", shape: [2, 3], data_offsets: [0, 24] });
    expect(header["a.bias"]).toEqual({ dtype: "F32", shape: [2], data_offsets: [24, 32] });
    expect(header.__metadata__).toEqual({ format: "pt" });
    expect(bytes.length).toBe(8 + n + 32);
    expect(view.getFloat32(8 + n + 8, true)).toBe(3.5);
    expect(view.getFloat32(8 + n + 28, true)).toBe(7);
  });

  it("round-trips int32 tensors as I32", () => {
    const bytes = encodeSafetensors([{ name: "order", shape: [3], data: Int32Array.from([59999, -1, 7]) }]);
    expect(Buffer.from(bytes).toString("latin1")).toContain('"dtype":"I32"');
    const [t] = decodeSafetensors(bytes).tensors;
    expect(t.data).toBeInstanceOf(Int32Array);
    expect(Array.from(t.data)).toEqual([59999, -1, 7]);
  });

  it("round-trips tensors and metadata", () => {
    const decoded = decodeSafetensors(encodeSafetensors(tensors, { run: "x" }));
    expect(decoded.metadata).toEqual({ run: "x" });
    expect(decoded.tensors.map((t) => [t.name, t.shape, Array.from(t.data)])).toEqual(
      tensors.map((t) => [t.name, t.shape, Array.from(t.data)]));
  });

  it("refuses a truncated file and a shape that does not match the data", () => {
    const bytes = encodeSafetensors(tensors);
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), "m.safetensors")).toThrow(/m\.safetensors: tensor a\.bias runs past the end/);
    expect(() => decodeSafetensors(bytes.subarray(0, 5), "m")).toThrow(/truncated/);
    expect(() => encodeSafetensors([{ name: "x", shape: [4], data: new Float32Array(3) }])).toThrow(/has 3 values but shape \[4\]/);
  });
});

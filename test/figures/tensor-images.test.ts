import { describe, expect, it } from "vitest";
import { decodePng, encodePng } from "../../src/io/png.js";
import { GAP_COLOR, TensorImage, featureMapGrid, kernelGrid, matrixImage } from "../../src/figures/tensor-images.js";

/** The colour at (x, y) of the image as its PNG shows it: [gray] or [r, g, b]. */
const at = (image: TensorImage, x: number, y: number) => {
  const png = decodePng(encodePng({ width: image.width, height: image.height, channels: 1, data: image.pixels, palette: image.palette }));
  const start = png.channels * (y * png.width + x);
  return Array.from(png.data.subarray(start, start + png.channels));
};

describe("tensor images", () => {
  it("draws conv kernels [OC, C, K, K] as a grid with min → black, max → white and coloured gaps", () => {
    // 2 output channels × 3 input channels of 2×2 kernels; the value is its flat index.
    const weight = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    const image = kernelGrid(weight, 2, 3, 2, 2); // scale 2 → tiles 4×4, gap 1
    expect([image.width, image.height, image.pixels.length]).toEqual([3 * 4 + 2, 2 * 4 + 1, (3 * 4 + 2) * (2 * 4 + 1)]);
    expect(image.palette).toHaveLength(256); // indexed: 255 grays and the gap colour
    expect(at(image, 0, 0)).toEqual([0, 0, 0]); // kernel (0,0), element 0 = the minimum
    expect(at(image, 4, 0)).toEqual([...GAP_COLOR]); // the gap after the first column
    // Kernel (1, 2) (second row, third column) at x = 10…13, y = 5…8; its last element (index 23) is the maximum.
    expect(at(image, 13, 8)).toEqual([255, 255, 255]);
    expect(at(image, 10, 5)).toEqual(Array(3).fill(Math.round((255 * 20) / 23)));
    // Each value is a 2×2 block: element 1 of kernel (0,0) covers x = 2…3, y = 0…1.
    for (const [x, y] of [[2, 0], [3, 0], [2, 1], [3, 1]]) expect(at(image, x, y)).toEqual(Array(3).fill(Math.round(255 / 23)));
  });

  it("draws conv1's single-channel kernels in one row", () => {
    const image = kernelGrid(new Float32Array(6 * 25).map((_, i) => i), 6, 1, 5, 1);
    expect([image.width, image.height]).toEqual([6 * 5 + 5, 5]);
  });

  it("draws a [out, in] matrix in gray with the inputs down and the outputs across", () => {
    // 2 outputs × 3 inputs: weight[o][i] = 10·o + i.
    const weight = Float32Array.from([0, 1, 2, 10, 11, 12]);
    const image = matrixImage(weight, 2, 3, 1);
    expect([image.width, image.height, image.palette]).toEqual([2, 3, undefined]); // plain grayscale
    expect(at(image, 1, 2)[0]).toBe(255); // output 1, input 2 = 12, the maximum
    expect(at(image, 1, 0)[0]).toBe(Math.round((255 * 10) / 12)); // output 1, input 0
    expect(at(image, 0, 0)[0]).toBe(0);
  });

  it("normalises feature maps together and leaves empty grid cells at the minimum", () => {
    const maps = Float32Array.from([0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8]); // 3 maps 2×2
    const image = featureMapGrid(maps, 3, 2, 2, 2, 1); // 2 columns → 2 rows, the last cell empty
    expect(at(image, 0, 0)[0]).toBe(0);
    expect(at(image, 3, 0)).toEqual([128, 128, 128]);
    expect(at(image, 0, 3)[0]).toBe(255);
    expect(at(image, 3, 3)[0]).toBe(0);
  });
});

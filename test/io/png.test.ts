// PNG encoding: signature and IHDR checked byte by byte, pixels decoded back.
import { describe, expect, test } from "vitest";
import { decodePng, encodePng, PNG_SIGNATURE, toPixelBytes } from "../../src/io/png.js";

/** Reads the IHDR chunk, which must directly follow the signature. */
function readIhdr(png: Uint8Array): { width: number; height: number; bitDepth: number; colorType: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(view.getUint32(8)).toBe(13);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe("IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: png[24]!, colorType: png[25]! };
}

describe("encodePng", () => {
  test("gray image: signature, IHDR (color type 0) and the same pixels back", () => {
    const data = Uint8Array.from({ length: 5 * 3 }, (_, i) => (i * 17) % 256);
    const png = encodePng({ width: 5, height: 3, channels: 1, data });
    expect([...png.subarray(0, 8)]).toEqual([...PNG_SIGNATURE]);
    expect(readIhdr(png)).toEqual({ width: 5, height: 3, bitDepth: 8, colorType: 0 });
    expect(decodePng(png)).toEqual({ width: 5, height: 3, channels: 1, data });
  });

  test("RGB image: IHDR color type 2 and the same pixels back", () => {
    const data = Uint8Array.from({ length: 4 * 2 * 3 }, (_, i) => (i * 31 + 7) % 256);
    const png = encodePng({ width: 4, height: 2, channels: 3, data });
    expect(readIhdr(png)).toEqual({ width: 4, height: 2, bitDepth: 8, colorType: 2 });
    expect(decodePng(png)).toEqual({ width: 4, height: 2, channels: 3, data });
  });

  test("RGBA and indexed images: colour types 6 and 3 (with the palette in PLTE), the same pixels back at every level", () => {
    const rgba = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 29 + 3) % 256);
    for (const level of [0, 3, 9]) {
      const png = encodePng({ width: 3, height: 2, channels: 4, data: rgba }, level);
      expect(readIhdr(png)).toEqual({ width: 3, height: 2, bitDepth: 8, colorType: 6 });
      expect(decodePng(png)).toEqual({ width: 3, height: 2, channels: 4, data: rgba });
    }
    const palette = [[255, 0, 0], [0, 128, 255], [10, 20, 30]] as const;
    const indexed = encodePng({ width: 4, height: 1, channels: 1, data: Uint8Array.of(2, 0, 1, 2), palette }, 0);
    expect(readIhdr(indexed).colorType).toBe(3);
    expect(decodePng(indexed)).toEqual({ width: 4, height: 1, channels: 3, data: Uint8Array.of(10, 20, 30, 255, 0, 0, 0, 128, 255, 10, 20, 30) });
  });

  test("every chunk ends with the CRC-32 of its type and data: IEND is the specification's 00 00 00 00 IEND AE 42 60 82", () => {
    const png = encodePng({ width: 2, height: 2, channels: 1, data: Uint8Array.of(0, 64, 128, 255) });
    expect([...png.subarray(png.length - 12)]).toEqual([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
    // IHDR of a 2 × 2 8-bit gray image: its CRC as zlib's crc32 gives it.
    expect([...png.subarray(8, 33)]).toEqual([
      0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 2, 0, 0, 0, 2, 8, 0, 0, 0, 0, 0x57, 0xdd, 0x52, 0xf8,
    ]);
  });

  test("a small image after a large one holds only its own rows (the scanline buffer is reused)", () => {
    const large = Uint8Array.from({ length: 64 * 32 * 4 }, (_, i) => (i * 7) % 256);
    expect(decodePng(encodePng({ width: 64, height: 32, channels: 4, data: large })).data).toEqual(large);
    const small = Uint8Array.of(1, 2, 3, 4, 5, 6);
    expect(decodePng(encodePng({ width: 3, height: 2, channels: 1, data: small }))).toEqual({ width: 3, height: 2, channels: 1, data: small });
  });

  test("rejects a buffer of the wrong size", () => {
    expect(() => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(4) })).toThrow(/needs 12 bytes, got 4/);
    expect(() => encodePng({ width: 0, height: 2, channels: 1, data: new Uint8Array(0) })).toThrow(/positive/);
  });
});

describe("toPixelBytes", () => {
  test("bytes pass through; intensities in [0,1] scale to 0..255 and clamp", () => {
    const bytes = Uint8Array.of(1, 2, 3);
    expect(toPixelBytes(bytes)).toBe(bytes);
    expect([...toPixelBytes(Float32Array.of(0, 0.5, 1, -0.2, 1.7))]).toEqual([0, 128, 255, 0, 255]);
    expect(() => toPixelBytes([0, NaN])).toThrow(/pixel 1 is NaN/);
  });
});

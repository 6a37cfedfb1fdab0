// PNG encoding of 8-bit gray, RGB, RGBA and indexed pixel buffers: the rows
// (each with filter byte 0, "none") compressed by node:zlib, which is native
// code, in the chunks of the PNG specification (signature, IHDR, PLTE, IDAT,
// IEND, each with its CRC-32 from @node-rs/crc32). fast-png's encoder
// compresses in JavaScript, three times slower than zlib at the same level:
// a figure spent more time there than in drawing its text. Decoding (for
// tests) is fast-png's. Used by TensorBoard image summaries, the projector
// sprite and the figures. Pure: pixels in, PNG bytes out.
// Not here: turning weights or activations into pixels (scaling, grids).

import { crc32 } from "@node-rs/crc32";
import { decode } from "fast-png";
import { deflateSync } from "node:zlib";

/** Channels per pixel: 1 gray, 3 RGB, 4 RGBA. */
export type PngChannels = 1 | 3 | 4;

/** An image in row-major, channel-interleaved layout (HWC), 8 bits per channel. */
export interface RasterImage {
  width: number;
  height: number;
  channels: PngChannels;
  /** height × width × channels bytes, row by row. */
  data: Uint8Array;
  /**
   * With channels 1: the bytes are indices into these RGB colours (an indexed
   * PNG, one byte per pixel however many colours appear).
   */
  palette?: readonly (readonly [number, number, number])[];
}

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Converts pixel values to bytes: a Uint8Array is taken as is; any other array
 * holds intensities in [0, 1], mapped to round(255·x) and clamped to 0..255.
 * Throws a RangeError on NaN (an image of a diverged model must not look fine).
 */
export function toPixelBytes(pixels: ArrayLike<number>): Uint8Array {
  if (pixels instanceof Uint8Array) return pixels;
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const x = pixels[i]!;
    if (Number.isNaN(x)) throw new RangeError(`pixel ${i} is NaN`);
    out[i] = Math.min(255, Math.max(0, Math.round(x * 255)));
  }
  return out;
}

function checkShape(image: RasterImage): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new RangeError(`channels must be 1, 3 or 4, got ${channels}`);
  if (data.length !== width * height * channels) {
    throw new RangeError(`image of ${width}×${height}×${channels} needs ${width * height * channels} bytes, got ${data.length}`);
  }
  if (image.palette && (channels !== 1 || image.palette.length < 1 || image.palette.length > 256)) {
    throw new RangeError(`a palette needs channels 1 and 1 to 256 colours, got channels ${channels} and ${image.palette.length} colours`);
  }
}

/** IHDR's colour type: 0 gray, 2 RGB, 3 indexed, 6 RGBA. */
function colorType(image: RasterImage): number {
  if (image.palette) return 3;
  return image.channels === 1 ? 0 : image.channels === 3 ? 2 : 6;
}

/** Writes a chunk at `at` of `png`: length (4 bytes, big-endian), type (4 ASCII letters), data, CRC-32 of type and data; returns where it ends. */
function writeChunk(png: Uint8Array, at: number, type: string, data: Uint8Array): number {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  view.setUint32(at, data.length);
  for (let i = 0; i < 4; i++) png[at + 4 + i] = type.charCodeAt(i);
  png.set(data, at + 8);
  view.setUint32(at + 8 + data.length, crc32(png.subarray(at + 4, at + 8 + data.length)) >>> 0);
  return at + 12 + data.length;
}

/**
 * Where the scanlines are laid out, kept from one image to the next: on
 * this project's machines a fresh buffer the size of a figure costs more in
 * page faults (~3 ms a megabyte) than compressing it.
 */
let lineBuffer = new Uint8Array(0);

/** The scanlines as IDAT compresses them: each row of width × channels bytes after its filter byte (0: none). */
function scanlines(image: RasterImage): Uint8Array {
  const rowBytes = image.width * image.channels;
  const size = image.height * (rowBytes + 1);
  if (lineBuffer.length < size) lineBuffer = new Uint8Array(size);
  const lines = lineBuffer.subarray(0, size);
  for (let y = 0; y < image.height; y++) {
    lines[y * (rowBytes + 1)] = 0;
    lines.set(image.data.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  }
  return lines;
}

/**
 * Encodes an 8-bit gray / RGB / RGBA (or indexed, with a palette) image as
 * PNG. `level` is the deflate level, 0–9 (default: zlib's 6); a PNG that is
 * decoded at once (a picture inside a figure) is worth no compression.
 */
export function encodePng(image: RasterImage, level = 6): Uint8Array {
  checkShape(image);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, image.width);
  view.setUint32(4, image.height);
  header.set([8, colorType(image), 0, 0, 0], 8); // bit depth, colour type, deflate, adaptive filtering, no interlace
  const chunks: [string, Uint8Array][] = [
    ["IHDR", header],
    ...(image.palette ? [["PLTE", Uint8Array.from(image.palette.flatMap((color) => [color[0], color[1], color[2]]))] as [string, Uint8Array]] : []),
    ["IDAT", deflateSync(scanlines(image), { level })],
    ["IEND", new Uint8Array(0)],
  ];
  const png = new Uint8Array(PNG_SIGNATURE.length + chunks.reduce((length, [, data]) => length + 12 + data.length, 0));
  png.set(PNG_SIGNATURE);
  let at = PNG_SIGNATURE.length;
  for (const [type, data] of chunks) at = writeChunk(png, at, type, data);
  return png;
}

/** Decodes an 8-bit PNG (gray, RGB or RGBA; an indexed one comes out as RGB) into a RasterImage. */
export function decodePng(png: Uint8Array): RasterImage {
  const decoded = decode(png);
  if (decoded.palette && decoded.depth === 8) {
    const rgb = new Uint8Array(decoded.width * decoded.height * 3);
    decoded.data.forEach((index, k) => rgb.set(decoded.palette![index].slice(0, 3), 3 * k));
    return { width: decoded.width, height: decoded.height, channels: 3, data: rgb };
  }
  if (decoded.depth !== 8 || decoded.palette) throw new RangeError("only 8-bit PNGs are supported");
  const channels = decoded.channels;
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new RangeError(`unsupported PNG channel count ${channels}`);
  return { width: decoded.width, height: decoded.height, channels, data: decoded.data as Uint8Array };
}

// PNG encoding of 8-bit gray, RGB and RGBA pixel buffers, via fast-png (pure
// JavaScript). Used by TensorBoard image summaries, the projector sprite and
// the figures. Pure: pixels in, PNG bytes out.
// Not here: turning weights or activations into pixels (scaling, grids).

import { decode, encode } from "fast-png";

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

/**
 * Encodes an 8-bit gray / RGB / RGBA (or indexed, with a palette) image as
 * PNG. `level` is the deflate level, 0–9 (default: zlib's 6); a PNG that is
 * decoded at once (a picture inside a figure) is worth little compression.
 */
export function encodePng(image: RasterImage, level?: number): Uint8Array {
  checkShape(image);
  const palette = image.palette?.map((color) => [...color]);
  return encode({ width: image.width, height: image.height, channels: image.channels, depth: 8, data: image.data, palette },
    level === undefined ? undefined : { zlib: { level: level as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 } });
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

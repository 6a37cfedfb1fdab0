// Tensors as grayscale pictures for TensorBoard's Images tab: conv kernels as
// tile grids, weight matrices, feature maps, input digits. Pure functions from
// Float32Arrays to 8-bit pixels (row-major): values are gray; pictures with
// several tiles are RGB, with the gaps between tiles a muted blue so that
// tiles stay apart whatever their values, and single matrices are plain
// grayscale (a third of the bytes to compress). Values are
// min–max normalised over the whole picture (black = minimum, white =
// maximum), so tiles within one picture are comparable. Each value becomes a
// square block of `scale`×`scale` pixels so that 5×5 kernels stay visible.
// Not here: PNG encoding (png.ts) and coloured, annotated figures.

export interface TensorImage {
  width: number;
  height: number;
  /** 1 (gray) or 3 (RGB). */
  channels: 1 | 3;
  /** width × height × channels bytes, row-major. */
  pixels: Uint8Array;
}

/** Colour of the gaps between tiles: not a gray, so never mistaken for a value. */
export const GAP_COLOR = [48, 84, 150] as const;

/** Minimum and maximum of values (0 and 0 for an empty array). */
function range(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  return values.length === 0 ? { min: 0, max: 0 } : { min, max };
}

/** v in [min, max] → 0…255; a constant picture is mid-gray. */
function toByte(v: number, min: number, max: number): number {
  if (max === min) return 128;
  return Math.round((255 * (v - min)) / (max - min));
}

/**
 * Lays out `rows × cols` tiles of `tileHeight × tileWidth` values each, read
 * from values at tileOffset(r, c) with row stride tileWidth (or transposed),
 * scaled by `scale` and separated by `gap` pixels.
 */
export function tileGrid(
  values: ArrayLike<number>,
  layout: {
    rows: number;
    cols: number;
    tileHeight: number;
    tileWidth: number;
    /** Index in values of tile (r, c)'s first element. */
    tileOffset: (r: number, c: number) => number;
    scale?: number;
    gap?: number;
    /** Normalise over these values instead of `values` (e.g. only the tiles shown). */
    rangeOf?: ArrayLike<number>;
  },
): TensorImage {
  const { rows, cols, tileHeight, tileWidth, tileOffset } = layout;
  const scale = layout.scale ?? 1;
  const gap = layout.gap ?? 0;
  const channels = gap > 0 ? 3 : 1;
  const width = cols * tileWidth * scale + (cols - 1) * gap;
  const height = rows * tileHeight * scale + (rows - 1) * gap;
  const pixels = new Uint8Array(width * height * channels);
  if (channels === 3) for (let k = 0; k < width * height; k++) pixels.set(GAP_COLOR, 3 * k);
  const { min, max } = range(layout.rangeOf ?? values);
  const rowBytes = width * channels;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const offset = tileOffset(r, c);
      const x0 = c * (tileWidth * scale + gap) * channels;
      const y0 = r * (tileHeight * scale + gap);
      for (let ty = 0; ty < tileHeight; ty++) {
        // Draw one source row once, then copy it to the other scale − 1 pixel rows.
        const first = (y0 + ty * scale) * rowBytes + x0;
        for (let tx = 0; tx < tileWidth; tx++) {
          const v = toByte(values[offset + ty * tileWidth + tx], min, max);
          pixels.fill(v, first + tx * scale * channels, first + (tx + 1) * scale * channels);
        }
        for (let copy = 1; copy < scale; copy++) {
          pixels.copyWithin(first + copy * rowBytes, first, first + tileWidth * scale * channels);
        }
      }
    }
  }
  return { width, height, channels, pixels };
}

/**
 * Conv kernels [OC, C, K, K] as a grid: one row per output channel, one column
 * per input channel (conv1: 6 × 1, drawn as one row of 6; conv2: 16 × 6).
 */
export function kernelGrid(weight: Float32Array, OC: number, C: number, K: number, scale: number): TensorImage {
  const asRow = C === 1;
  return tileGrid(weight, {
    rows: asRow ? 1 : OC,
    cols: asRow ? OC : C,
    tileHeight: K,
    tileWidth: K,
    tileOffset: asRow ? (_r, c) => c * K * K : (r, c) => (r * C + c) * K * K,
    scale,
    gap: Math.max(1, Math.floor(scale / 2)),
  });
}

/**
 * A dense weight matrix stored [out, in] (PyTorch's layout), drawn with the
 * inputs down and the outputs across (in × out, as TensorFlow stores it:
 * fc1 is 400 tall and 120 wide).
 */
export function matrixImage(weight: Float32Array, outputs: number, inputs: number, scale: number): TensorImage {
  const transposed = new Float32Array(inputs * outputs);
  for (let o = 0; o < outputs; o++) {
    for (let i = 0; i < inputs; i++) transposed[i * outputs + o] = weight[o * inputs + i];
  }
  return tileGrid(transposed, { rows: 1, cols: 1, tileHeight: inputs, tileWidth: outputs, tileOffset: () => 0, scale });
}

/**
 * The C feature maps [C, H, W] of one image as a grid of `columns` columns,
 * normalised together.
 */
export function featureMapGrid(maps: Float32Array, C: number, H: number, W: number, columns: number, scale: number): TensorImage {
  const rows = Math.ceil(C / columns);
  const padded = new Float32Array(rows * columns * H * W);
  padded.set(maps.subarray(0, C * H * W));
  // Empty cells of the last row repeat the minimum so they do not stretch the range.
  const { min } = range(maps.subarray(0, C * H * W));
  padded.fill(min, C * H * W);
  return tileGrid(padded, {
    rows,
    cols: columns,
    tileHeight: H,
    tileWidth: W,
    tileOffset: (r, c) => (r * columns + c) * H * W,
    scale,
    gap: Math.max(1, Math.floor(scale / 2)),
    rangeOf: maps.subarray(0, C * H * W),
  });
}

/** Digits [N, 28, 28] uint8 side by side, as they are (not normalised). */
export function digitStrip(images: Uint8Array, indices: readonly number[], side: number, scale: number): TensorImage {
  const values = new Float32Array(indices.length * side * side);
  indices.forEach((index, k) => values.set(images.subarray(index * side * side, (index + 1) * side * side), k * side * side));
  const image = tileGrid(values, {
    rows: 1,
    cols: indices.length,
    tileHeight: side,
    tileWidth: side,
    tileOffset: (_r, c) => c * side * side,
    scale,
    gap: scale,
    rangeOf: [0, 255],
  });
  return image;
}

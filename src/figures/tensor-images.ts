// Tensors as grayscale pictures for TensorBoard's Images tab: conv kernels as
// tile grids, weight matrices, feature maps, input digits. Pure functions from
// Float32Arrays to one byte per pixel (row-major), ready for a compact PNG:
// single matrices are plain grayscale; pictures with several tiles are indexed
// (a palette of 255 grays and one muted blue for the gaps between tiles, so
// that tiles stay apart whatever their values). Values are
// min–max normalised over the whole picture (black = minimum, white =
// maximum), so tiles within one picture are comparable. Each value becomes a
// square block of `scale`×`scale` pixels so that 5×5 kernels stay visible.
// Not here: PNG encoding (src/io/png.ts) and coloured, annotated figures.

export interface TensorImage {
  width: number;
  height: number;
  /** width × height bytes, row-major: gray levels, or indices into the palette. */
  pixels: Uint8Array;
  /** For tiled pictures: index v < 255 is the gray v·255/254, index 255 the gap colour. */
  palette?: readonly (readonly [number, number, number])[];
}

/** Colour of the gaps between tiles: not a gray, so never mistaken for a value. */
export const GAP_COLOR = [48, 84, 150] as const;
const GAP_INDEX = 255;
const TILE_PALETTE: readonly (readonly [number, number, number])[] = [
  ...Array.from({ length: 255 }, (_, v) => {
    const gray = Math.round((v * 255) / 254);
    return [gray, gray, gray] as const;
  }),
  GAP_COLOR,
];

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
  const width = cols * tileWidth * scale + (cols - 1) * gap;
  const height = rows * tileHeight * scale + (rows - 1) * gap;
  const pixels = new Uint8Array(width * height).fill(GAP_INDEX);
  // min → 0, max → top (255 gray levels beside the gap colour, or 256 without gaps); a constant picture is mid-gray.
  const top = gap > 0 ? 254 : 255;
  const { min, max } = range(layout.rangeOf ?? values);
  const factor = max === min ? 0 : top / (max - min);
  const offsetLevel = max === min ? Math.round(top / 2) + 0.5 : 0.5;
  const tileRowWidth = tileWidth * scale;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const offset = tileOffset(r, c);
      const x0 = c * (tileRowWidth + gap);
      const y0 = r * (tileHeight * scale + gap);
      for (let ty = 0; ty < tileHeight; ty++) {
        // Draw one source row once, then copy it to the other scale − 1 pixel rows.
        const first = (y0 + ty * scale) * width + x0;
        let p = first;
        for (let tx = 0; tx < tileWidth; tx++) {
          const level = ((values[offset + ty * tileWidth + tx] - min) * factor + offsetLevel) | 0;
          for (let k = 0; k < scale; k++) pixels[p++] = level;
        }
        for (let copy = 1; copy < scale; copy++) pixels.copyWithin(first + copy * width, first, first + tileRowWidth);
      }
    }
  }
  return gap > 0 ? { width, height, pixels, palette: TILE_PALETTE } : { width, height, pixels };
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

// The IDX format MNIST is distributed in, parsed from bytes in memory (in
// Node and in a page alike; idx.ts reads files and decompresses them).
//
// An IDX file is: two zero bytes, a type byte (0x08 = unsigned byte, the only
// type MNIST uses), a byte with the number of dimensions, then each dimension
// as a big-endian uint32, then the data. Images files therefore start with the
// magic 0x00000803 = 2051 ([count, rows, cols]); labels files with
// 0x00000801 = 2049 ([count]). It knows nothing about what the images show.

import type { ImageSet } from "./datasets.js";

export const IMAGES_MAGIC = 2051;
export const LABELS_MAGIC = 2049;

export interface IdxArray {
  /** e.g. [60000, 28, 28] for images, [60000] for labels. */
  dims: number[];
  data: Uint8Array;
}

/** An IDX file that cannot be read as what it was asked to be; the message names the file. */
export class IdxFormatError extends Error {
  constructor(readonly path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = "IdxFormatError";
  }
}

/** True when the bytes begin with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses uncompressed IDX bytes expected to hold `kind`. `source` names the
 * bytes in error messages.
 */
export function parseIdxData(raw: Uint8Array, kind: "images" | "labels", source: string): IdxArray {
  if (raw.length < 4) throw new IdxFormatError(source, `is ${raw.length} bytes long, too short for an IDX header`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0, false);
  const expected = kind === "images" ? IMAGES_MAGIC : LABELS_MAGIC;
  if (magic !== expected) {
    const what = magic === IMAGES_MAGIC ? " (an images file)" : magic === LABELS_MAGIC ? " (a labels file)" : "";
    throw new IdxFormatError(source,
      `wrong magic number ${magic}${what}; an IDX ${kind} file starts with ${expected}. Check that the file is the ${kind} file of the pair`);
  }
  const ndims = raw[3];
  const headerSize = 4 + 4 * ndims;
  if (raw.length < headerSize) throw new IdxFormatError(source, `is truncated inside its header (${raw.length} bytes)`);
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const size = dims.reduce((a, b) => a * b, 1);
  const available = raw.length - headerSize;
  if (available < size) {
    throw new IdxFormatError(source,
      `is truncated: its header promises ${dims.join("×")} = ${size} bytes of data, but only ${available} follow`);
  }
  if (available > size) {
    throw new IdxFormatError(source, `has ${available - size} bytes after the ${dims.join("×")} data its header describes`);
  }
  return { dims, data: raw.subarray(headerSize, headerSize + size) };
}

/**
 * The images and labels of one set as an ImageSet, checked to belong
 * together: 28×28 images (what LeNet-5 here takes), one label 0–9 per image.
 * The sources name the two in error messages.
 */
export function imageSetOf(images: IdxArray, labels: IdxArray, imagesSource: string, labelsSource: string): ImageSet {
  if (images.dims.length !== 3) {
    throw new IdxFormatError(imagesSource, `has ${images.dims.length} dimensions (${images.dims.join("×")}); images need 3 (count×rows×cols)`);
  }
  if (labels.dims.length !== 1) {
    throw new IdxFormatError(labelsSource, `has ${labels.dims.length} dimensions; labels need 1 (count)`);
  }
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new IdxFormatError(labelsSource, `holds ${labels.dims[0]} labels but ${imagesSource} holds ${count} images; the two files must come from the same set`);
  }
  if (rows !== 28 || cols !== 28) {
    throw new IdxFormatError(imagesSource, `holds ${rows}×${cols} images; LeNet-5 here takes 28×28 (MNIST format)`);
  }
  for (let i = 0; i < count; i++) {
    if (labels.data[i] > 9) {
      throw new IdxFormatError(labelsSource, `label ${i} is ${labels.data[i]}; labels must be 0–9`);
    }
  }
  return { images: images.data, labels: labels.data, count, rows, cols };
}

// Reading IDX files (raw or gzip-compressed) into memory as uint8; the format
// itself is parsed by idx-format.ts.

import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { IdxArray, IdxFormatError, isGzip, parseIdxData } from "./idx-format.js";

export { IMAGES_MAGIC, LABELS_MAGIC, IdxFormatError, isGzip, type IdxArray } from "./idx-format.js";

/**
 * Parses IDX bytes (gzip-compressed or not) expected to hold `kind`.
 * `source` names the bytes in error messages.
 */
export function parseIdx(bytes: Uint8Array, kind: "images" | "labels", source: string): IdxArray {
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipSync(bytes);
    } catch (error) {
      throw new IdxFormatError(source, `looks gzip-compressed but does not decompress (${(error as Error).message}); the download may be incomplete`);
    }
  }
  return parseIdxData(raw, kind, source);
}

/** Reads and parses one IDX file. */
export function readIdxFile(path: string, kind: "images" | "labels"): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new IdxFormatError(path, "does not exist");
    if (code === "EISDIR") throw new IdxFormatError(path, "is a directory, not an IDX file");
    throw new IdxFormatError(path, `cannot be read (${(error as Error).message})`);
  }
  return parseIdx(bytes, kind, path);
}

// Makes small IDX files for tests (the format as the MNIST site describes it),
// independently of the reader under test.

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export function idxBytes(magic: number, dims: number[], data: Uint8Array): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

export function tempDir(prefix = "lenet-lab-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A data directory with `train` and `test` images whose pixel values encode image index and label. */
export function writeTinyDataset(options: { train?: number; test?: number; gzip?: boolean } = {}): string {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  const write = (name: string, bytes: Uint8Array) =>
    writeFileSync(join(dir, options.gzip ? `${name}.gz` : name), options.gzip ? gzipSync(bytes) : bytes);
  for (const [prefix, count] of [["train", options.train ?? 20], ["t10k", options.test ?? 10]] as const) {
    const images = new Uint8Array(count * 784);
    const labels = new Uint8Array(count);
    for (let n = 0; n < count; n++) {
      labels[n] = n % 10;
      for (let p = 0; p < 784; p++) images[n * 784 + p] = (n * 7 + p) % 256;
    }
    write(`${prefix}-images-idx3-ubyte`, idxBytes(2051, [count, 28, 28], images));
    write(`${prefix}-labels-idx1-ubyte`, idxBytes(2049, [count], labels));
  }
  return dir;
}

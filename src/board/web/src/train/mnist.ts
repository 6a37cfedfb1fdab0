// MNIST in a page: the four IDX files fetched from beside the page
// (playground/mnist/, served by the board or written by `lenet-lab
// playground`), gzip-compressed or raw, parsed as Node parses them.

import type { Dataset, ImageSet } from "../../../../data/datasets.js";
import { IdxFormatError, isGzip, parseIdxData } from "../../../../data/idx-format.js";

/** The IDX files, as the page finds them under its data URL. */
export const MNIST_FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

async function fetchIdx(base: string, name: string, kind: "images" | "labels") {
  const url = new URL(name, base).href;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load MNIST's ${name} from ${url}: HTTP ${response.status}`);
  let bytes = new Uint8Array(await response.arrayBuffer());
  if (isGzip(bytes)) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return parseIdxData(bytes, kind, url);
}

async function fetchImageSet(base: string, imagesName: string, labelsName: string): Promise<ImageSet> {
  const [images, labels] = await Promise.all([fetchIdx(base, imagesName, "images"), fetchIdx(base, labelsName, "labels")]);
  const [count, rows, cols] = images.dims;
  if (images.dims.length !== 3 || rows !== 28 || cols !== 28) throw new IdxFormatError(imagesName, `holds ${images.dims.join("×")} values, not 28×28 images`);
  if (labels.dims[0] !== count) throw new IdxFormatError(labelsName, `holds ${labels.dims[0]} labels for ${count} images`);
  return { images: images.data, labels: labels.data, count, rows, cols };
}

/** The real MNIST from the IDX files under `base` (a URL ending in "/"). */
export async function fetchMnist(base: string): Promise<Dataset> {
  const [train, test] = await Promise.all([
    fetchImageSet(base, MNIST_FILES.trainImages, MNIST_FILES.trainLabels),
    fetchImageSet(base, MNIST_FILES.testImages, MNIST_FILES.testLabels),
  ]);
  return { name: "mnist", directory: base, classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], train, test };
}

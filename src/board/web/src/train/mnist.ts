// MNIST in a page: the four IDX files fetched from beside the page (under
// playground/, served by the board raw or written gzip-compressed by
// `lenet-lab playground`), parsed as Node parses them.

import type { Dataset, ImageSet } from "../../../../data/datasets.js";
import { imageSetOf, isGzip, parseIdxData } from "../../../../data/idx-format.js";
import type { PlaygroundSettings } from "../../../playground-settings.js";

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
  return imageSetOf(images, labels, imagesName, labelsName);
}

/** The real MNIST from the IDX files `files` names, relative to `base` (a URL ending in "/"). */
export async function fetchMnist(base: string, files: PlaygroundSettings["mnist"]): Promise<Dataset> {
  const [train, test] = await Promise.all([
    fetchImageSet(base, files.trainImages, files.trainLabels),
    fetchImageSet(base, files.testImages, files.testLabels),
  ]);
  return { name: "mnist", directory: base, classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], train, test };
}

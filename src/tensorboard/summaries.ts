// Builders of `Summary.Value`s, one per kind of summary TensorBoard shows:
// scalars, histograms, images and text. Pure functions, no I/O.
//
// Scalars, histograms and images use the classic fields (simple_value, histo,
// image) that every TensorBoard version reads; its loader turns them into the
// scalars / histograms / images plugins' data. Text has no classic field, so
// it is a string tensor tagged with the text plugin's metadata.
// Not here: hparams (hparams.ts), the projector (projector.ts), writing.

import { encodePng, toPixelBytes, type PngChannels } from "../io/png.js";
import { buildHistogram, type HistogramBins } from "./histogram.js";
import { DataClass, DataType, type SummaryValue } from "./messages.js";

function checkTag(tag: string): void {
  if (typeof tag !== "string" || tag.length === 0) throw new TypeError("a summary tag must be a non-empty string");
}

/** A scalar (stored as float32, like every TensorBoard scalar). */
export function scalarSummary(tag: string, value: number): SummaryValue {
  checkTag(tag);
  if (typeof value !== "number") throw new TypeError(`scalar ${tag}: value must be a number, got ${typeof value}`);
  return { tag, simpleValue: value };
}

/** A histogram of `values`; see buildHistogram for `bins`. */
export function histogramSummary(tag: string, values: ArrayLike<number>, bins: HistogramBins = "tensorflow"): SummaryValue {
  checkTag(tag);
  try {
    return { tag, histo: buildHistogram(values, bins) };
  } catch (error) {
    if (error instanceof RangeError) throw new RangeError(`histogram ${tag}: ${error.message}`);
    throw error;
  }
}

/** Size of an image summary. */
export interface ImageShape {
  width: number;
  height: number;
  /** 1 gray, 3 RGB (4 RGBA also works). */
  channels: PngChannels;
  /** With channels 1: the bytes index these RGB colours (an indexed PNG). */
  palette?: readonly (readonly [number, number, number])[];
}

/**
 * An image, PNG-encoded. `pixels` are row-major HWC: bytes 0..255 in a
 * Uint8Array, or intensities in [0, 1] in any other numeric array.
 */
export function imageSummary(tag: string, pixels: ArrayLike<number>, shape: ImageShape): SummaryValue {
  checkTag(tag);
  const png = encodePng({ ...shape, data: toPixelBytes(pixels) });
  return {
    tag,
    image: { width: shape.width, height: shape.height, colorspace: shape.palette ? 3 : shape.channels, encodedImageString: png },
  };
}

const TEXT_PLUGIN = "text";

/** Markdown text, as the text plugin stores it: a scalar DT_STRING tensor. */
export function textSummary(tag: string, markdown: string): SummaryValue {
  checkTag(tag);
  if (typeof markdown !== "string") throw new TypeError(`text ${tag}: value must be a string`);
  return {
    tag,
    // TextPluginData{version: 0} serializes to zero bytes.
    metadata: { pluginData: { pluginName: TEXT_PLUGIN, content: new Uint8Array(0) }, dataClass: DataClass.TENSOR },
    tensor: { dtype: DataType.DT_STRING, tensorShape: {}, stringVal: [new TextEncoder().encode(markdown)] },
  };
}

/** Reads a scalar back from a Summary.Value: simple_value, or a one-element float/double tensor. */
export function scalarOf(value: SummaryValue): number | undefined {
  if (value.simpleValue !== undefined) return value.simpleValue;
  const tensor = value.tensor;
  if (tensor?.floatVal?.length === 1) return tensor.floatVal[0];
  if (tensor?.doubleVal?.length === 1) return tensor.doubleVal[0];
  if (tensor?.tensorContent && tensor.dtype === DataType.DT_FLOAT && tensor.tensorContent.length === 4) {
    return new DataView(tensor.tensorContent.buffer, tensor.tensorContent.byteOffset, 4).getFloat32(0, true);
  }
  return undefined;
}

/** Reads a text summary back (the first string of its tensor). */
export function textOf(value: SummaryValue): string | undefined {
  const bytes = value.tensor?.stringVal?.[0];
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

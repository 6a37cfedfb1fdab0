// What one Summary.Value means to the dashboard, whoever wrote it: the classic
// fields (simple_value, histo, image) that lenet-lab, PyTorch and TF1 write,
// and TF2's tensors whose kind is given by the plugin name in the metadata.
// TF2 writes that metadata only with the first value of a tag in a file, so
// the caller remembers each tag's plugin and passes it back in.
//
//   plugin "scalars"     a one-element float/double/int tensor
//   plugin "histograms"  a [k, 3] tensor of (left edge, right edge, count)
//   plugin "images"      a string tensor [width, height, png, png, …]
//   plugin "text"        a string tensor (its strings joined by newlines)
//   plugin "hparams"     session_start_info → hyperparameter values
// Pure functions, no I/O. Not here: storing the values (run-store.ts).

import { decodeHParamsPluginData, DataType, type StructValue } from "../tensorboard/messages.js";
import { int64ToNumber } from "./event-scanner.js";

/** A histogram as the dashboard keeps it: right edges and counts of the buckets. */
export interface HistogramData {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  /** Right edge of each bucket; bucket i spans (limits[i-1], limits[i]] (the first from `min`). */
  limits: number[];
  counts: number[];
}

export type ClassifiedValue =
  | { kind: "scalar"; value: number }
  | { kind: "histogram"; histogram: HistogramData }
  | { kind: "images"; width: number; height: number; pngs: Uint8Array[] }
  | { kind: "text"; text: string }
  | { kind: "hparams"; hparams: Record<string, string | number | boolean> }
  | { kind: "ignored"; reason: string };

// Raw protobufjs messages, typed loosely: the schema is loaded from .proto
// text at run time (src/tensorboard/schema.ts), so there are no static types
// of its messages to check these reads against.
type Raw = any;

function numbersOfTensor(tensor: Raw): number[] {
  if (tensor.floatVal?.length) return Array.from(tensor.floatVal as number[]);
  if (tensor.doubleVal?.length) return Array.from(tensor.doubleVal as number[]);
  if (tensor.intVal?.length) return Array.from(tensor.intVal as number[]);
  if (tensor.int64Val?.length) return (tensor.int64Val as unknown[]).map(int64ToNumber);
  const content: Uint8Array | undefined = tensor.tensorContent;
  if (!content || content.length === 0) return [];
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  const out: number[] = [];
  switch (tensor.dtype) {
    case DataType.DT_FLOAT: for (let i = 0; i + 4 <= content.length; i += 4) out.push(view.getFloat32(i, true)); break;
    case DataType.DT_DOUBLE: for (let i = 0; i + 8 <= content.length; i += 8) out.push(view.getFloat64(i, true)); break;
    case DataType.DT_INT32: for (let i = 0; i + 4 <= content.length; i += 4) out.push(view.getInt32(i, true)); break;
    case DataType.DT_INT64: for (let i = 0; i + 8 <= content.length; i += 8) out.push(Number(view.getBigInt64(i, true))); break;
    default: break;
  }
  return out;
}

function structToPlain(value: StructValue | undefined): string | number | boolean {
  if (!value) return "";
  if (value.numberValue !== undefined && value.numberValue !== null) return value.numberValue;
  if (value.boolValue !== undefined && value.boolValue !== null) return value.boolValue;
  if (value.stringValue !== undefined && value.stringValue !== null) return value.stringValue;
  return "";
}

/** A histogram from TF2's [k, 3] tensor of (left, right, count) rows. */
export function histogramFromTriples(values: number[]): HistogramData | undefined {
  if (values.length === 0 || values.length % 3 !== 0) return undefined;
  const limits: number[] = [];
  const counts: number[] = [];
  let num = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i += 3) {
    const [left, right, count] = [values[i]!, values[i + 1]!, values[i + 2]!];
    limits.push(right);
    counts.push(count);
    num += count;
    sum += count * (left + right) / 2;
  }
  return { min: values[0]!, max: values[values.length - 2]!, num, sum, sumSquares: NaN, limits, counts };
}

/** The plugin named by a value's metadata, if any. */
export function pluginNameOf(value: Raw): string | undefined {
  const name = value.metadata?.pluginData?.pluginName;
  return typeof name === "string" && name.length > 0 ? name : undefined;
}

/**
 * Classifies a raw Summary.Value. `plugin` is the plugin of this tag, from
 * this value's metadata or remembered from an earlier value of the tag.
 */
export function classifyValue(value: Raw, plugin: string | undefined): ClassifiedValue {
  switch (value.value as string | undefined) {
    case "simpleValue":
      return { kind: "scalar", value: value.simpleValue as number };
    case "histo": {
      const h = value.histo;
      return {
        kind: "histogram",
        histogram: {
          min: h.min, max: h.max, num: h.num, sum: h.sum, sumSquares: h.sumSquares,
          limits: Array.from(h.bucketLimit as number[]), counts: Array.from(h.bucket as number[]),
        },
      };
    }
    case "image": {
      const image = value.image;
      return { kind: "images", width: image.width, height: image.height, pngs: [image.encodedImageString as Uint8Array] };
    }
    case "tensor":
      return classifyTensor(value.tensor, plugin, value.metadata?.pluginData?.content);
    default:
      return { kind: "ignored", reason: "a value with no data" };
  }
}

function classifyTensor(tensor: Raw, plugin: string | undefined, content: Uint8Array | undefined): ClassifiedValue {
  switch (plugin) {
    case "scalars": {
      const numbers = numbersOfTensor(tensor);
      return numbers.length === 1 ? { kind: "scalar", value: numbers[0]! } : { kind: "ignored", reason: `a scalar tensor with ${numbers.length} values` };
    }
    case "histograms": {
      const histogram = histogramFromTriples(numbersOfTensor(tensor));
      return histogram ? { kind: "histogram", histogram } : { kind: "ignored", reason: "a histogram tensor that is not [k, 3]" };
    }
    case "images": {
      const strings: Uint8Array[] = tensor.stringVal ?? [];
      if (strings.length < 2) return { kind: "ignored", reason: "an image tensor without width and height" };
      const decoder = new TextDecoder();
      const width = Number(decoder.decode(strings[0]));
      const height = Number(decoder.decode(strings[1]));
      return { kind: "images", width, height, pngs: strings.slice(2) };
    }
    case "text": {
      const strings: Uint8Array[] = tensor.stringVal ?? [];
      const decoder = new TextDecoder();
      return { kind: "text", text: strings.map((s) => decoder.decode(s)).join("\n") };
    }
    case "hparams": {
      if (!content || content.length === 0) return { kind: "ignored", reason: "hparams without content" };
      const data = decodeHParamsPluginData(content);
      const start = data.sessionStartInfo?.hparams;
      if (!start) return { kind: "ignored", reason: "hparams experiment or session end" };
      const hparams: Record<string, string | number | boolean> = {};
      for (const [name, v] of Object.entries(start)) hparams[name] = structToPlain(v);
      return { kind: "hparams", hparams };
    }
    case undefined: {
      // TF1's tensor summaries without a plugin: a scalar if it holds exactly one number.
      const numbers = numbersOfTensor(tensor);
      return numbers.length === 1 ? { kind: "scalar", value: numbers[0]! } : { kind: "ignored", reason: "a tensor without plugin metadata" };
    }
    default:
      return { kind: "ignored", reason: `plugin ${plugin} is not shown by this dashboard` };
  }
}

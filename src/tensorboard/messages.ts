// Typed views of the TensorBoard messages, and pure encode/decode functions
// (plain objects <-> protobuf bytes) built on the schema in schema.ts.
//
// Field names are protobufjs's camelCase of the `.proto` names
// (`wall_time` -> `wallTime`). int64 fields are plain numbers (safe integers).
// Not here: TFRecord framing (record.ts), summary construction (summaries.ts).

import { types } from "./schema.js";
import type protobuf from "protobufjs";

/** tensorboard.DataClass */
export const DataClass = { UNKNOWN: 0, SCALAR: 1, TENSOR: 2, BLOB_SEQUENCE: 3 } as const;
/** tensorboard.DataType (the subset in the schema) */
export const DataType = { DT_FLOAT: 1, DT_DOUBLE: 2, DT_INT32: 3, DT_UINT8: 4, DT_STRING: 7, DT_INT64: 9, DT_BOOL: 10 } as const;

export interface PluginData {
  pluginName?: string;
  content?: Uint8Array;
}
export interface SummaryMetadata {
  pluginData?: PluginData;
  displayName?: string;
  summaryDescription?: string;
  dataClass?: number;
}
export interface ImageMessage {
  height?: number;
  width?: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA */
  colorspace?: number;
  encodedImageString?: Uint8Array;
}
export interface HistogramMessage {
  min?: number;
  max?: number;
  num?: number;
  sum?: number;
  sumSquares?: number;
  /** Right edge of each bucket. */
  bucketLimit?: number[];
  /** Count of each bucket. */
  bucket?: number[];
}
export interface TensorShape {
  dim?: { size?: number; name?: string }[];
  unknownRank?: boolean;
}
export interface TensorMessage {
  dtype?: number;
  tensorShape?: TensorShape;
  tensorContent?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  stringVal?: Uint8Array[];
  int64Val?: number[];
  boolVal?: boolean[];
}
/** One entry of a Summary: exactly one of simpleValue, image, histo, tensor. */
export interface SummaryValue {
  tag: string;
  nodeName?: string;
  metadata?: SummaryMetadata;
  simpleValue?: number;
  image?: ImageMessage;
  histo?: HistogramMessage;
  tensor?: TensorMessage;
}
export interface SessionLog {
  /** 1 START, 2 STOP, 3 CHECKPOINT */
  status?: number;
  checkpointPath?: string;
  msg?: string;
}
/** tensorboard.Event: exactly one of fileVersion, graphDef, summary, sessionLog. */
export interface EventMessage {
  wallTime: number;
  step?: number;
  fileVersion?: string;
  graphDef?: Uint8Array;
  summary?: { value?: SummaryValue[] };
  sessionLog?: SessionLog;
  sourceMetadata?: { writer?: string };
}

/** A google.protobuf.Value as protobufjs sees it. */
export interface StructValue {
  nullValue?: number;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  listValue?: { values?: StructValue[] };
}
export interface HParamInfo {
  name: string;
  displayName?: string;
  description?: string;
  /** 1 string, 2 bool, 3 float64 */
  type?: number;
  domainDiscrete?: { values?: StructValue[] };
  domainInterval?: { minValue?: number; maxValue?: number };
}
export interface MetricInfo {
  name: { group?: string; tag: string };
  displayName?: string;
  description?: string;
  datasetType?: number;
}
/** tensorboard.hparams.HParamsPluginData: exactly one of the three data fields. */
export interface HParamsPluginData {
  version?: number;
  experiment?: {
    name?: string;
    description?: string;
    user?: string;
    timeCreatedSecs?: number;
    hparamInfos?: HParamInfo[];
    metricInfos?: MetricInfo[];
  };
  sessionStartInfo?: {
    hparams?: Record<string, StructValue>;
    modelUri?: string;
    monitorUrl?: string;
    groupName?: string;
    startTimeSecs?: number;
  };
  sessionEndInfo?: { status?: number; endTimeSecs?: number };
}

// Scalar fields get their proto3 defaults (0, "", false); absent sub-messages
// come out as null from protobufjs and are removed by dropNulls.
const toObjectOptions: protobuf.IConversionOptions = { longs: Number, enums: Number, defaults: true };

function dropNulls(value: unknown): void {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === "object") dropNulls(item);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (record[key] === null) delete record[key];
    else dropNulls(record[key]);
  }
}

function encodeWith(type: protobuf.Type, value: object): Uint8Array {
  const problem = type.verify(value);
  if (problem) throw new TypeError(`invalid ${type.name}: ${problem}`);
  return type.encode(type.fromObject(value)).finish();
}

function decodeWith<T>(type: protobuf.Type, bytes: Uint8Array): T {
  const object = type.toObject(type.decode(bytes), toObjectOptions);
  dropNulls(object);
  return object as T;
}

/** Serializes an Event. Throws a TypeError if a field has the wrong type. */
export function encodeEvent(event: EventMessage): Uint8Array {
  return encodeWith(types.Event, event);
}

/**
 * Parses a serialized Event (throws on malformed bytes). Fields that are not
 * part of a oneof come back with their proto3 defaults when absent
 * (e.g. `step: 0`, `histo.min: 0`); of each oneof only the set member appears.
 */
export function decodeEvent(bytes: Uint8Array): EventMessage {
  return decodeWith<EventMessage>(types.Event, bytes);
}

/** Serializes the hparams plugin's content message. */
export function encodeHParamsPluginData(data: HParamsPluginData): Uint8Array {
  return encodeWith(types.HParamsPluginData, data);
}

/** Parses the hparams plugin's content message. */
export function decodeHParamsPluginData(bytes: Uint8Array): HParamsPluginData {
  return decodeWith<HParamsPluginData>(types.HParamsPluginData, bytes);
}

/** A graph node, for `encodeGraphDef` (attrs are AttrValue objects, e.g. `{ s: bytes }`). */
export interface NodeDef {
  name: string;
  op: string;
  input?: string[];
  device?: string;
  attr?: Record<string, object>;
}

/** Serializes a GraphDef (for `Event.graphDef`). */
export function encodeGraphDef(graph: { node: NodeDef[]; versions?: { producer?: number } }): Uint8Array {
  return encodeWith(types.GraphDef, graph);
}

/** Parses a serialized GraphDef. */
export function decodeGraphDef(bytes: Uint8Array): { node?: NodeDef[]; versions?: { producer?: number } } {
  return decodeWith(types.GraphDef, bytes);
}

// Summaries of the HParams plugin: the experiment (which hyperparameters and
// metrics exist), a session's start (this run's hyperparameter values) and its
// end (status). Pure functions, no I/O.
//
// TensorBoard treats every run holding a `_hparams_/session_start_info` as one
// session, and reads each metric as the last value of the scalar tag of that
// name in the session's run (or in its sub-runs). The plugin uses the first
// `_hparams_/experiment` it finds, so every run of a grid should describe the
// same hyperparameter names and metrics (no domains are written, so the
// descriptions are identical across runs).
// Not here: writing them (summary-writer.ts).

import { encodeHParamsPluginData, DataClass, DataType, type HParamsPluginData, type StructValue, type SummaryValue } from "./messages.js";

/** A hyperparameter value, as TensorBoard can show and filter it. */
export type HParamValue = string | number | boolean;

export const HPARAMS_PLUGIN = "hparams";
export const EXPERIMENT_TAG = "_hparams_/experiment";
export const SESSION_START_INFO_TAG = "_hparams_/session_start_info";
export const SESSION_END_INFO_TAG = "_hparams_/session_end_info";

/** tensorboard.hparams.Status */
export const SessionStatus = { UNKNOWN: 0, SUCCESS: 1, FAILURE: 2, RUNNING: 3 } as const;
const HParamType = { STRING: 1, BOOL: 2, FLOAT64: 3 } as const;

function structValue(name: string, value: HParamValue): StructValue {
  switch (typeof value) {
    case "string": return { stringValue: value };
    case "boolean": return { boolValue: value };
    case "number":
      if (!Number.isFinite(value)) throw new RangeError(`hparam ${name} must be finite, got ${value}`);
      return { numberValue: value };
    default: throw new TypeError(`hparam ${name} must be a string, number or boolean`);
  }
}

function hparamType(value: HParamValue): number {
  if (typeof value === "string") return HParamType.STRING;
  return typeof value === "boolean" ? HParamType.BOOL : HParamType.FLOAT64;
}

function pluginSummary(tag: string, data: HParamsPluginData): SummaryValue {
  return {
    tag,
    metadata: {
      pluginData: { pluginName: HPARAMS_PLUGIN, content: encodeHParamsPluginData({ version: 0, ...data }) },
      dataClass: DataClass.TENSOR,
    },
    // The plugin stores no data in the tensor: an empty float tensor of shape [0].
    tensor: { dtype: DataType.DT_FLOAT, tensorShape: { dim: [{ size: 0 }] } },
  };
}

/** The experiment: the names and types of the hyperparameters, and the metric tags. */
export function experimentSummary(hparams: Record<string, HParamValue>, metricTags: readonly string[], timeCreatedSecs: number): SummaryValue {
  const hparamInfos = Object.entries(hparams).map(([name, value]) => ({ name, type: hparamType(value) }));
  const metricInfos = metricTags.map((tag) => ({ name: { group: "", tag } }));
  return pluginSummary(EXPERIMENT_TAG, { experiment: { timeCreatedSecs, hparamInfos, metricInfos } });
}

/** This run's hyperparameter values. */
export function sessionStartSummary(hparams: Record<string, HParamValue>, startTimeSecs: number, groupName = ""): SummaryValue {
  const values: Record<string, StructValue> = {};
  for (const [name, value] of Object.entries(hparams)) values[name] = structValue(name, value);
  return pluginSummary(SESSION_START_INFO_TAG, { sessionStartInfo: { hparams: values, groupName, startTimeSecs } });
}

/** How the run ended. */
export function sessionEndSummary(status: number, endTimeSecs: number): SummaryValue {
  return pluginSummary(SESSION_END_INFO_TAG, { sessionEndInfo: { status, endTimeSecs } });
}

// The protocol-buffer schema of the TensorBoard messages lenet-lab writes and
// reads, kept as `.proto` text inside a TypeScript module so that it ships in
// `dist/` with no copy step, and loaded once with protobufjs.
//
// It is a subset written for this project: only the messages and fields we
// use, with the field numbers TensorBoard itself uses (tensorboard/compat/proto
// event.proto, summary.proto, histogram.proto, tensor.proto, tensor_shape.proto,
// types.proto, graph.proto, node_def.proto, attr_value.proto, versions.proto and
// tensorboard/plugins/hparams plugin_data.proto, api.proto). Unknown fields in
// files written by other tools are skipped by the decoder.
//
// Not here: encoding helpers (messages.ts) and anything stateful.

import protobuf from "protobufjs";

/** The `.proto` text of the TensorBoard subset (proto3). */
export const TENSORBOARD_PROTO = `
syntax = "proto3";
package tensorboard;

// ---- event.proto -----------------------------------------------------------
message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    bytes graph_def = 4;          // a serialized GraphDef
    Summary summary = 5;
    SessionLog session_log = 7;
  }
  SourceMetadata source_metadata = 10;
}
message SourceMetadata {
  string writer = 1;
}
message SessionLog {
  enum SessionStatus {
    STATUS_UNSPECIFIED = 0;
    START = 1;
    STOP = 2;
    CHECKPOINT = 3;
  }
  SessionStatus status = 1;
  string checkpoint_path = 2;
  string msg = 3;
}

// ---- summary.proto -----------------------------------------------------------
enum DataClass {
  DATA_CLASS_UNKNOWN = 0;
  DATA_CLASS_SCALAR = 1;
  DATA_CLASS_TENSOR = 2;
  DATA_CLASS_BLOB_SEQUENCE = 3;
}
message SummaryMetadata {
  message PluginData {
    string plugin_name = 1;
    bytes content = 2;
  }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
  DataClass data_class = 4;
}
message Summary {
  message Image {
    int32 height = 1;
    int32 width = 2;
    int32 colorspace = 3;         // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    bytes encoded_image_string = 4;
  }
  message Value {
    string node_name = 7;
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      Image image = 4;
      HistogramProto histo = 5;
      TensorProto tensor = 8;
    }
  }
  repeated Value value = 1;
}

// ---- histogram.proto -----------------------------------------------------------
message HistogramProto {
  double min = 1;
  double max = 2;
  double num = 3;
  double sum = 4;
  double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true];   // right edge of bucket i
  repeated double bucket = 7 [packed = true];         // count of bucket i
}

// ---- types.proto, tensor_shape.proto, tensor.proto ----------------------------
enum DataType {
  DT_INVALID = 0;
  DT_FLOAT = 1;
  DT_DOUBLE = 2;
  DT_INT32 = 3;
  DT_UINT8 = 4;
  DT_STRING = 7;
  DT_INT64 = 9;
  DT_BOOL = 10;
}
message TensorShapeProto {
  message Dim {
    int64 size = 1;
    string name = 2;
  }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}
message TensorProto {
  DataType dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated float float_val = 5 [packed = true];
  repeated double double_val = 6 [packed = true];
  repeated int32 int_val = 7 [packed = true];
  repeated bytes string_val = 8;
  repeated int64 int64_val = 10 [packed = true];
  repeated bool bool_val = 11 [packed = true];
}

// ---- graph.proto, node_def.proto, attr_value.proto, versions.proto ------------
message GraphDef {
  repeated NodeDef node = 1;
  VersionDef versions = 4;
}
message VersionDef {
  int32 producer = 1;
  int32 min_consumer = 2;
  repeated int32 bad_consumers = 3;
}
message NodeDef {
  string name = 1;
  string op = 2;
  repeated string input = 3;
  string device = 4;
  map<string, AttrValue> attr = 5;
}
message AttrValue {
  message ListValue {
    repeated bytes s = 2;
    repeated int64 i = 3 [packed = true];
    repeated float f = 4 [packed = true];
    repeated bool b = 5 [packed = true];
    repeated DataType type = 6 [packed = true];
    repeated TensorShapeProto shape = 7;
    repeated TensorProto tensor = 8;
  }
  oneof value {
    ListValue list = 1;
    bytes s = 2;
    int64 i = 3;
    float f = 4;
    bool b = 5;
    DataType type = 6;
    TensorShapeProto shape = 7;
    TensorProto tensor = 8;
    string placeholder = 9;
  }
}
`;

/** The hparams plugin's messages (package tensorboard.hparams). */
export const HPARAMS_PROTO = `
syntax = "proto3";
package tensorboard.hparams;
import "google/protobuf/struct.proto";

// ---- plugin_data.proto ----------------------------------------------------------
message HParamsPluginData {
  int32 version = 1;
  oneof data {
    Experiment experiment = 2;
    SessionStartInfo session_start_info = 3;
    SessionEndInfo session_end_info = 4;
  }
}
message SessionStartInfo {
  map<string, google.protobuf.Value> hparams = 1;
  string model_uri = 2;
  string monitor_url = 3;
  string group_name = 4;
  double start_time_secs = 5;
}
message SessionEndInfo {
  Status status = 1;
  double end_time_secs = 2;
}

// ---- api.proto --------------------------------------------------------------------
message Experiment {
  string name = 6;
  string description = 1;
  string user = 2;
  double time_created_secs = 3;
  repeated HParamInfo hparam_infos = 4;
  repeated MetricInfo metric_infos = 5;
}
message HParamInfo {
  string name = 1;
  string display_name = 2;
  string description = 3;
  DataType type = 4;
  oneof domain {
    google.protobuf.ListValue domain_discrete = 5;
    Interval domain_interval = 6;
  }
}
enum DataType {
  DATA_TYPE_UNSET = 0;
  DATA_TYPE_STRING = 1;
  DATA_TYPE_BOOL = 2;
  DATA_TYPE_FLOAT64 = 3;
}
message Interval {
  double min_value = 1;
  double max_value = 2;
}
message MetricName {
  string group = 1;
  string tag = 2;
}
message MetricInfo {
  MetricName name = 1;
  string display_name = 3;
  string description = 4;
  DatasetType dataset_type = 5;
}
enum DatasetType {
  DATASET_UNKNOWN = 0;
  DATASET_TRAINING = 1;
  DATASET_VALIDATION = 2;
}
enum Status {
  STATUS_UNKNOWN = 0;
  STATUS_SUCCESS = 1;
  STATUS_FAILURE = 2;
  STATUS_RUNNING = 3;
}
`;

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  // google.protobuf.Struct / Value / ListValue ship with protobufjs.
  protobuf.parse(`syntax = "proto3";`, root);
  const struct = protobuf.common.get("google/protobuf/struct.proto");
  if (!struct) throw new Error("protobufjs does not ship google/protobuf/struct.proto");
  root.addJSON(struct.nested as Record<string, protobuf.AnyNestedObject>);
  protobuf.parse(TENSORBOARD_PROTO, root);
  protobuf.parse(HPARAMS_PROTO, root);
  root.resolveAll();
  return root;
}

/** The loaded schema; look types up with `schemaRoot.lookupType("tensorboard.Event")`. */
export const schemaRoot: protobuf.Root = loadRoot();

/** The message types lenet-lab encodes and decodes. */
export const types = {
  Event: schemaRoot.lookupType("tensorboard.Event"),
  Summary: schemaRoot.lookupType("tensorboard.Summary"),
  SummaryMetadata: schemaRoot.lookupType("tensorboard.SummaryMetadata"),
  HistogramProto: schemaRoot.lookupType("tensorboard.HistogramProto"),
  TensorProto: schemaRoot.lookupType("tensorboard.TensorProto"),
  GraphDef: schemaRoot.lookupType("tensorboard.GraphDef"),
  HParamsPluginData: schemaRoot.lookupType("tensorboard.hparams.HParamsPluginData"),
} as const;

// lenet-lab as a library (`import … from "lenet-lab"`): create a LeNet-5,
// train it with callbacks and a learning-rate schedule, evaluate it, read a
// run directory, load a trained model, take fc2 features, export to ONNX.
// Importing has no side effects: no V8 flag is set and no thread started
// until something is called. TensorBoard logging for any program is the
// other entry point, `lenet-lab/tensorboard` (src/tensorboard/index.ts).

export { ACTIVATIONS, type ActivationName } from "../engine/layers/activations.js";
export { OPTIMIZERS, type OptimizerName } from "../optim/optimizers.js";
export { LENET_LAYERS, LENET_PARAMETERS, describeLayers, type LayerSpec, type LayerDescription } from "../engine/architecture.js";
export { createNetwork, disposeNetwork, BACKENDS, type BackendName, type NetworkOptions } from "../engine/backend.js";
export type { Network } from "../engine/network.js";
export type { ParameterSet, Parameter } from "../engine/parameters.js";
export { loadDataset, DATASET_NAMES, CLASS_NAMES, type Dataset, type DatasetName, type ImageSet } from "../data/datasets.js";
export { DEFAULT_CONFIG, ConfigError, resolveRunConfig, type RunConfig, type RunOptions } from "../train/config.js";
export { DivergenceError, type EvalRecord, type StepInfo } from "../train/trainer.js";
export { evaluateImageSet as evaluate, type EvalResult } from "../train/evaluate.js";
export { loadRun, readRunSummary, RunLoadError, type LoadedRun } from "../train/load-run.js";
export type { RunSummary, RunStatus } from "../train/run-directory.js";
export { readRunEvents } from "../tensorboard/run-events.js";
export { exportRun, type ExportedModel } from "../export/export-run.js";
export { encodeLeNetOnnx } from "../export/onnx-model.js";
export { trainLeNet, type TrainOptions, type TrainResult } from "./train.js";
export { fc2Features, fc2FeaturesOfPixels, FC2_FEATURES } from "./features.js";

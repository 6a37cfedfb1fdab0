// Checkpoints: everything a run needs to continue exactly where it stood, in
// one safetensors file (<run-dir>/checkpoint.safetensors), written atomically
// so that a crash leaves the previous checkpoint whole.
//
//   model.<name>        the parameters, PyTorch names and layouts (F32)
//   optimizer.<buffer>  the optimizer's per-parameter buffers, flat (F32)
//   sampler.order       the training-data order of the current epoch (I32)
//   __metadata__        "lenet-lab-checkpoint": JSON with the format version,
//                       the config, the iteration, the optimizer's step, the
//                       sampler's position and random state, the evaluation
//                       history and the logger's state

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LENET_PARAMETERS } from "../engine/architecture.js";
import { product, torchName } from "../engine/parameters.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { decodeSafetensors, encodeSafetensors, NamedTensor } from "../io/safetensors.js";
import { RunConfig } from "./config.js";
import { TrainingState } from "./trainer.js";

export const CHECKPOINT_FILE = "checkpoint.safetensors";
const FORMAT = 1;
const METADATA_KEY = "lenet-lab-checkpoint";

export interface Checkpoint {
  config: RunConfig;
  state: TrainingState;
  /** Whatever the run's logger needs to continue its running means. */
  logger?: unknown;
}

/** A checkpoint that cannot be used; the message names the file and what is wrong. */
export class CheckpointError extends Error {
  constructor(readonly path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = "CheckpointError";
  }
}

export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const { state } = checkpoint;
  const tensors: NamedTensor[] = [];
  let offset = 0;
  for (const spec of LENET_PARAMETERS) {
    const size = product(spec.shape);
    tensors.push({ name: `model.${torchName(spec.name)}`, shape: [...spec.shape], data: state.parameters.subarray(offset, offset + size) });
    offset += size;
  }
  for (const [key, buffer] of Object.entries(state.optimizer.buffers)) {
    tensors.push({ name: `optimizer.${key}`, shape: [buffer.length], data: buffer });
  }
  tensors.push({ name: "sampler.order", shape: [state.sampler.order.length], data: Int32Array.from(state.sampler.order) });
  const meta = {
    format: FORMAT,
    config: checkpoint.config,
    iteration: state.iteration,
    optimizerStep: state.optimizer.step,
    sampler: { epoch: state.sampler.epoch, position: state.sampler.position, random: state.sampler.random },
    history: state.history,
    window: state.window,
    trainMilliseconds: state.trainMilliseconds,
    elapsedMilliseconds: state.elapsedMilliseconds,
    logger: checkpoint.logger ?? null,
  };
  return encodeSafetensors(tensors, { [METADATA_KEY]: JSON.stringify(meta) });
}

/** Decodes a checkpoint of this LeNet-5; `source` names it in errors. */
export function decodeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  let decoded;
  try {
    decoded = decodeSafetensors(bytes, source);
  } catch (error) {
    throw new CheckpointError(source, `cannot be read (${(error as Error).message.replace(`${source}: `, "")}); ` +
      "it may be truncated. Start the run again with --overwrite, or resume from a copy of an intact checkpoint");
  }
  const text = decoded.metadata[METADATA_KEY];
  if (!text) throw new CheckpointError(source, "is a safetensors file but not a lenet-lab checkpoint (no checkpoint metadata)");
  const meta = JSON.parse(text);
  if (meta.format !== FORMAT) throw new CheckpointError(source, `has checkpoint format ${meta.format}; this lenet-lab reads format ${FORMAT}`);
  const tensors = new Map(decoded.tensors.map((t) => [t.name, t]));

  const parameters = new Float32Array(LENET_PARAMETERS.reduce((sum, p) => sum + product(p.shape), 0));
  let offset = 0;
  for (const spec of LENET_PARAMETERS) {
    const name = `model.${torchName(spec.name)}`;
    const tensor = tensors.get(name);
    if (!tensor) throw new CheckpointError(source, `lacks ${name}: it holds a different network than this LeNet-5`);
    if (tensor.shape.join() !== spec.shape.join()) {
      throw new CheckpointError(source, `holds a different network: ${name} is [${tensor.shape}], this LeNet-5 needs [${spec.shape}]`);
    }
    parameters.set(tensor.data, offset);
    offset += tensor.data.length;
  }
  const buffers: Record<string, Float32Array> = {};
  for (const t of decoded.tensors) {
    if (t.name.startsWith("optimizer.")) buffers[t.name.slice("optimizer.".length)] = t.data as Float32Array;
  }
  const order = tensors.get("sampler.order");
  if (!order) throw new CheckpointError(source, "lacks sampler.order, the training-data order");
  return {
    config: meta.config,
    logger: meta.logger ?? undefined,
    state: {
      iteration: meta.iteration,
      parameters,
      optimizer: { step: meta.optimizerStep, buffers },
      sampler: { ...meta.sampler, order: Array.from(order.data) },
      history: meta.history,
      window: meta.window,
      trainMilliseconds: meta.trainMilliseconds,
      elapsedMilliseconds: meta.elapsedMilliseconds,
    },
  };
}

export function writeCheckpoint(runDir: string, checkpoint: Checkpoint): void {
  writeFileAtomic(join(runDir, CHECKPOINT_FILE), encodeCheckpoint(checkpoint));
}

export function readCheckpoint(runDir: string): Checkpoint {
  const path = join(runDir, CHECKPOINT_FILE);
  if (!existsSync(path)) {
    throw new CheckpointError(path, "does not exist: this run has no checkpoint to resume from " +
      "(it stopped before its first one); start it again with --overwrite");
  }
  return decodeCheckpoint(readFileSync(path), path);
}

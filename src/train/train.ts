// Training a new network in this process: LeNet-5 made from the config on
// the chosen backend (wasm kernels on Node's worker threads, or the reference
// TypeScript), trained by the loop of trainer.ts.

import { Dataset } from "../data/datasets.js";
import { createNetwork } from "../engine/backend.js";
import { RunConfig } from "./config.js";
import { TrainOptions, TrainingResult, trainNetwork } from "./trainer.js";

/** Creates config's network and runs config.iterations training steps of it on dataset (see trainNetwork). */
export async function train(config: RunConfig, dataset: Dataset, options: TrainOptions = {}): Promise<TrainingResult> {
  const model = await createNetwork({
    backend: config.backend,
    threads: config.threads,
    activation: config.activation,
    initMean: config.initMean,
    initStd: config.initStd,
    seed: config.seed,
  });
  return trainNetwork(model, config, dataset, options);
}

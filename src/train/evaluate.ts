// Evaluation of a network on a whole image set (forward only, in large
// batches): the mean loss, the accuracy, and the confusion matrix of the
// predictions and the mistakes it was surest of (confusion.ts), which cost an
// argmax per image and a softmax per mistake.

import { ImageSet } from "../data/datasets.js";
import { forwardImageSet } from "./image-staging.js";
import { INPUT_VALUES_PER_IMAGE, LENET } from "../engine/architecture.js";
import { Network } from "../engine/network.js";
import { ConfusionMatrix, Mistake, addSurestMistakes, addToConfusion, emptyConfusion } from "./confusion.js";

export const EVAL_BATCH_SIZE = 500;

export interface EvalResult {
  /** Mean softmax cross-entropy over the set. */
  loss: number;
  /** Fraction of images whose argmax logit is the label. */
  accuracy: number;
  count: number;
  /** [true class][predicted class] counts over the set; its trace ÷ count is `accuracy`. */
  confusion: ConfusionMatrix;
  /** The SUREST_MISTAKES images it got wrong with the highest probability on its prediction, surest first. */
  surest: Mistake[];
}

/** Reusable input buffers for evaluation, so repeated evaluations allocate nothing. */
export class EvalBuffers {
  readonly input = new Float32Array(EVAL_BATCH_SIZE * INPUT_VALUES_PER_IMAGE);
  readonly labels = new Int32Array(EVAL_BATCH_SIZE);
  readonly indices = new Int32Array(EVAL_BATCH_SIZE);
}

/** Loss and accuracy of model on every image of set (the full test set, for MNIST 10,000). */
export function evaluateImageSet(model: Network, set: ImageSet, buffers = new EvalBuffers()): EvalResult {
  let totalLoss = 0;
  let correct = 0;
  const classes = LENET.classes;
  const confusion = emptyConfusion(classes);
  const surest: Mistake[] = [];
  for (let start = 0; start < set.count; start += EVAL_BATCH_SIZE) {
    const count = Math.min(EVAL_BATCH_SIZE, set.count - start);
    for (let k = 0; k < count; k++) buffers.indices[k] = start + k;
    const logits = forwardImageSet(model, set, buffers.indices, count, buffers.input, buffers.labels);
    addToConfusion(confusion, logits, buffers.labels, count, classes);
    addSurestMistakes(surest, logits, buffers.labels, count, classes, start);
    const result = model.loss(buffers.labels);
    totalLoss += result.loss * count;
    correct += result.correct;
  }
  return { loss: totalLoss / set.count, accuracy: correct / set.count, count: set.count, confusion, surest };
}

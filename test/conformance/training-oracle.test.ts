// The Done-when of the TensorBoard issue, checked by TensorBoard itself: a
// real 200-iteration training run (the built CLI, default summaries), read by
// TensorBoard's own loader with its server check, shows scalars, ≥ 10
// weight/bias histograms, the images, hparams, the projector and the graph,
// and no problems.

import { describe, expect, test } from "vitest";
import { lenetLab } from "../cli-process.js";
import { tempDir } from "../idx-files.js";
import { requireOracle, runOracle } from "./oracle.js";

const LAYERS = ["conv1", "conv2", "fc1", "fc2", "fc3"];

describe("a training run read by TensorBoard's own loader", () => {
  test("shows every expected tag under the right plugin, and no problems", (context) => {
    requireOracle(context);
    const logdir = tempDir();
    const train = lenetLab("train", "--iterations", "200", "--eval-every", "50", "--logdir", logdir);
    expect(train.code, train.stderr).toBe(0);

    const report = runOracle(logdir);
    expect(report.problems).toEqual([]);
    expect(report.run_names).toEqual(["relu-adam-lr0.01-it200"]);
    const run = report.runs["relu-adam-lr0.01-it200"];

    for (const tag of ["loss/train", "accuracy/train", "learning_rate"]) {
      expect(run.scalars[tag], tag).toMatchObject({ points: 20, first_step: 10, last_step: 200, steps_strictly_increasing: true });
    }
    for (const tag of ["loss/test", "accuracy/test"]) {
      expect(run.scalars[tag], tag).toMatchObject({ points: 4, first_step: 50, last_step: 200 });
    }
    expect(run.scalars["accuracy/test"].last_value).toBeGreaterThan(0.9);
    for (const layer of LAYERS) expect(run.scalars[`gradient_norm/${layer}`], layer).toMatchObject({ points: 20 });
    for (const layer of LAYERS.slice(0, 4)) expect(run.scalars[`dead_fraction/${layer}`], layer).toMatchObject({ points: 4 });

    const weightHistograms = Object.keys(run.histograms).filter((tag) => /^(conv|fc)\d\/(weight|bias)$/.test(tag));
    expect(weightHistograms.sort()).toEqual(LAYERS.flatMap((l) => [`${l}/bias`, `${l}/weight`]).sort());
    expect(run.histograms["fc1/weight"]).toMatchObject({ steps: 4, last_step: 200, last: { count: 48000 } });
    for (const tag of ["logits", "gradients/conv1/weight", "activations/fc2"]) expect(run.histograms[tag], tag).toBeDefined();

    // [width, height]: tiles × tile size × scale + gaps (see run-logger.ts and tensor-images.ts).
    const images: Record<string, [number, number]> = {
      "kernels/conv1": [6 * 5 * 8 + 5 * 4, 5 * 8], // 6 kernels 5×5 at ×8 in a row
      "kernels/conv2": [6 * 5 * 6 + 5 * 3, 16 * 5 * 6 + 15 * 3], // 16 rows × 6 columns at ×6
      "weights/fc1": [120, 400], // inputs down, outputs across
      "weights/fc2": [84 * 3, 120 * 3],
      "weights/fc3": [10 * 4, 84 * 4],
      "feature_maps/conv1": [6 * 28 * 3 + 5 * 1, 28 * 3], // 6 maps 28×28 at ×3 in a row
      "feature_maps/conv2": [8 * 10 * 6 + 7 * 3, 2 * 10 * 6 + 3], // 16 maps 10×10 at ×6, 8 per row
      inputs: [3 * 28 * 4 + 2 * 4, 28 * 4], // three digits at ×4
      "confusion/test": [16 + 10 * 40 + 1, 16 + 10 * 22 + 1], // 10 × 10 cells of 40 × 22 after a 16-pixel margin for the class numbers
    };
    for (let d = 0; d < 10; d++) expect(run.scalars[`accuracy_per_class/${d}`], `accuracy_per_class/${d}`).toMatchObject({ points: 4, last_step: 200 });
    for (const [tag, [width, height]] of Object.entries(images)) {
      expect(run.images[tag], tag).toMatchObject({ width, height, last_images: [{ decoded: true, matches_declared_size: true }] });
    }

    expect(run.hparams).toMatchObject({
      session_start_info: { hparams: { activation: "relu", optimizer: "adam", lr: 0.01 } },
      session_end_info: { status: "STATUS_SUCCESS" },
    });
    expect(report.projector.runs["relu-adam-lr0.01-it200"].embeddings).toMatchObject([
      { tensor_shape: [1000, 84], metadata_rows_match_tensor: true, sprite: { single_image_dim: [28, 28] } },
    ]);
    expect(report.server_check.ok).toBe(true);

    // The Graphs tab: the network's 36 nodes (2 placeholders; per conv/fc layer weight, bias, Conv2D or
    // MatMul, BiasAdd and — except fc3 — the activation: 2·5 + 3·5 − 1 = 24; 2 MaxPool; flatten's
    // shape and Reshape; loss 2; accuracy 4), and the graph endpoint answers.
    expect(run.graph).toMatchObject({ present: true, nodes: 36, top_ops: { VariableV2: 10, Relu: 4, Conv2D: 2, MatMul: 3 } });
    expect((report.server_check as unknown as { graphs: Record<string, object> }).graphs["relu-adam-lr0.01-it200"])
      .toMatchObject({ run_graph: true, nodes_in_pbtxt: 36 });
  });
});

// A run trained in a page and kept in the logdir (src/train/keep-page-run.ts),
// read by TensorBoard's own loader: no problems, and what TensorBoard shows
// of it — every scalar series, the text, the graph, the hparams — is what it
// shows of the same run trained by `lenet-lab train --summaries minimal`.

import { describe, expect, test } from "vitest";
import { loadDataset } from "../../src/data/datasets.js";
import { checkPageRun, keepPageRun } from "../../src/train/keep-page-run.js";
import { tempDir } from "../idx-files.js";
import { pageKernelsEnv, pageRunFromNode, runCli } from "../board/fixtures.js";
import { requireOracle, runOracle } from "./oracle.js";

describe("a kept page run read by TensorBoard's own loader", () => {
  test("has no problems and shows what the same run trained by Node shows", async (context) => {
    requireOracle(context);
    const logdir = tempDir();
    const dataset = loadDataset();
    const pageRun = await pageRunFromNode({ activation: "sigmoid", optimizer: "sgd", lr: 0.5, batchSize: 32, iterations: 60, seed: 1, evalEvery: 20 });
    await keepPageRun(checkPageRun({ ...pageRun, runName: "kept" }, logdir, dataset), dataset);
    // The page's kernels (the wasm build alone), so that the two runs are the same run.
    const train = runCli(["train", "--activation", "sigmoid", "--optimizer", "sgd", "--lr", "0.5", "--batch-size", "32", "--iterations", "60",
      "--seed", "1", "--eval-every", "20", "--summaries", "minimal", "--threads", "1", "--logdir", logdir, "--run-name", "node"], pageKernelsEnv());
    expect(train.status, train.stderr).toBe(0);

    const report = runOracle(logdir);
    expect(report.problems).toEqual([]);
    expect(report.run_names.sort()).toEqual(["kept", "node"]);
    const kept = report.runs.kept!, node = report.runs.node!;
    expect(Object.keys(kept.scalars ?? {}).sort()).toEqual(Object.keys(node.scalars ?? {}).sort());
    for (const [tag, series] of Object.entries(node.scalars ?? {})) {
      const { points, first_step, last_step, last_value } = series as Record<string, unknown>;
      expect(kept.scalars![tag], tag).toMatchObject({ points, first_step, last_step, last_value });
    }
    expect(Object.keys(kept.text ?? {})).toEqual(Object.keys(node.text ?? {}));
    expect(Object.keys(kept.graph ?? {}).length).toBe(Object.keys(node.graph ?? {}).length);
    const groups = report.server_check.hparams.session_groups;
    expect(groups.map((g) => g.name).sort()).toEqual(["kept", "node"]);
    const metrics = (name: string) => groups.find((g) => g.name === name)!.metrics;
    expect(metrics("kept")).toEqual(metrics("node"));
  }, 300_000);
});

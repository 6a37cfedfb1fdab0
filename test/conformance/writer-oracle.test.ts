// Conformance with TensorBoard itself: writes a logdir with every verb of
// SummaryWriter and has TensorBoard's own Python loader read it (see oracle.ts).
import { resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { SummaryWriter } from "../../src/tensorboard/summary-writer.js";
import { tempDir } from "../tensorboard/helpers.js";
import { requireOracle, runOracle } from "./oracle.js";

const RUNS = ["relu", "sigmoid"] as const;

/** A small logdir with two runs that use every verb of SummaryWriter. */
function writeLogdir(logdir: string): void {
  RUNS.forEach((activation, r) => {
    const writer = new SummaryWriter(resolve(logdir, activation));
    for (let step = 0; step <= 200; step += 50) {
      writer.addScalar("train/loss", 2.3 / (1 + step / (50 + 50 * r)), step);
      writer.addScalar("test/accuracy", 0.1 + step / (250 + 100 * r), step);
      const weights = Float32Array.from({ length: 6 * 25 }, (_, i) => Math.sin(i * 0.7 + step) * 0.1);
      writer.addHistogram("conv1/weight", weights, step);
      writer.addHistogram("conv1/bias", new Float32Array(6), step);
      writer.addHistogram("fc3/logits", Float32Array.from({ length: 640 }, (_, i) => Math.cos(i) * 5), step, { bins: 30 });
    }
    writer.addScalars("loss", { train: 0.2, test: 0.25 }, 200);
    writer.addImage("conv1/kernels", Float32Array.from({ length: 35 * 5 }, (_, i) => (i % 11) / 10), { width: 35, height: 5, channels: 1 }, 200);
    writer.addImage("inputs/rgb", Uint8Array.from({ length: 28 * 28 * 3 }, (_, i) => i % 256), { width: 28, height: 28, channels: 3 }, 0);
    writer.addText("config", `**activation** ${activation}`, 0);
    writer.addHparams({ activation, optimizer: "adam", lr: 0.01 }, { "hparams/test_accuracy": 0.9 + r / 100, "test/accuracy": null });
    const rows = 30;
    writer.addEmbedding("fc2", { data: Float32Array.from({ length: rows * 84 }, (_, i) => Math.sin(i)), rows, cols: 84 }, {
      metadata: Array.from({ length: rows }, (_, i) => i % 10),
      labelImages: { pixels: Uint8Array.from({ length: rows * 28 * 28 }, (_, i) => (i * 3) % 256), width: 28, height: 28, channels: 1 },
      step: 200,
    });
    writer.close();
  });
}

describe("TensorBoard's own loader (tb-oracle)", () => {
  test("reads every verb with no problems", (context) => {
    requireOracle(context);
    const logdir = tempDir();
    writeLogdir(logdir);
    const report = runOracle(logdir);
    expect(report.problems).toEqual([]);
    expect(report.run_names.sort()).toEqual(["relu", "relu/loss_test", "relu/loss_train", "sigmoid", "sigmoid/loss_test", "sigmoid/loss_train"]);
    for (const file of report.event_files) expect(file).toMatchObject({ file_version: "brain.Event:2", unread_trailing_bytes: 0 });

    for (const [r, name] of RUNS.entries()) {
      const runReport = report.runs[name]!;
      expect(runReport.scalars!["train/loss"]).toMatchObject({ points: 5, first_step: 0, last_step: 200, steps_strictly_increasing: true });
      expect(runReport.scalars!["train/loss"]!.last_value).toBeCloseTo(2.3 / (1 + 200 / (50 + 50 * r)), 6);
      expect(runReport.scalars!["test/accuracy"]!.last_value).toBeCloseTo(0.1 + 200 / (250 + 100 * r), 6);
      expect(runReport.histograms!["conv1/weight"]).toMatchObject({ steps: 5, last_step: 200, last: { count: 150, bad_buckets_left_gt_right: 0 } });
      expect(runReport.histograms!["conv1/bias"]).toMatchObject({ steps: 5, last: { buckets: 1, min: 0, max: 0, count: 6 } });
      expect(runReport.histograms!["fc3/logits"]).toMatchObject({ last: { count: 640, bad_buckets_left_gt_right: 0 } });
      expect(runReport.images!["conv1/kernels"]).toMatchObject({ width: 35, height: 5, last_images: [{ decoded: true, mode: "L", matches_declared_size: true }] });
      expect(runReport.images!["inputs/rgb"]).toMatchObject({ width: 28, height: 28, last_images: [{ decoded: true, mode: "RGB" }] });
      expect(runReport.text!.config).toMatchObject({ steps: 1, last_value: [`**activation** ${name}`] });
      expect(runReport.hparams).toMatchObject({
        experiment: { hparams: ["activation", "optimizer", "lr"], metrics: ["hparams/test_accuracy", "test/accuracy"] },
        session_start_info: { hparams: { activation: name, optimizer: "adam", lr: 0.01 } },
        session_end_info: { status: "STATUS_SUCCESS" },
      });
      expect(report.runs[`${name}/loss_train`]!.scalars!.loss).toMatchObject({ points: 1, last_step: 200 });
      expect(report.projector.runs[name]!.embeddings).toMatchObject([
        { tensor_shape: [30, 84], metadata_lines: 30, metadata_rows_match_tensor: true, sprite: { single_image_dim: [28, 28] } },
      ]);
    }
    expect(report.projector.active).toBe(true);

    // The HParams tab: one session per run, in the run itself, with its own metrics.
    expect(report.server_check.ok).toBe(true);
    const groups = report.server_check.hparams.session_groups.sort((a, b) => a.name.localeCompare(b.name));
    expect(groups.map((g) => [g.name, g.hparams.activation])).toEqual([["relu", "relu"], ["sigmoid", "sigmoid"]]);
    expect(groups[0]!.metrics["hparams/test_accuracy"]).toBeCloseTo(0.9, 6);
    expect(groups[1]!.metrics["test/accuracy"]).toBeCloseTo(0.1 + 200 / 350, 6);
  });
});

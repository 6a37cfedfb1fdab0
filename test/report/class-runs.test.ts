// The class figures (confusion.png, misclassified.png) drawn from what the
// run's last evaluation wrote into run.json are the very figures a fresh
// classification of the saved model draws; a record that does not describe
// the saved model, or does not hold together, is not used.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/datasets.js";
import { CONFUSION_PNG, MISCLASSIFIED_PNG, recordedClassification, writeRunsClassFigures } from "../../src/report/class-runs.js";
import { evaluateImageSet } from "../../src/train/evaluate.js";
import { loadRun, readRunSummary, wasmNetworkOf } from "../../src/train/load-run.js";
import { RunSummary, classesSummary, writeRunSummary } from "../../src/train/run-directory.js";
import { writeFakeRun } from "../figures/fake-run.js";
import { tempDir } from "../idx-files.js";

/** A run whose run.json holds its saved model's evaluation of the test set, as training writes it. */
function runWithRecordedEvaluation(): { runDir: string; summary: RunSummary } {
  const { runDir } = writeFakeRun(tempDir(), { activation: "relu", iterations: "30" });
  const network = wasmNetworkOf(loadRun(runDir));
  const test = evaluateImageSet(network, loadDataset().test);
  void network.dispose();
  const summary = { ...readRunSummary(runDir), classes: classesSummary({ iteration: 30, ...test }, loadDataset().classNames) };
  writeRunSummary(runDir, summary);
  return { runDir, summary };
}

function figures(runDir: string): Buffer[] {
  return [CONFUSION_PNG, MISCLASSIFIED_PNG].map((name) => readFileSync(join(runDir, name)));
}

describe("class figures from run.json", () => {
  it("draw the same pictures as classifying the test set again, and are used only when they describe the saved model", async () => {
    const { runDir, summary } = runWithRecordedEvaluation();
    const recorded = recordedClassification(summary, 10_000)!;
    expect(recorded).not.toBeNull();
    expect(recorded.surest).toHaveLength(24); // random weights: most of the test set is wrong
    await writeRunsClassFigures([runDir]);
    const fromRecord = figures(runDir);

    // Without the surest mistakes (a run from before run.json held them) the test set is classified again.
    const { surest: _, ...withoutSurest } = summary.classes!;
    writeRunSummary(runDir, { ...summary, classes: withoutSurest });
    expect(recordedClassification(readRunSummary(runDir), 10_000)).toBeNull();
    await writeRunsClassFigures([runDir]);
    expect(figures(runDir)).toEqual(fromRecord);

    // A record of another iteration than the saved model's, or one that does not hold together, is passed over.
    const stale = { ...summary, classes: { ...summary.classes!, iteration: 20 } };
    expect(recordedClassification(stale, 10_000)).toBeNull();
    const shuffled = { ...summary, classes: { ...summary.classes!, surest: summary.classes!.surest!.slice(1) } };
    expect(recordedClassification(shuffled, 10_000)).toBeNull();
    const foreign = { ...summary, classes: { ...summary.classes!, surest: [{ ...summary.classes!.surest![0], index: 10_000 }] } };
    expect(recordedClassification(foreign, 10_000)).toBeNull();
    expect(recordedClassification(summary, 9_999)).toBeNull(); // another test set
    writeFileSync(join(runDir, "run.json"), JSON.stringify(stale));
    await writeRunsClassFigures([runDir]);
    expect(figures(runDir)).toEqual(fromRecord);
  });
});

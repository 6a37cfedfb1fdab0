// SummaryWriter -> reader round trips, one per verb, plus file naming,
// flushing and error surfacing.
import { existsSync, openSync, readdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, test, vi } from "vitest";
import { decodePng } from "../../src/io/png.js";
import { closeEventFilesOnSignals, EventFileWriter, FILE_VERSION } from "../../src/tensorboard/event-file-writer.js";
import { buildHistogram } from "../../src/tensorboard/histogram.js";
import { decodeHParamsPluginData } from "../../src/tensorboard/messages.js";
import { readEventFile } from "../../src/tensorboard/reader.js";
import { scalarOf, textOf } from "../../src/tensorboard/summaries.js";
import { SummaryWriter } from "../../src/tensorboard/summary-writer.js";
import { summaryValues, tempDir } from "./helpers.js";

describe("event file", () => {
  test("is named events.out.tfevents.<secs>.<host>.<pid>.<n> with a process-wide counter", () => {
    const dir = tempDir();
    const before = Math.floor(Date.now() / 1000);
    const a = new SummaryWriter(join(dir, "a"));
    const b = new SummaryWriter(join(dir, "b"));
    a.close();
    b.close();
    const pattern = /^events\.out\.tfevents\.(\d{10})\.(.+)\.(\d+)\.(\d+)$/;
    const [, secs, host, pid, n] = basename(a.eventFilePath).match(pattern)!;
    expect(Number(secs)).toBeGreaterThanOrEqual(before);
    expect(host).toBe(hostname());
    expect(Number(pid)).toBe(process.pid);
    expect(Number(basename(b.eventFilePath).match(pattern)![4])).toBe(Number(n) + 1);
  });

  test("starts with the file_version event, already on disk", () => {
    const writer = new SummaryWriter(tempDir(), { flushIntervalMs: 0 });
    const { events } = readEventFile(writer.eventFilePath);
    expect(events).toHaveLength(1);
    expect(events[0]!.event.fileVersion).toBe(FILE_VERSION);
    expect(events[0]!.event.wallTime).toBeGreaterThan(1.6e9);
    expect(events[0]!.offset).toBe(0);
    writer.close();
  });
});

describe("verbs round-trip through the reader", () => {
  test("addScalar: values (as float32), steps and wall times", () => {
    const writer = new SummaryWriter(tempDir());
    writer.addScalar("train/loss", 2.302585, 0, 1000.5);
    writer.addScalar("train/loss", 0.1, 50, 1001.25);
    writer.addScalar("test/accuracy", 0.9876, 50);
    writer.close();
    const values = summaryValues(writer.eventFilePath);
    expect(values.map((v) => [v.value.tag, v.step, scalarOf(v.value)])).toEqual([
      ["train/loss", 0, Math.fround(2.302585)],
      ["train/loss", 50, Math.fround(0.1)],
      ["test/accuracy", 50, Math.fround(0.9876)],
    ]);
    expect(values.slice(0, 2).map((v) => v.wallTime)).toEqual([1000.5, 1001.25]);
    expect(() => writer.addScalar("x", 1, 1)).toThrow(/closed/);
  });

  test("addScalars: one sub-run per key, all under the main tag", () => {
    const dir = tempDir();
    const writer = new SummaryWriter(dir);
    writer.addScalars("loss", { train: 0.5, test: 0.7 }, 10);
    writer.close();
    expect(readdirSync(dir).filter((name) => !name.includes("tfevents")).sort()).toEqual(["loss_test", "loss_train"]);
    const sub = readdirSync(join(dir, "loss_test"))[0]!;
    expect(summaryValues(join(dir, "loss_test", sub)).map((v) => [v.value.tag, scalarOf(v.value)])).toEqual([["loss", Math.fround(0.7)]]);
  });

  test("addHistogram: the HistogramProto of buildHistogram, default and explicit bins", () => {
    const writer = new SummaryWriter(tempDir());
    const weights = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i) * 0.1);
    writer.addHistogram("conv1/weight", weights, 7);
    writer.addHistogram("conv1/bias", [0, 0, 0], 7, { bins: 4 });
    writer.close();
    const [w, b] = summaryValues(writer.eventFilePath);
    expect(w!.step).toBe(7);
    expect(w!.value.histo).toEqual(buildHistogram(weights));
    expect(b!.value.histo).toEqual(buildHistogram([0, 0, 0], 4));
    const other = new SummaryWriter(tempDir());
    expect(() => other.addHistogram("bad", [NaN], 0)).toThrow(/histogram bad: .*1 NaN or infinite/);
    other.close();
  });

  test("addImage: gray from [0,1] floats and RGB from bytes, as PNG", () => {
    const writer = new SummaryWriter(tempDir());
    writer.addImage("conv1/kernels", Float32Array.of(0, 0.5, 1, 0.25, 0.75, 1), { width: 3, height: 2, channels: 1 }, 1);
    const rgb = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => i * 20);
    writer.addImage("inputs", rgb, { width: 2, height: 2, channels: 3 }, 2);
    writer.close();
    const [gray, color] = summaryValues(writer.eventFilePath);
    expect(gray!.value.image).toMatchObject({ width: 3, height: 2, colorspace: 1 });
    expect(decodePng(gray!.value.image!.encodedImageString!)).toEqual({ width: 3, height: 2, channels: 1, data: Uint8Array.of(0, 128, 255, 64, 191, 255) });
    expect(color!.value.image).toMatchObject({ width: 2, height: 2, colorspace: 3 });
    expect(decodePng(color!.value.image!.encodedImageString!).data).toEqual(rgb);
  });

  test("addText: a string tensor with the text plugin's metadata", () => {
    const writer = new SummaryWriter(tempDir());
    writer.addText("config", "| lr | 0.01 |\n|---|---|\n**Adam** ✓", 0);
    writer.close();
    const [text] = summaryValues(writer.eventFilePath);
    expect(text!.value.metadata?.pluginData?.pluginName).toBe("text");
    expect(text!.value.tensor?.dtype).toBe(7);
    expect(textOf(text!.value)).toBe("| lr | 0.01 |\n|---|---|\n**Adam** ✓");
  });

  test("addHparams: experiment, session start and end in the run itself, metric scalars at the last step", () => {
    const writer = new SummaryWriter(tempDir());
    writer.addScalar("test/accuracy", 0.95, 200);
    writer.addHparams({ activation: "relu", lr: 0.01, adam: true }, { "hparams/test_accuracy": 0.97, "test/accuracy": null });
    writer.close();
    const values = summaryValues(writer.eventFilePath);
    const byTag = new Map(values.map((v) => [v.value.tag, v]));
    const plugin = (tag: string) => {
      const value = byTag.get(tag)!.value;
      expect(value.metadata?.pluginData?.pluginName).toBe("hparams");
      return decodeHParamsPluginData(value.metadata!.pluginData!.content!);
    };
    const experiment = plugin("_hparams_/experiment").experiment!;
    expect(experiment.hparamInfos!.map((h) => [h.name, h.type])).toEqual([["activation", 1], ["lr", 3], ["adam", 2]]);
    expect(experiment.metricInfos!.map((m) => m.name.tag)).toEqual(["hparams/test_accuracy", "test/accuracy"]);
    expect(plugin("_hparams_/session_start_info").sessionStartInfo!.hparams).toEqual({
      activation: { stringValue: "relu" }, lr: { numberValue: 0.01 }, adam: { boolValue: true },
    });
    expect(plugin("_hparams_/session_end_info").sessionEndInfo!.status).toBe(1);
    expect(byTag.get("hparams/test_accuracy")!.step).toBe(200);
    expect(scalarOf(byTag.get("hparams/test_accuracy")!.value)).toBe(Math.fround(0.97));
    expect(values.filter((v) => v.value.tag === "test/accuracy")).toHaveLength(1);
  });

  test("addEmbedding: projector config, tensors, metadata and sprite in the run directory", () => {
    const dir = tempDir();
    const writer = new SummaryWriter(dir);
    const rows = 5;
    const data = Float32Array.from({ length: rows * 3 }, (_, i) => i / 7);
    const thumbs = Uint8Array.from({ length: rows * 2 * 2 }, (_, i) => i * 10);
    const config = writer.addEmbedding("fc2/features", { data, rows, cols: 3 }, { metadata: [0, 1, 2, 3, 4], labelImages: { pixels: thumbs, width: 2, height: 2, channels: 1 }, step: 200 });
    writer.addEmbedding("fc2/features", { data, rows, cols: 3 }, { metadata: { header: ["digit", "split"], rows: [[0, "a"], [1, "a"], [2, "b"], [3, "b"], [4, "b"]] }, step: 400 });
    expect(() => writer.addEmbedding("fc2/features", { data, rows, cols: 3 }, { step: 400 })).toThrow(/already exists/);
    writer.close();
    const pbtxt = readFileSync(join(dir, "projector_config.pbtxt"), "utf8");
    expect(pbtxt.match(/embeddings \{/g)).toHaveLength(2);
    expect(pbtxt).toContain('tensor_path: "embeddings/fc2_features/00000200/tensors.tsv"');
    expect(pbtxt).toContain("tensor_shape: 5\n  tensor_shape: 3");
    expect(pbtxt).toContain("single_image_dim: 2\n    single_image_dim: 2");
    const tsv = readFileSync(join(dir, config.tensorPath), "utf8").trimEnd().split("\n").map((line) => line.split("\t").map(Number));
    expect(tsv.flat().map(Math.fround)).toEqual([...data]); // 9 significant digits round-trip float32
    expect(readFileSync(join(dir, config.metadataPath!), "utf8")).toBe("0\n1\n2\n3\n4\n");
    expect(readFileSync(join(dir, "embeddings/fc2_features/00000400/metadata.tsv"), "utf8")).toBe("digit\tsplit\n0\ta\n1\ta\n2\tb\n3\tb\n4\tb\n");
    const sprite = decodePng(readFileSync(join(dir, config.sprite!.imagePath)));
    expect([sprite.width, sprite.height]).toEqual([6, 6]); // ceil(sqrt(5)) = 3 thumbnails of 2x2 per side
    expect([...sprite.data.subarray(2, 4)]).toEqual([40, 50]); // 2nd thumbnail, first row
    expect(sprite.data[5 * 6 + 5]).toBe(0); // unused cell is black
  });
});

describe("flushing and failures", () => {
  test("the timer flushes without an explicit call", async () => {
    const writer = new SummaryWriter(tempDir(), { flushIntervalMs: 20 });
    writer.addScalar("loss", 1, 1);
    expect(readEventFile(writer.eventFilePath).events).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(readEventFile(writer.eventFilePath).events).toHaveLength(2);
    writer.close();
    writer.close();
  });

  test("a failing write throws, in flush and again in later calls", () => {
    if (!existsSync("/dev/full")) return;
    const writer = new EventFileWriter(tempDir(), { flushIntervalMs: 0 });
    (writer as unknown as { fd: number }).fd = openSync("/dev/full", "w");
    writer.write({ wallTime: 1, step: 1, summary: { value: [{ tag: "x", simpleValue: 1 }] } });
    expect(() => writer.flush()).toThrow(/writing .*tfevents.* failed: ENOSPC/);
    expect(() => writer.write({ wallTime: 1, step: 2 })).toThrow(/ENOSPC/);
    expect(() => writer.close()).toThrow(/ENOSPC/);
  });

  test("a failing timer flush is reported at once and thrown by the next call", async () => {
    if (!existsSync("/dev/full")) return;
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const writer = new EventFileWriter(tempDir(), { flushIntervalMs: 10 });
    (writer as unknown as { fd: number }).fd = openSync("/dev/full", "w");
    writer.write({ wallTime: 1, step: 1 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(stderr.mock.calls.map((call) => String(call[0])).join("")).toMatch(/ENOSPC/);
    stderr.mockRestore();
    expect(() => writer.write({ wallTime: 1, step: 2 })).toThrow(/ENOSPC/);
    expect(() => writer.close()).toThrow(/ENOSPC/);
  });

  test("closeEventFilesOnSignals closes open files when the signal arrives", () => {
    const writer = new SummaryWriter(tempDir(), { flushIntervalMs: 0 });
    writer.addScalar("loss", 3, 1);
    const keepAlive = (): void => {}; // another listener: the process is not re-signalled
    process.on("SIGUSR2", keepAlive);
    const remove = closeEventFilesOnSignals(["SIGUSR2"]);
    try {
      process.emit("SIGUSR2", "SIGUSR2");
      expect(readEventFile(writer.eventFilePath).events).toHaveLength(2);
      expect(() => writer.addScalar("loss", 2, 2)).toThrow(/closed/);
    } finally {
      remove();
      process.removeListener("SIGUSR2", keepAlive);
    }
  });
});

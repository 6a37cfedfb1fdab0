// The dashboard's HTTP API, served for real (startBoard on a free port) over a
// logdir written by real `lenet-lab train` runs (20 iterations on MNIST, an
// evaluation every 10): what each route answers, checked against the event
// files themselves; traversal attempts and bad parameters; live updates.

import { request } from "node:http";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Board } from "../../src/board/server.js";
import { scalarOf } from "../../src/tensorboard/summaries.js";
import { listEventFiles, readEventFile } from "../../src/tensorboard/reader.js";
import { SummaryWriter } from "../../src/tensorboard/summary-writer.js";
import { tempDir, trainRealRun, writeFc2Maps, writeSyntheticRun } from "./fixtures.js";
import { closeBoard, startLoadedBoard } from "./open-board.js";

let logdir: string;
let board: Board;
let reluDir: string;

/** GET with the path sent exactly as given (no URL normalisation), optionally with another Host header. */
function rawGet(path: string, host?: string): Promise<{ status: number; body: Buffer; type: string }> {
  const url = new URL(board.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: "GET", headers: host ? { host } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks), type: String(res.headers["content-type"]) }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function getJson(path: string): Promise<{ status: number; json: any }> {
  const response = await rawGet(path);
  return { status: response.status, json: JSON.parse(response.body.toString()) };
}

/** Every scalar of `tag` in a run's event files, in file order. */
function scalarsInFiles(runDir: string, tag: string): { step: number; value: number }[] {
  const out: { step: number; value: number }[] = [];
  for (const file of listEventFiles(runDir)) {
    for (const { event } of readEventFile(file).events) {
      for (const value of event.summary?.value ?? []) if (value.tag === tag) out.push({ step: event.step ?? 0, value: scalarOf(value)! });
    }
  }
  return out;
}

beforeAll(async () => {
  logdir = tempDir();
  reluDir = trainRealRun(logdir, "relu-adam");
  trainRealRun(logdir, "sigmoid-sgd", "--activation", "sigmoid", "--optimizer", "sgd");
  writeFc2Maps(reluDir);
  board = await startLoadedBoard(logdir);
}, 300_000);

afterAll(() => closeBoard(board));

describe("the API over real training runs", () => {
  it("lists the runs with their tags, run.json, fc2 maps and embedding", async () => {
    const { status, json } = await getJson("/api/runs");
    expect(status).toBe(200);
    expect(json.runs.map((r: { name: string }) => r.name)).toEqual(["relu-adam", "sigmoid-sgd"]);
    const [relu, sigmoid] = json.runs;
    expect(relu).toMatchObject({ loaded: true, hasRunJson: true, embeddings: 1, warnings: [], fc2Digits: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    expect(sigmoid.fc2Digits).toEqual([]);
    expect(relu.tagCounts.images).toBeGreaterThanOrEqual(8);
  });

  it("lists the tags training writes, each with the runs that have it", async () => {
    const { json } = await getJson("/api/tags");
    for (const tag of ["loss/train", "accuracy/train", "loss/test", "accuracy/test", "learning_rate", "gradient_norm/fc3"]) {
      expect(json.scalars[tag], tag).toEqual(["relu-adam", "sigmoid-sgd"]);
    }
    expect(json.scalars["dead_fraction/conv1"]).toEqual(["relu-adam"]);
    expect(json.scalars["saturated_fraction/fc2"]).toEqual(["sigmoid-sgd"]);
    for (const layer of ["conv1", "conv2", "fc1", "fc2", "fc3"]) {
      expect(json.histograms[`${layer}/weight`]).toHaveLength(2);
      expect(json.histograms[`${layer}/bias`]).toHaveLength(2);
    }
    expect(json.histograms.logits).toHaveLength(2);
    for (const tag of ["kernels/conv1", "kernels/conv2", "weights/fc1", "weights/fc2", "weights/fc3", "feature_maps/conv1", "feature_maps/conv2", "inputs"]) {
      expect(json.images[tag], tag).toHaveLength(2);
    }
    expect(json.text.config).toHaveLength(2);
  });

  it("serves scalar series equal to the event files, thinned only when asked, and exports them whole", async () => {
    const expected = scalarsInFiles(reluDir, "loss/train");
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const { json } = await getJson("/api/scalars?tag=loss/train&run=relu-adam");
    expect(Object.keys(json.runs)).toEqual(["relu-adam"]);
    expect(json.runs["relu-adam"].steps).toEqual(expected.map((p) => p.step));
    expect(json.runs["relu-adam"].values).toEqual(expected.map((p) => p.value));
    expect(json.runs["relu-adam"].total).toBe(expected.length);

    const test = scalarsInFiles(reluDir, "accuracy/test");
    const thinned = (await getJson("/api/scalars?tag=accuracy/test&samples=1")).json.runs["relu-adam"];
    expect(thinned.steps).toEqual([test[0]!.step, test.at(-1)!.step]);
    expect(thinned.total).toBe(test.length);

    const csv = await rawGet("/api/scalars/export?tag=accuracy/test&format=csv");
    expect(csv.type).toMatch(/^text\/csv/);
    const lines = csv.body.toString().trim().split("\n");
    expect(lines[0]).toBe("run,step,wall_time,value");
    expect(lines).toHaveLength(1 + 2 * test.length);
    expect(lines[1]).toMatch(new RegExp(`^relu-adam,${test[0]!.step},\\d+(\\.\\d+)?,${test[0]!.value}$`));
    const exported = (await getJson("/api/scalars/export?tag=accuracy/test&format=json&run=sigmoid-sgd")).json;
    expect(exported.runs["sigmoid-sgd"].values).toEqual(scalarsInFiles(join(logdir, "sigmoid-sgd"), "accuracy/test").map((p) => p.value));
  });

  it("serves histograms of every logged step", async () => {
    const { json } = await getJson("/api/histograms?run=relu-adam&tag=conv1/weight");
    expect(json.points.map((p: { step: number }) => p.step)).toEqual([10, 20]);
    for (const point of json.points) {
      expect(point.counts.reduce((a: number, b: number) => a + b, 0)).toBe(150);
      expect(point.num).toBe(150);
      expect(point.limits).toHaveLength(point.counts.length);
    }
  });

  it("serves every image of a tag, byte for byte as logged", async () => {
    const { json } = await getJson("/api/images?run=relu-adam&tag=kernels/conv1");
    expect(json.points.map((p: { step: number }) => p.step)).toEqual([10, 20]);
    const logged = readEventFile(listEventFiles(reluDir)[0]!).events
      .flatMap(({ event }) => event.summary?.value ?? []).filter((v) => v.tag === "kernels/conv1").map((v) => Buffer.from(v.image!.encodedImageString!));
    for (const point of json.points) {
      const png = await rawGet(`/api/image?run=relu-adam&tag=kernels/conv1&index=${point.index}`);
      expect(png.type).toBe("image/png");
      expect(png.body.equals(logged[point.index]!)).toBe(true);
      expect(png.body.readUInt32BE(16)).toBe(point.width);
      expect(png.body.readUInt32BE(20)).toBe(point.height);
    }
  });

  it("gives each run's config, text, fc2 files and fc2 embedding", async () => {
    const config = (await getJson("/api/config")).json.runs;
    expect(config["relu-adam"]["config/activation"]).toBe("relu");
    expect(config["sigmoid-sgd"]["config/optimizer"]).toBe("sgd");
    expect(typeof config["relu-adam"]["final/testAccuracy"]).toBe("number");
    expect((await getJson("/api/text?run=relu-adam")).json.tags.config[0].text).toMatch(/activation/);
    expect((await getJson("/api/fc2?run=relu-adam")).json.digits).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const map = await rawGet("/api/file?run=relu-adam&path=fc2/digit-3.png");
    expect([map.status, map.type, map.body.readUInt32BE(16), map.body.readUInt32BE(20)]).toEqual([200, "image/png", 84, 100]);

    const embedding = (await getJson("/api/embedding?run=relu-adam&index=0")).json;
    expect([embedding.rows, embedding.cols]).toEqual([1000, 84]);
    expect(embedding.header).toContain("label");
    const labels = embedding.metadata.map((row: string[]) => row[embedding.header.indexOf("label")]);
    expect(new Set(labels).size).toBe(10);
    const sprite = await rawGet(`/api/file?run=relu-adam&path=${encodeURIComponent(embedding.sprite.path)}`);
    expect(sprite.type).toBe("image/png");
  });
});

describe("refusals", () => {
  it("answers traversal attempts with 4xx and serves nothing outside the logdir", async () => {
    mkdirSync(join(reluDir, "links"), { recursive: true });
    symlinkSync("/etc/hostname", join(reluDir, "links", "leak.txt"));
    const outside = tempDir();
    writeFileSync(join(outside, "secret.png"), "TOP-SECRET-CONTENT");
    symlinkSync(outside, join(reluDir, "outside"));
    const attempts: [string, number][] = [
      ["/api/file?run=relu-adam&path=../../../../etc/passwd", 400],
      ["/api/file?run=relu-adam&path=%2e%2e%2f%2e%2e%2fetc%2fpasswd", 400],
      ["/api/file?run=relu-adam&path=%252e%252e%252fetc%252fpasswd", 400],
      ["/api/file?run=relu-adam&path=/etc/passwd", 400],
      ["/api/file?run=relu-adam&path=fc2%5C..%5C..%5Crun.json", 400],
      ["/api/file?run=relu-adam&path=fc2/digit-3.png%00.txt", 400],
      ["/api/file?run=relu-adam&path=links/leak.txt", 403],
      ["/api/file?run=relu-adam&path=outside/secret.png", 403],
      ["/api/file?run=relu-adam&path=model.safetensors", 403],
      ["/api/file?run=..&path=run.json", 404],
      ["/api/file?run=%2e%2e&path=etc/passwd", 404],
      ["/../../etc/passwd", 404],
      ["/%2e%2e/%2e%2e/etc/passwd", 404],
      ["/assets/..%2f..%2f..%2fpackage.json", 404],
      ["/..%5c..%5cpackage.json", 404],
    ];
    for (const [path, status] of attempts) {
      const response = await rawGet(path);
      expect(response.status, path).toBe(status);
      expect(response.body.toString(), path).not.toMatch(/root:|TOP-SECRET-CONTENT|"name": "lenet-lab"/);
    }
    // A symlinked directory in the logdir is not followed: the run outside is not listed.
    writeSyntheticRun(outside, "foreign-run", { steps: 10, every: 10 });
    symlinkSync(join(outside, "foreign-run"), join(logdir, "linked-run"));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await getJson("/api/runs")).json.runs.map((r: { name: string }) => r.name)).not.toContain("linked-run");
    expect((await getJson("/api/fc2?run=linked-run")).status).toBe(404);
    expect((await rawGet("/api/status", "evil.example:80")).status).toBe(403);
    expect((await rawGet("/api/runs")).status).toBe(200);
  });

  it("answers bad query parameters with 400 and a message naming the parameter", async () => {
    const cases: [string, RegExp][] = [
      ["/api/scalars", /"tag" is required/],
      ["/api/scalars?tag=loss/train&samples=abc", /"samples" must be an integer/],
      ["/api/scalars?tag=loss/train&samples=-5", /"samples" must be between/],
      ["/api/scalars?tag=loss/train&sample=5", /unknown query parameter "sample"/],
      ["/api/scalars/export?tag=loss/train&format=xml", /"format" must be one of csv, json/],
      ["/api/histograms?run=relu-adam&run=sigmoid-sgd&tag=logits", /"run" is given 2 times/],
      ["/api/image?run=relu-adam&tag=inputs&index=1e3", /"index" must be an integer/],
      ["/api/image?run=relu-adam&tag=inputs", /"index" is required/],
      ["/api/embedding?run=relu-adam&index=x", /"index" must be an integer/],
      ["/api/file?run=relu-adam", /"path" is required/],
    ];
    for (const [path, message] of cases) {
      const { status, json } = await getJson(path);
      expect(status, path).toBe(400);
      expect(json.error, path).toMatch(message);
    }
    expect((await getJson("/api/scalars?tag=no/such/tag")).status).toBe(404);
    expect((await getJson("/api/histograms?run=nobody&tag=logits")).status).toBe(404);
    expect((await getJson("/api/image?run=relu-adam&tag=inputs&index=99")).status).toBe(404);
    expect((await getJson("/api/nothing")).status).toBe(404);
    expect((await getJson("/api/status")).json.runs).toBe(2);
  });
});

describe("live updates", () => {
  it("pushes new runs and new points over /api/events", async () => {
    const controller = new AbortController();
    const response = await fetch(new URL("api/events", board.url), { signal: controller.signal });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = "";
    const waitFor = async (pattern: RegExp) => {
      const deadline = Date.now() + 15_000;
      while (!pattern.test(text)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} in the event stream:\n${text}`);
        const { value, done } = await reader.read();
        if (done) throw new Error("the event stream ended");
        text += new TextDecoder().decode(value);
      }
    };
    try {
      await waitFor(/event: status/);
      writeSyntheticRun(logdir, "late-run", { steps: 20, every: 10 });
      await waitFor(/event: runs\ndata: \{"runs":\[[^\]]*"late-run"/);
      await waitFor(/event: data\ndata: \{"run":"late-run","kinds":\[[^\]]*"scalars"/);
      const writer = new SummaryWriter(reluDir, { flushIntervalMs: 0 });
      writer.addScalar("loss/train", 0.123, 1000);
      writer.close();
      await waitFor(/event: data\ndata: \{"run":"relu-adam","kinds":\["scalars"\]/);
      const series = (await getJson("/api/scalars?tag=loss/train&run=relu-adam")).json.runs["relu-adam"];
      expect(series.steps.at(-1)).toBe(1000);
      expect(series.values.at(-1)).toBeCloseTo(0.123, 6);
    } finally {
      controller.abort();
    }
  });
});

// Keeping a run trained in a page: POST /api/runs writes it into the logdir
// as an ordinary run directory. A page run built from Node's own training of
// a config (the numbers a page computes, bit for bit: browser-train.test.ts)
// is kept as the very run `lenet-lab train --summaries minimal` writes: the
// same scalars at the same steps, the same weights, the same results in
// run.json; and `lenet-lab report` reads it. What a run cannot be is refused
// with a 4xx and a message, and writes nothing.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBoard, type Board } from "../../src/board/server.js";
import { wasmKernelBuild } from "../../src/engine/wasm/kernel-files.js";
import { decodeSafetensors } from "../../src/io/safetensors.js";
import { readRunEvents } from "../../src/tensorboard/run-events.js";
import { scalarOf } from "../../src/tensorboard/summaries.js";
import type { PageRun } from "../../src/train/page-run.js";
import { pageKernelsEnv, pageRunFromNode, removeTempDirs, runCli, tempDir } from "./fixtures.js";

const CHOICES = { activation: "relu", optimizer: "adam", lr: 0.01, batchSize: 64, iterations: 40, seed: 3, evalEvery: 20 } as const;

/** Scalars of a run directory: tag → [step, value][]. */
function scalars(runDir: string): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const event of readRunEvents(runDir).events) {
    for (const value of event.summary?.value ?? []) {
      const number = scalarOf(value);
      if (number === undefined || !value.tag) continue;
      out.set(value.tag, [...(out.get(value.tag) ?? []), [event.step ?? 0, number]]);
    }
  }
  return out;
}

let board: Board;
let logdir: string;
let pageRun: PageRun;

/**
 * A POST to the board with full control of the headers (fetch cannot set
 * Host). A server that refuses a body for its size answers before it has read
 * it and closes the connection, so the client's sending may end in a reset
 * after the answer: the answer is what counts.
 */
function post(path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const url = new URL(path, board.url);
  return new Promise((resolve, reject) => {
    let status = 0;
    let text = "";
    const answered = () => resolve({ status, body: text ? JSON.parse(text) : null });
    const req = request(url, { method: "POST", agent: false, headers: { "content-type": "application/json", ...headers } }, (res) => {
      status = res.statusCode ?? 0;
      res.on("data", (chunk) => (text += chunk));
      res.on("end", answered);
    });
    req.on("error", (error) => (status && text ? answered() : reject(error)));
    req.setTimeout(60_000, () => req.destroy(new Error("no answer in 60 s")));
    req.end(body);
  });
}

describe("keeping a page run in the logdir", () => {
  beforeAll(async () => {
    logdir = tempDir();
    pageRun = await pageRunFromNode(CHOICES);
    board = await startBoard({ logdir, port: 0, pollIntervalMs: 200 });
  }, 120_000);

  afterAll(async () => {
    await board?.close();
    removeTempDirs();
  });

  it("writes the run `lenet-lab train --summaries minimal` writes: same scalars, weights and results", async () => {
    const kept = await post("api/runs", JSON.stringify(pageRun));
    expect(kept.status, JSON.stringify(kept.body)).toBe(201);
    expect(kept.body.run).toBe("relu-adam-lr0.01-it40-seed3-browser");
    const keptDir = join(logdir, kept.body.run);

    const cli = runCli(["train", "--iterations", "40", "--eval-every", "20", "--seed", "3", "--threads", "1", "--summaries", "minimal",
      "--logdir", logdir, "--run-name", "node"], pageKernelsEnv());
    expect(cli.status, cli.stderr).toBe(0);
    const nodeDir = join(logdir, "node");

    expect(scalars(keptDir)).toEqual(scalars(nodeDir));
    const tensors = (dir: string) => decodeSafetensors(readFileSync(join(dir, "model.safetensors"))).tensors;
    expect(tensors(keptDir)).toEqual(tensors(nodeDir));
    const summary = (dir: string) => JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
    const [ours, theirs] = [summary(keptDir), summary(nodeDir)];
    expect(ours.status).toBe("finished");
    for (const key of ["final", "finalWindow", "classes", "iterations", "epochs", "parameterCount", "model"]) expect(ours[key], key).toEqual(theirs[key]);
    expect(ours.history.map((r: any) => [r.iteration, r.testAccuracy, r.testLoss, r.trainLoss]))
      .toEqual(theirs.history.map((r: any) => [r.iteration, r.testAccuracy, r.testLoss, r.trainLoss]));
    expect(ours.engine).toEqual({ kernels: wasmKernelBuild(), browser: "test" });
    expect({ ...ours.config, runName: "", logdir: "" }).toEqual({ ...theirs.config, runName: "", logdir: "", threads: ours.config.threads });

    const report = runCli(["report", logdir]);
    expect(report.status, report.stderr).toBe(0);
    expect(readFileSync(join(logdir, "report", "index.html"), "utf8")).toContain(kept.body.run);
  }, 180_000);

  it("refuses what a run cannot be, with a 4xx and a message, and writes nothing", async () => {
    const before = readdirSync(logdir).sort();
    const body = (change: (run: any) => void) => {
      const run = structuredClone(pageRun) as any;
      change(run);
      return JSON.stringify(run);
    };
    const cases: [string, () => Promise<{ status: number; body: any }>, number, RegExp][] = [
      ["a name with a path", () => post("api/runs", body((r) => (r.runName = "../escape"))), 400, /run name "..\/escape" is not allowed/],
      ["a name with a slash", () => post("api/runs", body((r) => (r.runName = "a/b"))), 400, /not allowed/],
      ["an existing run", () => post("api/runs", body((r) => (r.runName = "node"))), 409, /already exists/],
      ["an unknown activation", () => post("api/runs", body((r) => (r.choices.activation = "swish"))), 400, /choices: .*swish/],
      ["too few losses", () => post("api/runs", body((r) => r.losses.pop())), 400, /losses must be a list of 40 numbers/],
      ["a NaN loss", () => post("api/runs", body((r) => (r.losses[3] = "NaN"))), 400, /losses\[3\] is "NaN"/],
      ["truncated weights", () => post("api/runs", body((r) => (r.parameters = r.parameters.slice(0, 1000)))), 400, /parameters must be LeNet-5's/],
      ["a confusion that does not count the test set", () => post("api/runs", body((r) => (r.evaluations[0].confusion[0] += 1))), 400, /must count the 10000 test images/],
      ["a surest mistake with another label", () => post("api/runs", body((r) => (r.surest[0].actual = (r.surest[0].actual + 1) % 10))), 400, /surest\[0\]\.actual must be test image \d+'s label/],
      ["surest mistakes out of order", () => post("api/runs", body((r) => r.surest.reverse())), 400, /surest\[1\] is surer than the one before it/],
      ["not JSON", () => post("api/runs", "{not json"), 400, /not valid JSON/],
      ["not a page run", () => post("api/runs", JSON.stringify({ hello: 1 })), 400, /not a page run/],
      ["too large", () => post("api/runs", JSON.stringify({ pad: "x".repeat(9 * 2 ** 20) })), 413, /at most 8 MiB/],
      ["another content type", () => post("api/runs", JSON.stringify(pageRun), { "content-type": "text/plain" }), 415, /application\/json/],
      ["another origin", () => post("api/runs", JSON.stringify(pageRun), { origin: "http://evil.example" }), 403, /dashboard's own pages/],
      ["another host", () => post("api/runs", JSON.stringify(pageRun), { host: "evil.example" }), 403, /only answers requests to localhost/],
    ];
    for (const [what, answer, status, message] of cases) {
      const { status: got, body: reply } = await answer().catch((error: Error) => {
        throw new Error(`${what}: ${error.message}`);
      });
      expect(got, what).toBe(status);
      expect(reply.error, what).toMatch(message);
    }
    expect(readdirSync(logdir).sort()).toEqual(before);
    expect(existsSync(join(logdir, "..", "escape"))).toBe(false);
  }, 120_000);
});

// The dashboard's seed-group routes, served for real (startBoard on a free
// port) over a logdir of runs written with our SummaryWriter and run.json
// files written by training's own writeRunSummary: two groups of two seeds
// (one seed of a group stops early), a group whose second seed is still
// training, a run repeating a seed, a run alone, a run without run.json, and
// a group's aggregate curves under _groups/ (for TensorBoard) that must not
// be listed as a run. The numbers are checked
// against means, deviations and ranges computed here from the values logged.

import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Board } from "../../src/board/server.js";
import { GROUP_RUNS_DIR } from "../../src/stats/run-groups.js";
import { SummaryWriter } from "../../src/tensorboard/summary-writer.js";
import { seedRunLoss, tempDir, writeSeedRun, writeTwoSeedGroups } from "./fixtures.js";
import { closeBoard, startLoadedBoard } from "./open-board.js";

let board: Board;

function get(path: string): Promise<{ status: number; body: string; type: string; disposition: string }> {
  const url = new URL(board.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({
        status: res.statusCode!, body: Buffer.concat(chunks).toString(), type: String(res.headers["content-type"]),
        disposition: String(res.headers["content-disposition"]),
      }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function getJson(path: string): Promise<{ status: number; json: any }> {
  const response = await get(path);
  return { status: response.status, json: JSON.parse(response.body) };
}

/** loss/train of a seed run as the event file holds it (float32), by step. */
function logged(activation: "relu" | "sigmoid", seed: number, lastStep = 200): Map<number, number> {
  const out = new Map<number, number>();
  for (let step = 10; step <= lastStep; step += 10) out.set(step, Math.fround(seedRunLoss(activation, seed, step)));
  return out;
}

/** What a group's curve must be at every step, computed here: n, mean, sample std, std / √n, min, max. */
function expectedCurve(curves: Map<number, number>[]): { step: number; n: number; mean: number; std: number; stderr: number; min: number; max: number }[] {
  const steps = [...new Set(curves.flatMap((c) => [...c.keys()]))].sort((a, b) => a - b);
  return steps.map((step) => {
    const values = curves.map((c) => c.get(step)).filter((v) => v !== undefined);
    const n = values.length;
    const mean = values.reduce((a, b) => a + b, 0) / n;
    const std = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
    return { step, n, mean, std, stderr: std / Math.sqrt(n), min: Math.min(...values), max: Math.max(...values) };
  });
}

const relu = expectedCurve([logged("relu", 0), logged("relu", 1)]);
const sigmoid = expectedCurve([logged("sigmoid", 0), logged("sigmoid", 1, 120)]);

beforeAll(async () => {
  const logdir = tempDir();
  writeTwoSeedGroups(logdir, { lastStep: 120 });
  // The same seed again: listed as a repeat, in no statistic (its numbers would move them far).
  writeSeedRun(logdir, "relu-adam-lr0.01-seed1-again", { activation: "relu", seed: 1, testAccuracy: 0.5 });
  writeSeedRun(logdir, "relu-adam-lr0.1-seed0", { activation: "relu", seed: 0, lr: "0.1", testAccuracy: 0.9 });
  // A group whose second seed is still training: its curve counts, its last evaluation is not a final result.
  writeSeedRun(logdir, "relu-adam-lr0.001-seed0", { activation: "relu", seed: 0, lr: "0.001", testAccuracy: 0.95 });
  writeSeedRun(logdir, "relu-adam-lr0.001-seed1", { activation: "relu", seed: 1, lr: "0.001", lastStep: 50, testAccuracy: 0.4, status: "running" });
  const noRunJson = new SummaryWriter(join(logdir, "no-run-json"), { flushIntervalMs: 0 });
  noRunJson.addScalar("loss/train", 1, 10);
  noRunJson.close();
  for (const curve of ["mean", "min", "max"]) {
    const aggregate = new SummaryWriter(join(logdir, GROUP_RUNS_DIR, "relu-adam-lr0.01", curve), { flushIntervalMs: 0 });
    aggregate.addScalar("loss/train", 5, 10);
    aggregate.close();
  }
  board = await startLoadedBoard(logdir);
}, 60_000);

afterAll(() => closeBoard(board));

describe("seed groups in the API", () => {
  it("does not list the group curves under _groups/ as runs", async () => {
    const runs = (await getJson("/api/runs")).json.runs.map((r: { name: string }) => r.name);
    expect(runs).toEqual([
      "no-run-json", "relu-adam-lr0.001-seed0", "relu-adam-lr0.001-seed1", "relu-adam-lr0.01-seed0", "relu-adam-lr0.01-seed1",
      "relu-adam-lr0.01-seed1-again", "relu-adam-lr0.1-seed0", "sigmoid-adam-lr0.01-seed0", "sigmoid-adam-lr0.01-seed1",
    ]);
    expect((await getJson("/api/tags")).json.scalars["loss/train"]).not.toContain(`${GROUP_RUNS_DIR}/relu-adam-lr0.01/mean`);
    expect((await getJson("/api/status")).json.runs).toBe(9);
    expect((await getJson(`/api/scalars?tag=loss/train&run=${GROUP_RUNS_DIR}/relu-adam-lr0.01/mean`)).status).toBe(404);
  });

  it("finds the groups of two seeds, with their repeats and the spread of their final test accuracy", async () => {
    const { status, json } = await getJson("/api/groups");
    expect(status).toBe(200);
    expect(json.groups.map((g: { name: string }) => g.name)).toEqual(["relu-adam-lr0.001", "relu-adam-lr0.01", "sigmoid-adam-lr0.01"]);
    const [training, reluGroup, sigmoidGroup] = json.groups;
    expect(training).toMatchObject({ runs: ["relu-adam-lr0.001-seed0", "relu-adam-lr0.001-seed1"], seeds: [0, 1] });
    expect(training.final).toEqual({
      n: 1, testAccuracy: { n: 1, mean: 0.95, std: null, min: 0.95, max: 0.95 }, trainAccuracy: { n: 1, mean: 0.96, std: null, min: 0.96, max: 0.96 },
      testLoss: { n: 1, mean: 0.12, std: null, min: 0.12, max: 0.12 }, trainLoss: { n: 1, mean: 0.1, std: null, min: 0.1, max: 0.1 },
    });
    expect(reluGroup).toMatchObject({ runs: ["relu-adam-lr0.01-seed0", "relu-adam-lr0.01-seed1"], seeds: [0, 1], repeats: ["relu-adam-lr0.01-seed1-again"] });
    expect(reluGroup.final.n).toBe(2);
    expect(reluGroup.final.testAccuracy.n).toBe(2);
    expect(reluGroup.final.testAccuracy.mean).toBeCloseTo(0.98, 12);
    expect(reluGroup.final.testAccuracy.std).toBeCloseTo(Math.sqrt(2 * 0.01 ** 2), 12);
    expect([reluGroup.final.testAccuracy.min, reluGroup.final.testAccuracy.max]).toEqual([0.97, 0.99]);
    expect(sigmoidGroup).toMatchObject({ runs: ["sigmoid-adam-lr0.01-seed0", "sigmoid-adam-lr0.01-seed1"], seeds: [0, 1], repeats: [] });
    expect(sigmoidGroup.final.testAccuracy.mean).toBeCloseTo(0.75, 12);
    // The run alone (lr 0.1) and the run without run.json are in no group.
    const members = json.groups.flatMap((g: { runs: string[]; repeats: string[] }) => [...g.runs, ...g.repeats]);
    expect(members).not.toContain("relu-adam-lr0.1-seed0");
    expect(members).not.toContain("no-run-json");
  });

  it("exports every step of each group's curve as CSV: n, mean, std, std error, min, max of its seeds", async () => {
    const response = await get("/api/groups/scalars/export?tag=loss/train&group=relu-adam-lr0.01&group=sigmoid-adam-lr0.01");
    expect(response.status).toBe(200);
    expect(response.type).toMatch(/^text\/csv/);
    expect(response.disposition).toBe('attachment; filename="loss_train-groups.csv"');
    const [header, ...lines] = response.body.trim().split("\n");
    expect(header).toBe("group,step,n,mean,std,stderr,min,max");
    expect(lines).toHaveLength(relu.length + sigmoid.length);
    const expected = [...relu.map((p) => ["relu-adam-lr0.01", p] as const), ...sigmoid.map((p) => ["sigmoid-adam-lr0.01", p] as const)];
    lines.forEach((line, i) => {
      const [group, ...numbers] = line.split(",");
      const [name, p] = expected[i]!;
      expect(group).toBe(name);
      const [step, n, mean, std, stderr, min, max] = numbers.map(Number);
      expect([step, n], line).toEqual([p.step, p.n]);
      expect(mean).toBeCloseTo(p.mean, 12);
      expect(std).toBeCloseTo(p.std, 12);
      expect(stderr).toBeCloseTo(p.stderr, 12);
      expect([min, max]).toEqual([p.min, p.max]);
    });
    // After step 120 only seed 0 of the sigmoid group has values: n 1, its value, no spread.
    const late = lines.find((l) => l.startsWith("sigmoid-adam-lr0.01,200,"))!.split(",").map(Number);
    expect(late.slice(2)).toEqual([1, logged("sigmoid", 0).get(200)!, 0, 0, logged("sigmoid", 0).get(200)!, logged("sigmoid", 0).get(200)!]);
  });

  it("exports the selected groups as JSON columns, and thins the drawing route's curves to every k-th step", async () => {
    const { status, json } = await getJson("/api/groups/scalars/export?tag=loss/train&group=sigmoid-adam-lr0.01&format=json");
    expect(status).toBe(200);
    expect(Object.keys(json.groups)).toEqual(["sigmoid-adam-lr0.01"]);
    const curve = json.groups["sigmoid-adam-lr0.01"];
    expect(curve.runs).toEqual(["sigmoid-adam-lr0.01-seed0", "sigmoid-adam-lr0.01-seed1"]);
    expect(curve.steps).toEqual(sigmoid.map((p) => p.step));
    expect(curve.n).toEqual(sigmoid.map((p) => p.n));
    expect(curve.min).toEqual(sigmoid.map((p) => p.min));
    expect(curve.max).toEqual(sigmoid.map((p) => p.max));
    curve.mean.forEach((mean: number, i: number) => expect(mean).toBeCloseTo(sigmoid[i]!.mean, 12));

    const thinned = (await getJson("/api/groups/scalars?tag=loss/train&group=relu-adam-lr0.01&samples=6")).json.groups["relu-adam-lr0.01"];
    expect(thinned.total).toBe(20);
    expect(thinned.steps).toEqual([10, 50, 90, 130, 170, 200]); // every ceil(20 / 6) = 4th step, and the last
    expect(thinned.max).toEqual(thinned.steps.map((step: number) => relu.find((p) => p.step === step)!.max));
    const whole = (await getJson("/api/groups/scalars?tag=loss/train")).json.groups;
    expect(Object.keys(whole)).toEqual(["relu-adam-lr0.001", "relu-adam-lr0.01", "sigmoid-adam-lr0.01"]);
    expect(whole["relu-adam-lr0.01"].steps).toHaveLength(20);
    // The run still training is in its group's curve up to where it got.
    expect(whole["relu-adam-lr0.001"].n).toEqual(whole["relu-adam-lr0.001"].steps.map((step: number) => (step <= 50 ? 2 : 1)));
  });

  it("answers bad parameters with 400 and unknown groups or tags with 404", async () => {
    const cases: [string, number, RegExp][] = [
      ["/api/groups?group=relu-adam-lr0.01", 400, /unknown query parameter "group"; this route takes none/],
      ["/api/groups/scalars/export", 400, /"tag" is required/],
      ["/api/groups/scalars/export?tag=loss/train&format=xml", 400, /"format" must be one of csv, json/],
      ["/api/groups/scalars/export?tag=loss/train&run=relu-adam-lr0.01-seed0", 400, /unknown query parameter "run"; this route takes tag, group, format/],
      ["/api/groups/scalars/export?tag=loss/train&tag=loss/test", 400, /"tag" is given 2 times/],
      ["/api/groups/scalars?tag=loss/train&samples=abc", 400, /"samples" must be an integer/],
      ["/api/groups/scalars?tag=loss/train&samples=-1", 400, /"samples" must be between/],
      ["/api/groups/scalars/export?tag=loss/train&group=relu-adam-lr0.1", 404, /no group "relu-adam-lr0.1" in the logdir \(GET \/api\/groups lists them\)/],
      ["/api/groups/scalars/export?tag=loss/test", 404, /no selected group has the scalar tag "loss\/test"/],
      ["/api/groups/scalars?tag=no/such/tag&group=relu-adam-lr0.01", 404, /no selected group has the scalar tag/],
    ];
    for (const [path, status, message] of cases) {
      const { status: actual, json } = await getJson(path);
      expect(actual, path).toBe(status);
      expect(json.error, path).toMatch(message);
    }
  });
});

// A resumed run shows each step once, everywhere: a real `lenet-lab train`
// killed (SIGKILL) after a checkpoint and after it had flushed later steps,
// then resumed while the dashboard watches it. The resumed process writes a
// new event file that starts with TensorBoard's restart marker; the events
// the killed process wrote after its checkpoint are superseded. The library
// reader (readRunEvents), the report's reading (readLogdir) and the
// dashboard's API must all give every step once, with the resumed process's
// values — the board also while the resume happens live.

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startBoard, type Board } from "../../src/board/server.js";
import { readLogdir } from "../../src/report/run-data.js";
import { readEventFile } from "../../src/tensorboard/reader.js";
import { readRunEvents, sortByStart } from "../../src/tensorboard/run-events.js";
import { scalarOf } from "../../src/tensorboard/summaries.js";
import { CHECKPOINT_FILE, readCheckpoint } from "../../src/train/checkpoint.js";
import { CLI } from "../cli-process.js";
import { removeTempDirs, tempDir } from "./fixtures.js";

// Long enough never to end before it is killed; the resume then trains only a little past the checkpoint.
const RUN = ["--iterations", "20000", "--eval-every", "50", "--checkpoint-every", "200", "--summaries", "standard", "--threads", "1"];
const RESUMED_ITERATIONS = 300;
const WAIT_MS = 120_000;

let board: Board | undefined;
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await board?.close();
  removeTempDirs();
});

const eventFiles = (runDir: string) => sortByStart(readdirSync(runDir).filter((f) => f.includes("tfevents")).map((f) => join(runDir, f)));

/** The steps of `tag` in one event file, in file order, with their values. */
function pointsInFile(path: string, tag: string): Map<number, number> {
  const points = new Map<number, number>();
  for (const { event } of readEventFile(path).events) {
    for (const value of event.summary?.value ?? []) if (value.tag === tag) points.set(Number(event.step ?? 0), scalarOf(value)!);
  }
  return points;
}

/** Runs the CLI without blocking the event loop (the board in this process must keep polling); resolves with its exit. */
function runCli(args: string[]): { done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>; kill: (signal: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stderr })));
  const timer = setTimeout(() => child.kill("SIGKILL"), WAIT_MS);
  void done.then(() => clearTimeout(timer));
  return { done, kill: (signal) => child.kill(signal) };
}

async function until(what: string, ready: () => boolean | Promise<boolean>): Promise<void> {
  for (const started = Date.now(); !(await ready()); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() - started > WAIT_MS) throw new Error(`timed out waiting until ${what}`);
  }
}

async function apiScalars(tag: string, run: string): Promise<{ steps: number[]; values: number[] }> {
  const response = await fetch(`${board!.url}api/scalars?tag=${encodeURIComponent(tag)}&run=${encodeURIComponent(run)}&samples=0`);
  return ((await response.json()) as { runs: Record<string, { steps: number[]; values: number[] }> }).runs[run] ?? { steps: [], values: [] };
}

describe("a run killed after its checkpoint and resumed", () => {
  it("shows every step once, with the resumed process's values, in the reader, the report and the live dashboard", async () => {
    const logdir = tempDir();
    const runDir = join(logdir, "killed");
    // Kill once the checkpoint is on disk and the event file holds steps well past it (flushed every 2 s).
    const first = runCli(["train", ...RUN, "--logdir", logdir, "--run-name", "killed"]);
    await until("the run has a checkpoint and has flushed steps past it", () => {
      if (!existsSync(join(runDir, CHECKPOINT_FILE))) return false;
      const files = eventFiles(runDir);
      if (files.length === 0) return false;
      const steps = [...pointsInFile(files[0], "loss/train").keys()];
      const lastCheckpoint = Math.floor(Math.max(0, ...steps) / 200) * 200;
      return lastCheckpoint >= 200 && steps.some((s) => s > lastCheckpoint + 50);
    });
    first.kill("SIGKILL");
    expect((await first.done).signal).toBe("SIGKILL");
    const [killedFile] = eventFiles(runDir);
    const killedSteps = [...pointsInFile(killedFile, "loss/train").keys()];
    const lastKilled = Math.max(...killedSteps);
    const lastStep = readCheckpoint(runDir).state.iteration + RESUMED_ITERATIONS;

    // The dashboard reads the killed run, then watches the resume happen.
    board = await startBoard({ logdir, port: 0, pollIntervalMs: 100 });
    await until("the board has read the killed run", async () => (await apiScalars("loss/train", "killed")).steps.includes(lastKilled));
    const resumed = runCli(["train", "--resume", runDir, "--iterations", String(lastStep)]);
    const outcome = await resumed.done;
    expect(outcome.code, outcome.stderr).toBe(0);

    const files = eventFiles(runDir);
    expect(files).toHaveLength(2);
    const resumedPoints = pointsInFile(files[1], "loss/train");
    const marker = readEventFile(files[1]).events.map(({ event }) => event).find((e) => e.sessionLog)!;
    const restartStep = Number(marker.step);
    // The killed process had written steps the resumed one wrote again: the overlap this test is about.
    const overlap = killedSteps.filter((s) => s >= restartStep);
    expect(overlap.length).toBeGreaterThan(3);
    expect(resumedPoints.size).toBeGreaterThan(0);

    /** Every step once, ascending, the killed file's values before the restart and the resumed file's from it on. */
    const killedPoints = pointsInFile(killedFile, "loss/train");
    const expectOnce = (steps: readonly number[], values: readonly number[], source: string) => {
      expect(new Set(steps).size, `${source}: a step appears twice`).toBe(steps.length);
      expect([...steps].sort((a, b) => a - b), source).toEqual(steps);
      expect(steps.at(-1), source).toBe(lastStep);
      steps.forEach((step, i) => {
        const expected = step >= restartStep ? resumedPoints.get(step) : killedPoints.get(step);
        expect(values[i], `${source} at step ${step}`).toBeCloseTo(expected!, 6);
      });
    };

    const merged = readRunEvents(runDir).events.flatMap((event) => (event.summary?.value ?? [])
      .filter((v) => v.tag === "loss/train").map((v) => ({ step: Number(event.step), value: scalarOf(v)! })));
    expectOnce(merged.map((p) => p.step), merged.map((p) => p.value), "readRunEvents");

    const report = readLogdir(logdir).runs.find((r) => r.name === "killed")!.scalars.get("loss/train")!;
    expectOnce(report.map((p) => p.step), report.map((p) => p.value), "the report's readLogdir");

    await until("the board has read the resumed run to its end", async () => (await apiScalars("loss/train", "killed")).steps.at(-1) === lastStep);
    const live = await apiScalars("loss/train", "killed");
    expectOnce(live.steps, live.values, "the live dashboard's /api/scalars");

    // Histograms and images: one per logged step, none left from the killed process past the restart.
    const histograms = await (await fetch(`${board.url}api/histograms?run=killed&tag=conv1%2Fweight`)).json() as { points: { step: number }[] };
    const histogramSteps = histograms.points.map((p) => p.step);
    expect(new Set(histogramSteps).size).toBe(histogramSteps.length);
    expect(histogramSteps.at(-1)).toBe(lastStep);
    const images = await (await fetch(`${board.url}api/images?run=killed&tag=kernels%2Fconv1`)).json() as { points: { step: number }[] };
    const imageSteps = images.points.map((p) => p.step);
    expect(new Set(imageSteps).size).toBe(imageSteps.length);

    // A board started afresh on the finished logdir gives the same.
    await board.close();
    board = await startBoard({ logdir, port: 0, pollIntervalMs: 100 });
    await until("a fresh board has read the run", async () => (await apiScalars("loss/train", "killed")).steps.at(-1) === lastStep);
    const fresh = await apiScalars("loss/train", "killed");
    expectOnce(fresh.steps, fresh.values, "a fresh dashboard's /api/scalars");
  }, 240_000);
});

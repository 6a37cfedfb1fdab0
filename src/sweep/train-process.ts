// One run of a grid as a `lenet-lab train --json` child process: starts it,
// passes on the lines it writes to stderr (its progress: one line per
// evaluation when stderr is not a terminal, e.g.
//   relu-adam-lr0.01  iter 50/2000  train loss 0.41  test loss 0.20  test acc 93.95%  812 img/s  9.1 s)
// and resolves with how it ended: the outcome (its JSON summary, or why it
// failed, from its "lenet-lab:" error lines) and its exit code, which the
// caller may read further (3 diverged, 130/143 stopped with a checkpoint).
// Never rejects. The local pool and the queue's workers both run runs so.
// Not here: which runs, how many at a time (local-pool.ts, src/queue).

import { ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { EarlyStopVerdict } from "../train/early-stop.js";

export interface RunOutcome {
  run: string;
  ok: boolean;
  /** The train command's JSON summary (ok) or why it failed. */
  result?: { testAccuracy: number; testLoss: number; seconds: number; runDir: string; stoppedEarly?: EarlyStopVerdict };
  error?: string;
}

export interface TrainProcessEnd {
  outcome: RunOutcome;
  /** The exit code (null when killed by a signal or never started). */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TrainProcess {
  child: ChildProcess;
  ended: Promise<TrainProcessEnd>;
}

export interface TrainProcessOptions {
  /** The program and leading arguments that run `lenet-lab` (e.g. [process.execPath, ".../cli/main.js"]). */
  command: readonly string[];
  /** A progress line the run wrote to stderr. */
  onLine(text: string): void;
  /** Start it in a process group of its own, so that a terminal's Ctrl-C reaches only the caller, which decides. */
  detached?: boolean;
}

/** Starts `lenet-lab …args` (args: "train", …, "--json") for the run `name`. */
export function startTrainProcess(name: string, args: readonly string[], options: TrainProcessOptions): TrainProcess {
  const [program, ...leading] = options.command;
  const child = spawn(program!, [...leading, ...args], { stdio: ["ignore", "pipe", "pipe"], detached: options.detached ?? false });
  const ended = new Promise<TrainProcessEnd>((resolveEnd) => {
    let stdout = "";
    const errors: string[] = [];
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    createInterface({ input: child.stderr! }).on("line", (line) => {
      if (line.startsWith("lenet-lab:") || errors.length > 0) errors.push(line.replace(/^lenet-lab:\s*/, ""));
      else options.onLine(line);
    });
    child.on("error", (error) =>
      resolveEnd({ outcome: { run: name, ok: false, error: `could not start: ${error.message}` }, code: null, signal: null }));
    child.on("close", (code, signal) => {
      const last = stdout.trim().split("\n").pop() ?? "";
      if (code === 0) {
        try {
          const result = JSON.parse(last);
          resolveEnd({ outcome: { run: name, ok: true, result }, code, signal });
          return;
        } catch {
          errors.push(`its last line of output is not the JSON summary: ${last.slice(0, 200)}`);
        }
      }
      const reason = errors.join(" ").trim() || (signal ? `killed by ${signal}` : `exit code ${code}`);
      resolveEnd({ outcome: { run: name, ok: false, error: reason }, code, signal });
    });
  });
  return { child, ended };
}

/** What a training progress line says, when it is one. */
export function parseProgressLine(text: string): { iteration: number; iterations: number; testAccuracy?: string } | null {
  const iter = /\biter(?:ation)?\s+(\d+)\s*\/\s*(\d+)/.exec(text);
  if (!iter) return null;
  const accuracy = /test acc(?:uracy)?\s+([\d.]+%)/.exec(text);
  return { iteration: Number(iter[1]), iterations: Number(iter[2]), testAccuracy: accuracy?.[1] };
}

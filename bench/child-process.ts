// Runs one of the bench's child processes (a lenet-lab command, the PyTorch
// script) to its end: what it printed and how long it took, or, when it
// exits with an error, a rejection with the last of its stderr. Not here:
// what each bench reads from the output (classic.ts, end-to-end.ts, pytorch.ts).

import { spawn } from "node:child_process";

export interface ChildOutput {
  stdout: string;
  stderr: string;
  /** Wall time from spawning to exit. */
  seconds: number;
}

/** Runs `command ...args` with stdin closed; rejects with `label exited with <code>` and stderr's last 2000 characters unless it exits with 0. */
export function runChild(command: string, args: readonly string[], label: string): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = (performance.now() - start) / 1000;
      if (code !== 0) reject(new Error(`${label} exited with ${code}:\n${stderr.slice(-2000)}`));
      else resolve({ stdout, stderr, seconds });
    });
  });
}

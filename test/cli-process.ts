// Running the built `lenet-lab` command as a user does, in a child process,
// for the tests that exercise the CLI end to end. `npm test` builds first.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built CLI (dist/src/cli/main.js). */
export const CLI = fileURLToPath(new URL("../dist/src/cli/main.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `lenet-lab ...args` to completion. */
export function lenetLab(...args: string[]): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `lenet-lab ...args` from bash after `shell` (e.g. "ulimit -f 1200", which then limits the command). */
export function lenetLabAfter(shell: string, ...args: string[]): CliResult {
  const result = spawnSync("bash", ["-c", `${shell}; exec "$0" "$@"`, process.execPath, CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Running TensorBoard's own loader (tb-oracle, in ../shared/tools next to the
// repository) on a logdir. The conformance tests live outside `npm test` (a
// user's machine has no ../shared); CI runs them with `npm run test:conformance`.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const ORACLE = resolve(REPO_ROOT, "../shared/tools/tb-oracle/oracle.py");
const PYTHON = "/usr/bin/python3";
const ORACLE_TIMEOUT_MS = 10 * 60_000;

/** Why the oracle cannot run here, or undefined if it can. */
export function oracleMissing(): string | undefined {
  if (!existsSync(ORACLE)) return `TensorBoard oracle not found at ${ORACLE}`;
  if (!existsSync(PYTHON)) return `${PYTHON} not found (the oracle needs Debian's Python)`;
  const probe = spawnSync(PYTHON, ["-c", "import google.protobuf, numpy, werkzeug, PIL"], { encoding: "utf8" });
  if (probe.status !== 0) return `the oracle's Python packages are missing (run ${resolve(ORACLE, "../install-deps.sh")}): ${probe.stderr.trim()}`;
  return undefined;
}

/**
 * Skips the test (with the reason) when the oracle cannot run, unless
 * LENET_LAB_REQUIRE_ORACLE=1 (set by .ci/run), where that is a failure.
 */
export function requireOracle(context: { skip: (note?: string) => void }): void {
  const missing = oracleMissing();
  if (!missing) return;
  if (process.env.LENET_LAB_REQUIRE_ORACLE === "1") throw new Error(`LENET_LAB_REQUIRE_ORACLE=1 but ${missing}`);
  console.warn(`skipping a TensorBoard conformance test: ${missing}`);
  context.skip(missing);
}

/**
 * The oracle's JSON report of logdir, read with --run-server-check and (unless
 * told otherwise) --strict, which fails on any problem; throws with its output
 * on failure.
 */
export function runOracle(logdir: string, options: { strict?: boolean } = {}): OracleReport {
  const args = [ORACLE, logdir, "--run-server-check", "--compact", ...(options.strict === false ? [] : ["--strict"])];
  // A synchronous child blocks vitest's own timeout, so the child gets one.
  const run = spawnSync(PYTHON, args, { encoding: "utf8", maxBuffer: 256 << 20, timeout: ORACLE_TIMEOUT_MS });
  if (run.error) throw new Error(`oracle did not finish: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`oracle failed (exit ${run.status}):\n${run.stderr}\n${run.stdout.slice(0, 4000)}`);
  return JSON.parse(run.stdout) as OracleReport;
}

export interface OracleReport {
  problems: string[];
  run_names: string[];
  runs: Record<string, Record<string, Record<string, Record<string, unknown>>>>;
  projector: { active: boolean; runs: Record<string, { embeddings: Record<string, unknown>[] }> };
  server_check: { ok: boolean; hparams: { session_groups: { name: string; hparams: Record<string, unknown>; metrics: Record<string, number> }[] } };
  event_files: { file_version: string; unread_trailing_bytes: number }[];
}

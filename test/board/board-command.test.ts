// `lenet-lab board` as a user runs it: the built CLI in a child process,
// serving until SIGINT, the logdir given as the argument or as --logdir;
// and its refusals of bad options (exit code 2).

import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir, writeSyntheticRun } from "./fixtures.js";

const CLI = fileURLToPath(new URL("../../dist/src/cli/main.js", import.meta.url));

afterAll(removeTempDirs);

describe("lenet-lab board", () => {
  /**
   * Starts `lenet-lab board ...args`, waits (at most 20 s) for the address it
   * prints, hands it to `check`, then stops the board with SIGINT and returns
   * its exit code and what it printed.
   */
  async function withBoard(args: string[], check: (url: string) => Promise<void>): Promise<{ code: number | null; stdout: string }> {
    const child = spawn(process.execPath, [CLI, "board", ...args, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => { stdout += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!/http:\/\/127\.0\.0\.1:\d+\//.test(stdout)) {
        if (Date.now() > deadline) throw new Error(`no address printed: ${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await check(/http:\/\/127\.0\.0\.1:\d+\//.exec(stdout)![0]);
    } finally {
      child.kill("SIGINT");
    }
    return { code: await exited, stdout };
  }

  const runNames = async (url: string) => ((await (await fetch(`${url}api/runs`)).json()) as { runs: { name: string }[] }).runs.map((r) => r.name);

  it("serves LOGDIR on 127.0.0.1 until interrupted", async () => {
    const logdir = tempDir();
    writeSyntheticRun(logdir, "run-a", { steps: 20, every: 10 });
    const { code } = await withBoard([logdir], async (url) => {
      expect(await runNames(url)).toEqual(["run-a"]);
      expect(await (await fetch(url)).text()).toMatch(/<title>lenet-lab board<\/title>/);
    });
    expect(code).toBe(0);
  });

  it("takes the logdir as --logdir too, as TensorBoard does", async () => {
    const logdir = tempDir();
    writeSyntheticRun(logdir, "run-b", { steps: 20, every: 10 });
    const { code, stdout } = await withBoard(["--logdir", logdir], async (url) => {
      expect(await runNames(url)).toEqual(["run-b"]);
    });
    expect(stdout).toContain(`serving ${logdir} at`);
    expect(code).toBe(0);
    const both = spawnSync(process.execPath, [CLI, "board", tempDir(), "--logdir", "/elsewhere"], { encoding: "utf8" });
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/two logdirs given, .* and --logdir \/elsewhere; give one/);
  });

  it("refuses a bad port and a missing logdir with exit code 2", () => {
    const badPort = spawnSync(process.execPath, [CLI, "board", tempDir(), "--port", "http"], { encoding: "utf8" });
    expect(badPort.status).toBe(2);
    expect(badPort.stderr).toMatch(/--port must be an integer from 0 to 65535, got "http"/);
    const missing = spawnSync(process.execPath, [CLI, "board", "/nonexistent/logdir"], { encoding: "utf8" });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/logdir \/nonexistent\/logdir is not a directory/);
  });
});

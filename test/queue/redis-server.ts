// A real redis-server (Debian's package) for the queue tests: started on a
// free loopback port with a temporary directory of its own, without
// persistence or (persistent: true) with an append-only file synced at every
// write, so that restart() (stopped, then started again on the same port and
// directory) brings back everything the queue held; waited for with a bounded
// wait, and stopped (its directory removed) by stop(), which a test calls in
// afterAll or finally, so that it goes even when a test fails. Also the child processes of the CLI that a test
// starts (workers, coordinators), kept in a list that stopAll() kills.
// .ci/run installs redis-server; elsewhere the tests skip without it, unless
// LENET_LAB_REQUIRE_REDIS=1 (CI).

import { ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { CLI } from "../cli-process.js";

export const REDIS_SERVER = "/usr/bin/redis-server";
const required = process.env.LENET_LAB_REQUIRE_REDIS === "1";
export const redisAvailable = existsSync(REDIS_SERVER);
if (required && !redisAvailable) throw new Error(`${REDIS_SERVER} is missing: .ci/run installs Debian's redis-server (apt-get install -y redis-server)`);

const START_TIMEOUT_MS = 10_000;

export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:PORT */
  url: string;
  /** A client of the server, for a test's own look at the queue. */
  client: Redis;
  /** Stops the server (SIGTERM: it writes its append-only file out), waits `downMs`, starts it again and waits until it answers. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** A port nothing listens on now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once("exit", () => resolveExit());
  });
}

/** Ends a process: SIGTERM, and SIGKILL after 5 s. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  await Promise.race([exited(child), new Promise((r) => setTimeout(r, 5_000))]);
  child.kill("SIGKILL");
}

/** Starts redis-server and waits (at most 10 s) until it answers PING. */
export async function startRedisServer(options: { persistent?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "lenet-lab-redis-"));
  const persistence = options.persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", ...persistence];
  let output = "";
  const launch = () => {
    const child = spawn(REDIS_SERVER, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    return child;
  };
  let server = launch();
  const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  client.on("error", () => {});
  const stop = async () => {
    client.disconnect();
    await terminate(server);
    rmSync(dir, { recursive: true, force: true });
  };
  const answering = async () => {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (server.exitCode !== null) {
        await stop();
        throw new Error(`redis-server exited with ${server.exitCode}: ${output}`);
      }
      try {
        if (client.status === "wait") await client.connect();
        if ((await client.ping()) === "PONG") return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`redis-server did not answer on port ${port} within ${START_TIMEOUT_MS / 1000} s: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await answering();
  const restart = async (downMs: number) => {
    await terminate(server);
    await new Promise((r) => setTimeout(r, downMs));
    server = launch();
    await answering();
  };
  return { port, url: `redis://127.0.0.1:${port}`, client, restart, stop };
}

/** A `lenet-lab` child process, its output so far, and its end. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];

/** Starts `lenet-lab ...args` and keeps it for stopAll(). */
export function startCli(...args: string[]): CliProcess {
  return startCliThrough([], ...args);
}

/** Starts `lenet-lab ...args` through the program `through` (e.g. ["unshare", "--mount", "--"]) and keeps it for stopAll(). */
export function startCliThrough(through: readonly string[], ...args: string[]): CliProcess {
  const [program, ...leading] = [...through, process.execPath, CLI, ...args];
  const child = spawn(program!, leading, { stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const ended = new Promise<number | null>((resolveEnd) => child.on("close", (code) => resolveEnd(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited: ended };
}

/** Kills every CLI process a test started that is still running (SIGKILL: a worker's runs go with it). */
export async function stopAll(): Promise<void> {
  const running = started.filter((child) => child.exitCode === null && child.signalCode === null);
  for (const child of running) child.kill("SIGKILL");
  await Promise.race([Promise.all(running.map(exited)), new Promise((r) => setTimeout(r, 5_000))]);
}

/** Polls `condition` every 50 ms until it holds; fails after `ms` naming `what`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

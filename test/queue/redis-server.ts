// A real redis-server (Debian's package) for the queue tests: started on a
// free loopback port with a temporary directory of its own and no
// persistence, waited for with a bounded wait, and stopped (its directory
// removed) by stop(), which a test file calls in afterAll, so that it goes
// even when a test fails. Also the child processes of the CLI that a test
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

/** Starts redis-server and waits (at most 10 s) until it answers PING. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "lenet-lab-redis-"));
  const server = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  server.stdout!.on("data", (chunk) => (output += chunk));
  server.stderr!.on("data", (chunk) => (output += chunk));
  const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  client.on("error", () => {});
  const stop = async () => {
    client.disconnect();
    if (server.exitCode === null && server.signalCode === null) {
      server.kill("SIGTERM");
      await Promise.race([exited(server), new Promise((r) => setTimeout(r, 5_000))]);
      server.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (server.exitCode !== null) {
      await stop();
      throw new Error(`redis-server exited with ${server.exitCode}: ${output}`);
    }
    try {
      if (client.status === "wait") await client.connect();
      if ((await client.ping()) === "PONG") break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not answer on port ${port} within ${START_TIMEOUT_MS / 1000} s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, url: `redis://127.0.0.1:${port}`, client, stop };
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
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
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

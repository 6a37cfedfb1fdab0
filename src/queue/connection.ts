// The Redis that a sweep's queue lives in: the --queue URL
// (redis://HOST[:PORT][/DB], rediss:// for TLS) parsed and checked before
// anything happens (a malformed one is a ConfigError: exit 2), a first
// connection with a bounded wait (Redis unreachable: QueueConnectionError,
// exit 1, naming the URL), the warning about an eviction policy that could
// drop jobs, and the long-lived ioredis client BullMQ works through, which
// reconnects by itself and says so. Every wait here is bounded.
// Not here: what goes into the queue (sweep-jobs.ts), who uses it
// (coordinator.ts, worker.ts).

import { Redis, RedisOptions } from "ioredis";
import { ConfigError } from "../train/config.js";
import { QueueConnectionError } from "./connection-error.js";

/** Redis could not be reached, or refused us: a clear message naming the URL (exit 1). */
export { QueueConnectionError } from "./connection-error.js";

export interface QueueAddress {
  /** The URL as given, with any password masked: for messages. */
  display: string;
  /** Host, port, database, credentials, TLS: what ioredis connects with. */
  options: RedisOptions;
}

const DEFAULT_PORT = 6379;
/** How long the first connection may take before Redis counts as unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;
/** How long a clean close of a BullMQ object may take before its connection is cut. */
const CLOSE_TIMEOUT_MS = 5_000;

/** redis://[user:password@]HOST[:PORT][/DB] → its parts; a ConfigError (exit 2) says what is wrong with a bad one. */
export function parseQueueUrl(text: string): QueueAddress {
  const example = "give redis://HOST:PORT[/DB], e.g. --queue redis://127.0.0.1:6379/0";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`--queue "${text}" is not a valid URL; ${example}`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new ConfigError(`--queue "${text}" is not a Redis URL (it starts with ${url.protocol}//); ${example}, or rediss:// for TLS`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw new ConfigError(`--queue "${text}" names no host; ${example}`);
  const port = url.port === "" ? DEFAULT_PORT : Number(url.port);
  if (!(port >= 1 && port <= 65535)) throw new ConfigError(`--queue "${text}" has port ${url.port}, not 1 … 65535; ${example}`);
  const dbMatch = /^\/?(\d*)$/.exec(url.pathname);
  if (!dbMatch) throw new ConfigError(`--queue "${text}": the path "${url.pathname}" is not a database number; ${example}`);
  if (url.search !== "" || url.hash !== "") throw new ConfigError(`--queue "${text}" takes no query or fragment; ${example}`);
  const masked = new URL(url.href);
  if (masked.password !== "") masked.password = "***";
  return {
    display: masked.href.replace(/\/$/, ""),
    options: {
      host,
      port,
      db: dbMatch[1] === "" ? 0 : Number(dbMatch[1]),
      ...(url.username !== "" ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password !== "" ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.protocol === "rediss:" ? { tls: {} } : {}),
    },
  };
}

/** `promise`, or a rejection saying what took too long. */
export function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Connects once, without retrying, to see that Redis is there and usable:
 * throws a QueueConnectionError naming the URL when it is not (unreachable,
 * a wrong password, a Redis older than BullMQ needs), and warns through `warn`
 * when its maxmemory-policy would evict keys (BullMQ's jobs among them).
 */
export async function checkRedis(address: QueueAddress, warn: (text: string) => void): Promise<void> {
  const probe = new Redis({
    ...address.options, lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 0,
    enableOfflineQueue: false, retryStrategy: () => null,
  });
  let cause: Error | undefined; // what the socket said (ECONNREFUSED, ENOTFOUND, …): more than "Connection is closed"
  probe.on("error", (error: Error) => (cause ??= error));
  try {
    await bounded(probe.connect(), CONNECT_TIMEOUT_MS + 1_000, "connecting");
    const info = await bounded(probe.info(), CONNECT_TIMEOUT_MS, "INFO");
    const field = (name: string) => new RegExp(`^${name}:(.*)$`, "m").exec(info)?.[1]?.trim();
    const version = field("redis_version") ?? "0";
    if (Number(version.split(".")[0]) < 5) {
      throw new Error(`it runs Redis ${version}, and BullMQ needs 5.0 or newer (6.2 or newer recommended)`);
    }
    const policy = field("maxmemory_policy");
    if (policy !== undefined && policy !== "noeviction") {
      warn(`Redis at ${address.display} has maxmemory-policy ${policy}: when its memory is full it evicts keys, and queued runs ` +
        "can vanish. BullMQ needs noeviction: CONFIG SET maxmemory-policy noeviction (and the same in redis.conf)");
    }
  } catch (error) {
    const reason = (cause ?? (error as Error)).message.replace(/\.+$/, "");
    const unreachable = /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|took longer/.test(reason);
    throw new QueueConnectionError(`cannot use Redis at ${address.display}: ${reason}` +
      (unreachable ? ". Is redis-server running there, and reachable from this machine (host, port, firewall, its bind address)?" : ""));
  } finally {
    if (probe.status !== "end") probe.disconnect(); // (on an ended client it would hold the process for 2 s)
  }
}

/**
 * The long-lived client BullMQ works through (it duplicates it for its
 * blocking reads): retries forever, every 0.5 … 5 s, so that a Redis that
 * restarts or a network that drops is waited out; `log` says when the
 * connection is lost and when it is back.
 */
export function openRedis(address: QueueAddress, log: (text: string) => void): Redis {
  const redis = new Redis({
    ...address.options, maxRetriesPerRequest: null, connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(500 * times, 5_000),
  });
  let lost = false;
  redis.on("error", (error: Error) => {
    if (lost) return;
    lost = true;
    log(`lost the connection to Redis at ${address.display} (${error.message}); reconnecting`);
  });
  redis.on("ready", () => {
    if (!lost) return;
    lost = false;
    log(`reconnected to Redis at ${address.display}`);
  });
  return redis;
}

/** A BullMQ object: a clean close (which waits for Redis), and a forced one. */
export interface Closable {
  close(): Promise<unknown>;
  disconnect?(): Promise<unknown>;
}

/**
 * Closes BullMQ objects, each within a bounded time; one whose clean close
 * does not finish (Redis away) is disconnected by force, so that none keeps
 * the process alive reconnecting. Then cuts the client.
 */
export async function closeAll(closables: readonly Closable[], redis: Redis): Promise<void> {
  await Promise.all(closables.map((c) => bounded(c.close(), CLOSE_TIMEOUT_MS, "closing").catch(async () => {
    await bounded(c.disconnect?.() ?? Promise.resolve(), CLOSE_TIMEOUT_MS, "disconnecting").catch(() => undefined);
  })));
  redis.disconnect();
}

// Starts and stops the dashboard: the logdir index, the Hono app, and an
// HTTP server bound to 127.0.0.1 unless another host is asked for.
// Not here: the command line (src/cli/board-command.ts), the routes (api.ts).

import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { createApp } from "./api.js";
import { loadAssets } from "./assets.js";
import { LogdirIndex } from "./logdir-index.js";

export interface BoardOptions {
  logdir: string;
  /** Default 127.0.0.1; "0.0.0.0" serves every interface and must be asked for. */
  host?: string;
  /** Default 6006; 0 picks a free port. */
  port?: number;
  /** How often the logdir is polled for new data, in ms (default 1000). */
  pollIntervalMs?: number;
  /** The built front end (default dist/board-web of this package). */
  assetDir?: string;
  /** Send the headers that make the page cross-origin isolated (default true): the Train page then trains on every core. */
  crossOriginIsolated?: boolean;
}

export interface Board {
  url: string;
  index: LogdirIndex;
  close(): Promise<void>;
}

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 6006;

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Starts the dashboard; resolves once the server listens and the runs are listed. */
export async function startBoard(options: BoardOptions): Promise<Board> {
  const host = options.host ?? DEFAULT_HOST;
  const assets = loadAssets(options.assetDir);
  const index = new LogdirIndex(options.logdir, { pollIntervalMs: options.pollIntervalMs });
  await index.start();
  const app = createApp(index, assets, { loopbackOnly: isLoopback(host), crossOriginIsolated: options.crossOriginIsolated });
  let server: ServerType;
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server = serve({ fetch: app.fetch, hostname: host, port: options.port ?? DEFAULT_PORT }, resolve);
    server.once("error", reject);
  });
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    index,
    async close() {
      await index.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open event streams would keep the server from closing.
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}

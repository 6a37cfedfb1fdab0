// The dashboard's HTTP routes (Hono): a small read-only JSON API over the
// logdir index and its seed groups, the live event stream (SSE), files of a
// run directory, and the built front end. Every query parameter is checked: a
// missing, unknown or malformed one is a 400 with a message naming it; an
// unknown run, group or tag is a 404. The routes are listed, one line each, in the README ("Dashboard").
// Not here: reading the logdir (logdir-index.ts), path safety (safe-path.ts),
// the JSON bodies (responses.ts, groups.ts).

import { readFileSync } from "node:fs";
import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import { contentTypeOf, type Asset } from "./assets.js";
import { bodyLimit } from "hono/body-limit";
import { PLAYGROUND_DIR, playgroundFiles } from "./playground.js";
import { loadDataset } from "../data/datasets.js";
import { ConfigError } from "../train/config.js";
import { PAGE_RUN_MAX_BYTES, PageRunError, checkPageRun, keepPageRun } from "../train/keep-page-run.js";
import { findGroups, groupCurve, groupCurveColumns, groupCurvesCsv, groupInfo, type GroupCurve } from "./groups.js";
import type { LogdirIndex, RunEntry } from "./logdir-index.js";
import { configResponse, runInfo, scalarPoints, scalarsCsv, tagsResponse } from "./responses.js";
import { listFc2Files, readEmbedding, readProjectorConfig } from "./run-files.js";
import type { ScalarSeries } from "./run-store.js";
import { checkRelativePath, resolveInside, UnsafePathError } from "./safe-path.js";

export class HttpError extends Error {
  constructor(readonly status: 400 | 403 | 404 | 409 | 415, message: string) {
    super(message);
  }
}

/** Refuses parameters the route does not know (a typo should not be silently ignored). */
function allowOnly(c: Context, names: readonly string[]): void {
  for (const name of new URL(c.req.url).searchParams.keys()) {
    if (!names.includes(name)) throw new HttpError(400, `unknown query parameter "${name}"; this route takes ${names.length ? names.join(", ") : "none"}`);
  }
}

function required(c: Context, name: string): string {
  const values = c.req.queries(name) ?? [];
  if (values.length === 0 || values[0] === "") throw new HttpError(400, `query parameter "${name}" is required`);
  if (values.length > 1) throw new HttpError(400, `query parameter "${name}" is given ${values.length} times; give it once`);
  return values[0]!;
}

function integer(c: Context, name: string, fallback: number, min: number, max: number): number {
  const text = c.req.query(name);
  if (text === undefined) return fallback;
  if (!/^-?\d+$/.test(text)) throw new HttpError(400, `query parameter "${name}" must be an integer, got ${JSON.stringify(text)}`);
  const value = Number(text);
  if (value < min || value > max) throw new HttpError(400, `query parameter "${name}" must be between ${min} and ${max}, got ${value}`);
  return value;
}

function oneOf<T extends string>(c: Context, name: string, choices: readonly T[], fallback: T): T {
  const text = c.req.query(name);
  if (text === undefined) return fallback;
  if (!choices.includes(text as T)) throw new HttpError(400, `query parameter "${name}" must be one of ${choices.join(", ")}, got ${JSON.stringify(text)}`);
  return text as T;
}

function runOf(index: LogdirIndex, name: string): RunEntry {
  const run = index.runs.get(name);
  if (!run) throw new HttpError(404, `no run ${JSON.stringify(name)} in the logdir (GET /api/runs lists them)`);
  return run;
}

function tagOf<T>(map: Map<string, T>, tag: string, run: string, kind: string): T {
  const value = map.get(tag);
  if (value === undefined) throw new HttpError(404, `run ${JSON.stringify(run)} has no ${kind} tag ${JSON.stringify(tag)}`);
  return value;
}

/** The runs named by repeated `run` parameters (all runs when none) that have the scalar `tag`. */
function scalarSeriesOf(c: Context, index: LogdirIndex, tag: string): Map<string, ScalarSeries> {
  const names = c.req.queries("run") ?? [];
  const runs = names.length > 0 ? names.map((name) => runOf(index, name)) : [...index.runs.values()];
  const out = new Map<string, ScalarSeries>();
  for (const run of runs) {
    const series = run.store.scalars.get(tag);
    if (series) out.set(run.name, series);
  }
  if (out.size === 0) throw new HttpError(404, `no selected run has the scalar tag ${JSON.stringify(tag)}`);
  return out;
}

/** The groups named by repeated `group` parameters (all groups when none) whose runs logged the scalar `tag`, with their curves. */
function groupCurvesOf(c: Context, index: LogdirIndex, tag: string): Map<string, GroupCurve> {
  const groups = findGroups(index);
  const names = c.req.queries("group") ?? [];
  const selected = names.length > 0 ? names.map((name) => {
    const group = groups.find((g) => g.name === name);
    if (!group) throw new HttpError(404, `no group ${JSON.stringify(name)} in the logdir (GET /api/groups lists them)`);
    return group;
  }) : groups;
  const out = new Map<string, GroupCurve>();
  for (const group of selected) {
    const curve = groupCurve(group, tag);
    if (curve) out.set(group.name, curve);
  }
  if (out.size === 0) {
    throw new HttpError(404, groups.length === 0
      ? "the logdir has no group: a group is two or more runs whose run.json configs differ only in the seed"
      : `no selected group has the scalar tag ${JSON.stringify(tag)}`);
  }
  return out;
}

/** A download named `<name>.<format>` (name's characters outside [A-Za-z0-9._-] as "_"): the CSV text, or the JSON value. */
function download(c: Context, name: string, format: "csv" | "json", csv: () => string, json: () => unknown): Response {
  const file = name.replace(/[^A-Za-z0-9._-]/g, "_");
  c.header("Content-Disposition", `attachment; filename="${file}.${format}"`);
  if (format === "csv") return c.body(csv(), 200, { "Content-Type": "text/csv; charset=utf-8" });
  return c.json(json());
}

/**
 * A scalar tag's series of the runs or groups a request selects (repeated
 * `run` or `group` parameters), answered by two routes:
 *   GET path?tag&selector&samples   { tag, runs | groups: name → its points, thinned to `samples` }
 *   GET path/export?tag&selector&format   all their points, as a CSV or JSON file (download)
 */
function seriesRoutes<S, Points>(
  app: Hono, path: string, selector: "run" | "group",
  seriesOf: (c: Context, tag: string) => Map<string, S>,
  points: (series: S, samples: number) => Points,
  csv: (series: Map<string, S>) => string,
  fileName: (tag: string) => string,
): void {
  const key = `${selector}s`;
  const pointsOf = (series: Map<string, S>, samples: number) =>
    Object.fromEntries([...series].map(([name, s]) => [name, points(s, samples)]));
  app.get(path, (c) => {
    allowOnly(c, ["tag", selector, "samples"]);
    const tag = required(c, "tag");
    const samples = integer(c, "samples", 1000, 0, 1_000_000);
    return c.json({ tag, [key]: pointsOf(seriesOf(c, tag), samples) });
  });
  app.get(`${path}/export`, (c) => {
    allowOnly(c, ["tag", selector, "format"]);
    const tag = required(c, "tag");
    const format = oneOf(c, "format", ["csv", "json"] as const, "csv");
    const series = seriesOf(c, tag);
    return download(c, fileName(tag), format, () => csv(series), () => ({ tag, [key]: pointsOf(series, 0) }));
  });
}

const SSE_PING_MS = 15_000;

/** The Hono app: API under /api, the front end everywhere else. */
export function createApp(index: LogdirIndex, assets: Map<string, Asset>,
  options: { loopbackOnly?: boolean; crossOriginIsolated?: boolean } = {}): Hono {
  const app = new Hono();

  // Bound to loopback, answer only requests addressed to loopback: a web page
  // elsewhere cannot reach the dashboard through DNS rebinding.
  if (options.loopbackOnly) {
    app.use(async (c, next) => {
      const host = (c.req.header("host") ?? "").replace(/:\d+$/, "");
      if (!["localhost", "127.0.0.1", "[::1]"].includes(host)) {
        return c.json({ error: `the dashboard only answers requests to localhost, not to ${JSON.stringify(host)}` }, 403);
      }
      await next();
    });
  }

  // Cross-origin isolation lets the Train page hand its network's shared
  // memory to more than one Web Worker. Every file the page loads comes from
  // here, so requiring cross-origin resources to opt in costs it nothing.
  if (options.crossOriginIsolated ?? true) {
    app.use(async (c, next) => {
      await next();
      c.header("Cross-Origin-Opener-Policy", "same-origin");
      c.header("Cross-Origin-Embedder-Policy", "require-corp");
    });
  }

  app.onError((error, c) => {
    if (error instanceof HttpError || error instanceof UnsafePathError) return c.json({ error: error.message }, error.status);
    console.error(`lenet-lab board: ${error.stack ?? error.message}`);
    return c.json({ error: `internal error: ${error.message}` }, 500);
  });
  app.notFound((c) => c.json({ error: `no such route: ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));

  app.get("/api/status", (c) => {
    allowOnly(c, []);
    return c.json({ logdir: index.logdir, ...index.status() });
  });

  app.get("/api/runs", (c) => {
    allowOnly(c, []);
    const runs = [...index.runs.values()].sort((a, b) => a.name.localeCompare(b.name)).map((run) => runInfo(index, run));
    return c.json({ runs });
  });

  app.get("/api/tags", (c) => {
    allowOnly(c, []);
    return c.json(tagsResponse(index));
  });

  app.get("/api/config", (c) => {
    allowOnly(c, []);
    return c.json({ runs: configResponse(index) });
  });

  seriesRoutes(app, "/api/scalars", "run", (c, tag) => scalarSeriesOf(c, index, tag), scalarPoints, scalarsCsv, (tag) => tag);

  app.get("/api/groups", (c) => {
    allowOnly(c, []);
    return c.json({ groups: findGroups(index).map(groupInfo) });
  });

  seriesRoutes(app, "/api/groups/scalars", "group", (c, tag) => groupCurvesOf(c, index, tag), groupCurveColumns, groupCurvesCsv,
    (tag) => `${tag}-groups`);

  app.get("/api/histograms", (c) => {
    allowOnly(c, ["tag", "run", "samples"]);
    const run = runOf(index, required(c, "run"));
    const tag = required(c, "tag");
    const samples = integer(c, "samples", 0, 0, 100_000);
    const all = [...tagOf(run.store.histograms, tag, run.name, "histogram")].sort((a, b) => a.step - b.step);
    const stride = samples > 0 && all.length > samples ? Math.ceil(all.length / samples) : 1;
    const points = all.filter((_, i) => i % stride === 0 || i === all.length - 1);
    return c.json({ run: run.name, tag, total: all.length, points });
  });

  app.get("/api/images", (c) => {
    allowOnly(c, ["tag", "run"]);
    const run = runOf(index, required(c, "run"));
    const tag = required(c, "tag");
    const points = tagOf(run.store.images, tag, run.name, "image").map((p, index) => ({
      index, step: p.step, wallTime: p.wallTime, width: p.width, height: p.height, sample: p.sample,
    }));
    return c.json({ run: run.name, tag, points });
  });

  app.get("/api/image", (c) => {
    allowOnly(c, ["tag", "run", "index"]);
    const run = runOf(index, required(c, "run"));
    const tag = required(c, "tag");
    const list = tagOf(run.store.images, tag, run.name, "image");
    const i = integer(c, "index", -1, 0, Number.MAX_SAFE_INTEGER);
    if (i < 0) throw new HttpError(400, `query parameter "index" is required`);
    const image = list[i];
    if (!image) throw new HttpError(404, `image ${tag} of run ${run.name} has ${list.length} entries; index ${i} is past the end`);
    return c.body(image.png as Uint8Array<ArrayBuffer>, 200, { "Content-Type": "image/png", "Cache-Control": "max-age=3600" });
  });

  app.get("/api/text", (c) => {
    allowOnly(c, ["run"]);
    const run = runOf(index, required(c, "run"));
    return c.json({ run: run.name, tags: Object.fromEntries(run.store.texts) });
  });

  app.get("/api/fc2", (c) => {
    allowOnly(c, ["run"]);
    const run = runOf(index, required(c, "run"));
    const listing = listFc2Files(run.dir);
    return c.json({ run: run.name, digits: listing?.digits ?? [], files: listing?.files ?? [] });
  });

  app.get("/api/embeddings", (c) => {
    allowOnly(c, ["run"]);
    const run = runOf(index, required(c, "run"));
    return c.json({ run: run.name, embeddings: readProjectorConfig(run.dir).map((e, i) => ({ index: i, name: e.tensorName })) });
  });

  app.get("/api/embedding", (c) => {
    allowOnly(c, ["run", "index"]);
    const run = runOf(index, required(c, "run"));
    const i = integer(c, "index", 0, 0, 10_000);
    const embeddings = readProjectorConfig(run.dir);
    const embedding = embeddings[i];
    if (!embedding) throw new HttpError(404, `run ${run.name} has ${embeddings.length} embeddings; index ${i} is past the end`);
    return c.json(readEmbedding(index.logdirReal, run.dir, embedding));
  });

  app.get("/api/file", (c) => {
    allowOnly(c, ["run", "path"]);
    const run = runOf(index, required(c, "run"));
    const path = required(c, "path");
    checkRelativePath(path);
    const contentType = contentTypeOf(path);
    if (!contentType || /\.(html|js|css|svg|map)$/i.test(path)) {
      throw new HttpError(403, `only images and data files (.png, .csv, .tsv, .json, .txt, .pbtxt) are served, not ${JSON.stringify(path)}`);
    }
    const real = resolveInside(index.logdirReal, run.dir, path);
    let body: Buffer;
    try {
      body = readFileSync(real);
    } catch {
      throw new HttpError(404, `${path} is not a readable file`);
    }
    return c.body(body as Uint8Array<ArrayBuffer>, 200, { "Content-Type": contentType, "X-Content-Type-Options": "nosniff" });
  });

  app.get("/api/events", (c) => {
    allowOnly(c, []);
    return streamSSE(c, async (stream) => {
      const send = (event: string, data: unknown) => void stream.writeSSE({ event, data: JSON.stringify(data) }).catch(() => undefined);
      const onRuns = (runs: string[]) => send("runs", { runs });
      const onData = (change: { run: string; kinds: string[] }) => send("data", change);
      const onStatus = (status: unknown) => send("status", status);
      index.on("runs", onRuns);
      index.on("data", onData);
      index.on("status", onStatus);
      send("status", index.status());
      const ping = setInterval(() => send("ping", {}), SSE_PING_MS);
      await new Promise<void>((done) => stream.onAbort(done));
      clearInterval(ping);
      index.off("runs", onRuns);
      index.off("data", onData);
      index.off("status", onStatus);
    });
  });

  // Keeping a run trained in the Train page: written into the logdir as an
  // ordinary run directory (src/train/keep-page-run.ts). Only JSON, only from
  // the dashboard's own pages (a page elsewhere cannot send JSON here without
  // a preflight this server never answers, and its Origin would differ), only
  // what a finished run of LeNet-5 can be, never over an existing run.
  app.post("/api/runs", bodyLimit({
    maxSize: PAGE_RUN_MAX_BYTES,
    onError: (c) => c.json({ error: `a run is at most ${PAGE_RUN_MAX_BYTES / 2 ** 20} MiB of JSON; this one is larger` }, 413),
  }), async (c) => {
    allowOnly(c, []);
    const origin = c.req.header("origin");
    if (origin !== undefined && new URL(origin).host !== c.req.header("host")) {
      throw new HttpError(403, `runs can only be saved from the dashboard's own pages, not from ${origin}`);
    }
    if (!/^application\/json\b/.test(c.req.header("content-type") ?? "")) throw new HttpError(415, "send the run as application/json");
    const body = await c.req.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      throw new HttpError(400, `the run is not valid JSON (${(error as Error).message})`);
    }
    const dataset = loadDataset();
    let summary;
    try {
      summary = await keepPageRun(checkPageRun(parsed, index.logdir, dataset), dataset);
    } catch (error) {
      if (error instanceof PageRunError) throw new HttpError(400, error.message);
      if (error instanceof ConfigError) throw new HttpError(409, error.message);
      throw error;
    }
    return c.json({ run: summary.run, runDir: summary.runDir, testAccuracy: summary.final?.testAccuracy ?? null }, 201);
  });

  const playground = playgroundFiles();
  app.get(`/${PLAYGROUND_DIR}/*`, (c) => {
    const name = new URL(c.req.url).pathname.slice(PLAYGROUND_DIR.length + 2);
    const file = playground.get(name);
    if (!file) throw new HttpError(404, `no playground file ${JSON.stringify(name)} (there are: ${[...playground.keys()].join(", ")})`);
    return c.body(file.read() as Uint8Array<ArrayBuffer>, 200, { "Content-Type": file.contentType, "Cache-Control": "no-cache" });
  });

  app.all("/api/*", (c) => c.json({ error: `no such route: ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));

  app.get("*", (c) => {
    const pathname = new URL(c.req.url).pathname;
    const asset = assets.get(pathname === "/" ? "/index.html" : pathname);
    if (!asset) return c.json({ error: `no such file: ${pathname}` }, 404);
    const cache = pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache";
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, { "Content-Type": asset.contentType, "Cache-Control": cache });
  });

  return app;
}

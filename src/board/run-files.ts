// The files next to a run's event files that the dashboard shows: run.json
// (config and results of a lenet-lab run), the fc2 feature maps of issue 5
// (`fc2/digit-<d>.png`, `class-means.png`, …) and the embedding projector's
// files (projector_config.pbtxt with its tensors and metadata TSVs and sprite).
// Reads on demand; every problem becomes a message, never an exception.
// run.json is read two ways: flattened for the Config tab, and as the config
// and final results that seed groups are made of (groups.ts).
// Not here: event files (event-scanner.ts), path checks (safe-path.ts).

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CONFIG, type RunConfig } from "../train/config.js";
import { resolveInside } from "./safe-path.js";

export const RUN_JSON = "run.json";
export const FC2_DIR = "fc2";
export const PROJECTOR_CONFIG = "projector_config.pbtxt";

/** run.json flattened to "config/lr": 0.01, "final/testAccuracy": 0.98, … (history left out). */
export function readRunJson(runDir: string): { values?: Record<string, string | number | boolean | null>; problem?: string } {
  const path = join(runDir, RUN_JSON);
  if (!existsSync(path)) return {};
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    const values: Record<string, string | number | boolean | null> = {};
    const visit = (prefix: string, value: unknown): void => {
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        for (const [key, inner] of Object.entries(value)) visit(prefix ? `${prefix}/${key}` : key, inner);
      } else if (!Array.isArray(value)) {
        values[prefix] = value as string | number | boolean | null;
      }
    };
    for (const [key, value] of Object.entries(parsed)) {
      if (key === "history" || key === "runDir") continue;
      visit(key, value);
    }
    return { values };
  } catch (error) {
    return { problem: `${RUN_JSON} could not be read: ${(error as Error).message}` };
  }
}

/** What a run's run.json says about its experiment: the config, and the final results once evaluated. */
export interface RunConfigAndResults {
  /** The run's config; a setting missing from an older run.json takes today's default. */
  config: RunConfig;
  /** run.json's `final` (trainLoss, trainAccuracy, testLoss, testAccuracy, …): its numbers, or null before the first evaluation. */
  final: Record<string, number> | null;
  /** True when the run finished training (status "finished"; older run.json files without a status: once it has final results). */
  finished: boolean;
}

/** The config and final results of run.json; undefined when there is no run.json or it has no `config` object. */
export function readRunConfig(runDir: string): RunConfigAndResults | undefined {
  const path = join(runDir, RUN_JSON);
  if (!existsSync(path)) return undefined;
  let parsed: { config?: unknown; final?: unknown; status?: unknown };
  try {
    parsed = JSON.parse(readFileSync(path, "utf8")) as { config?: unknown; final?: unknown; status?: unknown };
  } catch {
    return undefined; // readRunJson reports the problem on the run (GET /api/runs)
  }
  if (parsed === null || typeof parsed !== "object") return undefined;
  const { config, final, status } = parsed;
  if (config === null || typeof config !== "object" || Array.isArray(config)) return undefined;
  const numbers = final !== null && typeof final === "object" && !Array.isArray(final)
    ? Object.fromEntries(Object.entries(final).filter((entry): entry is [string, number] => typeof entry[1] === "number"))
    : null;
  return {
    config: { runName: "", summaryEvery: 0, threads: 1, ...DEFAULT_CONFIG, ...config } as RunConfig,
    final: numbers,
    finished: (status === undefined || status === "finished") && numbers !== null,
  };
}

/** The fc2 files of a run: which digit maps exist, and the other figures. */
export interface Fc2Listing {
  digits: number[];
  files: string[];
}

export function listFc2Files(runDir: string): Fc2Listing | undefined {
  const dir = join(runDir, FC2_DIR);
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) return undefined;
    names = readdirSync(dir).filter((name) => /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name)).sort();
  } catch {
    return undefined;
  }
  const digits = names.map((name) => /^digit-(\d+)\.png$/.exec(name)).filter((m) => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
  return { digits, files: names };
}

/** One `embeddings { … }` block of projector_config.pbtxt. */
export interface ProjectorEmbedding {
  tensorName: string;
  tensorPath: string;
  metadataPath?: string;
  spritePath?: string;
  spriteDim?: [number, number];
}

/** Parses the subset of protobuf text format the projector config uses. */
export function parseProjectorConfig(text: string): ProjectorEmbedding[] {
  const embeddings: ProjectorEmbedding[] = [];
  const blocks = text.split(/\bembeddings\s*\{/).slice(1);
  const unquote = (s: string) => s.replace(/\\(["\\])/g, "$1").replace(/\\n/g, "\n");
  for (const block of blocks) {
    const field = (name: string) => {
      const m = new RegExp(`\\b${name}\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(block);
      return m ? unquote(m[1]!) : undefined;
    };
    const tensorPath = field("tensor_path");
    if (!tensorPath) continue;
    const dims = [...block.matchAll(/\bsingle_image_dim\s*:\s*(\d+)/g)].map((m) => Number(m[1]));
    embeddings.push({
      tensorName: field("tensor_name") ?? tensorPath,
      tensorPath,
      metadataPath: field("metadata_path"),
      spritePath: field("image_path"),
      spriteDim: dims.length === 2 ? [dims[0]!, dims[1]!] : undefined,
    });
  }
  return embeddings;
}

export function readProjectorConfig(runDir: string): ProjectorEmbedding[] {
  const path = join(runDir, PROJECTOR_CONFIG);
  if (!existsSync(path)) return [];
  return parseProjectorConfig(readFileSync(path, "utf8"));
}

/** The points of an embedding: vectors, labels (first metadata column) and the metadata table. */
export interface EmbeddingData {
  name: string;
  rows: number;
  cols: number;
  vectors: number[][];
  header: string[];
  metadata: string[][];
  sprite?: { path: string; width: number; height: number };
}

/** Reads one embedding's TSVs, each path checked to stay inside the logdir. */
export function readEmbedding(logdirReal: string, runDir: string, embedding: ProjectorEmbedding): EmbeddingData {
  const tensorText = readFileSync(resolveInside(logdirReal, runDir, embedding.tensorPath), "utf8");
  const vectors = tensorText.split("\n").filter((line) => line.length > 0).map((line) => line.split("\t").map(Number));
  const cols = vectors[0]?.length ?? 0;
  let header: string[] = ["label"];
  let metadata: string[][] = [];
  if (embedding.metadataPath) {
    const lines = readFileSync(resolveInside(logdirReal, runDir, embedding.metadataPath), "utf8").split("\n").filter((l) => l.length > 0);
    const table = lines.map((line) => line.split("\t"));
    // A header line exists exactly when there are several columns.
    if ((table[0]?.length ?? 0) > 1) {
      header = table[0]!;
      metadata = table.slice(1);
    } else {
      metadata = table;
    }
  }
  return {
    name: embedding.tensorName,
    rows: vectors.length,
    cols,
    vectors,
    header,
    metadata,
    sprite: embedding.spritePath && embedding.spriteDim
      ? { path: embedding.spritePath, width: embedding.spriteDim[0], height: embedding.spriteDim[1] }
      : undefined,
  };
}

// The built front end (dist/board-web, made by `vite build` during `npm ci`),
// loaded into memory at start-up: a request can only ever get one of these
// files, looked up by exact name, so no request path reaches the file system.
// Not here: the API (api.ts).

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".tsv": "text/tab-separated-values; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".pbtxt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
};

export function contentTypeOf(name: string): string | undefined {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? undefined : CONTENT_TYPES[name.slice(dot).toLowerCase()];
}

export interface Asset {
  body: Uint8Array;
  contentType: string;
}

/** The package root: the nearest directory above this file with lenet-lab's package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "lenet-lab") return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find lenet-lab's package.json above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Where `vite build` puts the front end. */
export function defaultAssetDir(): string {
  return join(packageRoot(), "dist", "board-web");
}

/** Every file of `dir` by URL path ("/index.html", "/assets/index-abc.js"). */
export function loadAssets(dir = defaultAssetDir()): Map<string, Asset> {
  if (!existsSync(join(dir, "index.html"))) {
    throw new Error(`the dashboard's front end is not built (no ${join(dir, "index.html")}); run npm run build`);
  }
  const assets = new Map<string, Asset>();
  const visit = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile()) {
        const contentType = contentTypeOf(entry.name);
        if (contentType) assets.set("/" + relative(dir, path).split(sep).join("/"), { body: readFileSync(path), contentType });
      }
    }
  };
  visit(dir);
  return assets;
}

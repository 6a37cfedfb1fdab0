// The one gate between a request and the file system: turns a run-relative
// path from a query parameter into an absolute path that is certainly inside
// the logdir, or refuses it with a message. Refused: absolute paths, `..` and
// `.` segments, backslashes, control characters, segments starting with a dot,
// names with characters outside [A-Za-z0-9._-], and any path whose real
// location (after following symlinks) leaves the logdir.
// Not here: which files a route may serve (api.ts decides by extension).

import { realpathSync } from "node:fs";
import { join, sep } from "node:path";

export class UnsafePathError extends Error {
  constructor(message: string, readonly status: 400 | 403 | 404) {
    super(message);
    this.name = "UnsafePathError";
  }
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Checks the shape of a relative path; returns its segments. */
export function checkRelativePath(path: string): string[] {
  if (path.length === 0) throw new UnsafePathError("path is empty", 400);
  if (path.length > 500) throw new UnsafePathError("path is longer than 500 characters", 400);
  if (path.startsWith("/")) throw new UnsafePathError(`path must be relative to the run directory, got ${JSON.stringify(path)}`, 400);
  const segments = path.split("/");
  for (const segment of segments) {
    if (segment === ".." || segment === ".") throw new UnsafePathError(`path must not contain "${segment}" segments`, 400);
    if (!SEGMENT.test(segment)) {
      throw new UnsafePathError(`path segment ${JSON.stringify(segment)} may only contain letters, digits, ".", "_" and "-" (and not start with ".")`, 400);
    }
  }
  return segments;
}

/** True when `inner` is `outer` or inside it (both real paths). */
export function isInside(outer: string, inner: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);
}

/**
 * The real absolute path of `relativePath` under `baseDir`, which must itself
 * be inside `logdirReal` (the logdir's real path). Throws UnsafePathError:
 * 400 for a malformed path, 404 for a missing file, 403 when the file's real
 * location is outside the logdir (a symlink pointing out).
 */
export function resolveInside(logdirReal: string, baseDir: string, relativePath: string): string {
  const segments = checkRelativePath(relativePath);
  let real: string;
  try {
    real = realpathSync(join(baseDir, ...segments));
  } catch {
    throw new UnsafePathError(`no file ${relativePath}`, 404);
  }
  if (!isInside(logdirReal, real)) throw new UnsafePathError(`${relativePath} leads outside the logdir`, 403);
  return real;
}

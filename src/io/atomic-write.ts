// Writing a file so that readers see either the old content or the new, never
// a half-written file: write a temporary file next to it, flush it to disk,
// then rename it over the target (rename is atomic within a file system). A
// failure removes the temporary file, leaves the target as it was, and throws
// a WriteError naming the target.

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { WriteError } from "./write-error.js";

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let fd: number | null = null;
  try {
    fd = openSync(temporary, "w");
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== null) closeSync(fd);
    rmSync(temporary, { force: true });
    throw new WriteError(path, error as NodeJS.ErrnoException);
  }
}

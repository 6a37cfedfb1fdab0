// Writing a file so that readers see either the old content or the new, never
// a half-written file: write a temporary file next to it, flush it to disk,
// then rename it over the target (rename is atomic within a file system). A
// failure removes the temporary file, leaves the target as it was, and throws
// a WriteError naming the target. writeFileAtomicAsync does the same off the
// calling thread (the flush, milliseconds a file, waits in Node's I/O pool).

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { WriteError } from "./write-error.js";

/** The temporary file next to `path`. */
function temporaryOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const temporary = temporaryOf(path);
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

/** writeFileAtomic without blocking the thread. */
export async function writeFileAtomicAsync(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = temporaryOf(path);
  let file: Awaited<ReturnType<typeof open>> | null = null;
  try {
    file = await open(temporary, "w");
    await file.writeFile(data);
    await file.sync();
    await file.close();
    file = null;
    await rename(temporary, path);
  } catch (error) {
    if (file !== null) await file.close();
    await rm(temporary, { force: true });
    throw new WriteError(path, error as NodeJS.ErrnoException);
  }
}

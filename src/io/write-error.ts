// The error of a file write that failed (a full disk, a file-size limit, a
// read-only or vanished directory), naming the file; `code` is the system's
// (ENOSPC, EFBIG, EACCES, …) so that the CLI can say what to do about it.
export class WriteError extends Error {
  readonly code?: string;

  constructor(readonly path: string, cause: NodeJS.ErrnoException) {
    super(`writing ${path} failed: ${cause.message}`, { cause });
    this.name = "WriteError";
    this.code = cause.code;
  }
}

// The way a command ends with a message and a chosen exit code (e.g. 130 after
// Ctrl-C, 3 for a diverged run) without a stack trace: main.ts prints the
// message and exits with the code. And, for the commands that talk to Redis,
// a bound on how long the process may linger once the command is done.
export class CommandStop extends Error {
  constructor(readonly exitCode: number, message: string) {
    super(message);
    this.name = "CommandStop";
  }
}

/** How long a queue command's process may linger after it is done (a Redis that is away keeps BullMQ's clients reconnecting). */
export const QUEUE_EXIT_TIMEOUT_MS = 3_000;

/**
 * Ends the process (with the exit code main.ts sets) at the latest `ms` from
 * now, should a client still be trying to reach Redis; sooner when nothing is left.
 */
export function exitWithin(ms: number): void {
  setTimeout(() => process.exit(), ms).unref();
}

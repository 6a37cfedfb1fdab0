// The error of a queue that cannot be used (Redis unreachable, refusing, or
// losing jobs), in a file of its own so that the CLI can recognise it without
// loading the Redis client (connection.ts) for every command.

export class QueueConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QueueConnectionError";
  }
}

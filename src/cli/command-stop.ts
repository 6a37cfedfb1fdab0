// The way a command ends with a message and a chosen exit code (e.g. 130 after
// Ctrl-C, 3 for a diverged run) without a stack trace: main.ts prints the
// message and exits with the code.
export class CommandStop extends Error {
  constructor(readonly exitCode: number, message: string) {
    super(message);
    this.name = "CommandStop";
  }
}

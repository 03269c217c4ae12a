// fleetvisorctl's own error classes: what supervisorctl would report as a Python exception,
// and an RPC answer that does not have the shape the command expects. Imports nothing.

/**
 * An error supervisorctl reports as `error: <class 'X'>, <text>: file: ... line: ...`.
 * `pyClass` is the Python class name it would show (e.g. `ValueError`).
 */
export class CtlUnexpected extends Error {
  override readonly name = 'CtlUnexpected';
  constructor(readonly pyClass: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An XML-RPC result that failed its type guard. */
export class MalformedResponse extends CtlUnexpected {
  constructor(readonly method: string, what: string) {
    super('ValueError', `malformed response to ${method}: ${what}`);
  }
}

/** Thrown by a line reader when input ends (Ctrl-D, closed pipe), as Python's EOFError. */
export class EndOfInput extends Error {
  override readonly name = 'EndOfInput';
  /** Python's message: input() says 'EOF when reading a line', getpass says nothing. */
  constructor(readonly pyMessage: string) { super('end of input'); }
}

/** Thrown by a line reader on Ctrl-C, as Python's KeyboardInterrupt. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor() { super('interrupted'); }
}

/** A command-line or config problem: `Error: <message>` and the help hint on stderr, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

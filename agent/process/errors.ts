// Domain errors of the process core: supervisord's ProcessException family, spawn failures,
// stdin errors and IllegalTransition. The RPC layer maps them to faults; nothing here knows faults.

export type ProcessErrorKind =
  | 'BadCommand' | 'NotFound' | 'NotExecutable' | 'NoPermission'
  | 'SpawnError' | 'StdinClosed' | 'IllegalTransition' | 'FcgiSocketError' | 'EnvironmentFileError';

export class ProcessError extends Error {
  readonly kind: ProcessErrorKind;
  constructor(kind: ProcessErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = kind;
  }
}

/** The command line could not be split, or is empty. */
export class BadCommand extends ProcessError {
  constructor(message: string) { super('BadCommand', message); }
}

/** The command file does not exist (stat failed everywhere on PATH). */
export class NotFound extends ProcessError {
  constructor(message: string) { super('NotFound', message); }
}

/** The command path is a directory or has no execute bit. */
export class NotExecutable extends ProcessError {
  constructor(message: string) { super('NotExecutable', message); }
}

/** The daemon lacks permission to execute the file (access(X_OK) failed). */
export class NoPermission extends ProcessError {
  constructor(message: string) { super('NoPermission', message); }
}

/** The pipes or the fork could not be made; `code` is the errno name (EMFILE, EAGAIN, ...). */
export class SpawnError extends ProcessError {
  readonly code: string;
  constructor(code: string, options?: { cause?: unknown }) {
    super('SpawnError', `spawn failed: ${code}`, options);
    this.code = code;
  }
}

/** Writing to a child's stdin is impossible; supervisord raises EPIPE with these texts. */
export class StdinClosed extends ProcessError {
  readonly code = 'EPIPE';
  constructor(message: string) { super('StdinClosed', message); }
}

/**
 * An [fcgi-program:x] socket could not be created. At group creation (the bind check) it is a
 * start-up error (or an addProcessGroup failure); at spawn time it is a spawn failure.
 */
export class FcgiSocketError extends ProcessError {
  readonly url: string;
  constructor(url: string, detail: string, options?: { cause?: unknown }) {
    super('FcgiSocketError', `Could not create FastCGI socket ${url}: ${detail}`, options);
    this.url = url;
  }
}

/** A state change not in the transition table: always a bug in the caller. */
export class IllegalTransition extends ProcessError {
  constructor(message: string) { super('IllegalTransition', message); }
}

/** environment_file= could not be read or parsed: the spawn fails (BACKOFF) with this as spawnerr. */
export class EnvironmentFileError extends ProcessError {
  constructor(path: string, problem: string) { super('EnvironmentFileError', `couldn't read environment_file ${path}: ${problem}`); }
}

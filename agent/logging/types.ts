// Interfaces shared by the log sinks and their users (process core, supervisor, later the API).
// Imports nothing but config types.
import type { LogLevelName } from '../config/types.js';

export const LogLevel = Object.freeze({
  critical: 50, error: 40, warn: 30, info: 20, debug: 10, trace: 5, blather: 3,
} as const satisfies Record<LogLevelName, number>);

/** supervisord's main logger surface. Messages are written only if level >= configured level. */
export interface Logger {
  critical(msg: string): void;
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
  trace(msg: string): void;
  blather(msg: string): void;
  /** The configured numeric level, so callers can skip building expensive debug text. */
  readonly level: number;
}

/** Where one pipe of one running child writes its bytes. One instance per spawn and channel. */
export interface OutputSink {
  write(chunk: Buffer): void;
  /** The child's pipe closed: flush what is held back and close files. */
  close(): void;
}

// Per-path notice of what this daemon itself writes to its log files (child logs and the main
// log, all written through RotatingFile), so that readers following a file (the /logtail
// streams) wake on the write instead of polling it. Owns the subscription table only; knows
// nothing of its readers. Imports only node:path.
import { resolve } from 'node:path';

/**
 * `append`: `data` was written at the end of the file identified by ino/dev, which is now `end`
 * bytes long (so it starts at `end - data.length`, unless another process appended meanwhile).
 * `data` may be a view of a reused buffer: it is valid only during the call.
 * `replaced`: the path may now name another file, or a file emptied (rotation, reopen, clear).
 */
export type LogWriteEvent =
  | { readonly kind: 'append'; readonly data: Buffer; readonly end: number; readonly ino: bigint; readonly dev: bigint }
  | { readonly kind: 'replaced' };

export type LogWriteListener = (event: LogWriteEvent) => void;

export class LogWrites {
  readonly #listeners = new Map<string, Set<LogWriteListener>>();

  /** The key of a path: absolute, so that a writer and a reader naming it differently still meet. */
  static key(path: string): string {
    return resolve(path);
  }

  /** Calls `listener` for every event on `path` until the returned function is called. */
  subscribe(path: string, listener: LogWriteListener): () => void {
    const key = LogWrites.key(path);
    let set = this.#listeners.get(key);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      const current = this.#listeners.get(key);
      if (current === undefined) return;
      current.delete(listener);
      if (current.size === 0) this.#listeners.delete(key);
    };
  }

  /** True when someone follows the file at `key` (LogWrites.key): a writer builds events only then. */
  followed(key: string): boolean {
    return this.#listeners.has(key);
  }

  /** Tells every listener of `key`; a listener that throws never disturbs the writer or the others. */
  emit(key: string, event: LogWriteEvent): void {
    const set = this.#listeners.get(key);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch {
        // A reader's failure is the reader's: the log write itself has succeeded.
      }
    }
  }
}

/** The daemon's table: every RotatingFile reports here unless given another. */
export const logWrites = new LogWrites();

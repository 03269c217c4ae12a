// express-session's store on the hub's SQLite database, so logins survive restarts. Each row also carries
// the logged-in user's id (from `sess.userId`), so all of a user's sessions can be ended at once.
import type Database from 'better-sqlite3';
import session from 'express-session';
import { checkedAll, checkedOptional, countOf, isInt, isRow } from './rows.js';

const DAY_MS = 24 * 60 * 60 * 1000;
export const PRUNE_INTERVAL_MS = 10 * 60 * 1000;

type Callback = (err?: unknown) => void;

interface SessionRow {
  readonly sid: string;
  readonly expires: number;
  readonly data: string;
}

function isSessionRow(v: unknown): v is SessionRow {
  return isRow(v) && typeof v.sid === 'string' && isInt(v.expires) && typeof v.data === 'string';
}

/** Stored session data as express-session needs it back: an object with a cookie object. */
function isSessionData(v: unknown): v is session.SessionData {
  return isRow(v) && isRow(v.cookie);
}

function parseSession(data: string): session.SessionData | undefined {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return undefined;
  }
  return isSessionData(v) ? v : undefined;
}

export interface SqliteSessionStoreOptions {
  readonly now?: () => number;
  /** How often expired rows are deleted (default 10 minutes); 0 for never. */
  readonly pruneIntervalMs?: number;
}

export class SqliteSessionStore extends session.Store {
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout | null;
  readonly #s;

  constructor(db: Database.Database, opts: SqliteSessionStoreOptions = {}) {
    super();
    this.#now = opts.now ?? Date.now;
    // A session of a user who is gone (deleted while a request was in flight) is not written back.
    this.#s = {
      get: db.prepare('SELECT sid, expires, data FROM sessions WHERE sid = ?'),
      set: db.prepare(
        'INSERT INTO sessions (sid, expires, data, user_id) SELECT @sid, @expires, @data, @userId ' +
          'WHERE @userId IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = @userId) ' +
          'ON CONFLICT (sid) DO UPDATE SET expires = excluded.expires, data = excluded.data, user_id = excluded.user_id',
      ),
      touch: db.prepare('UPDATE sessions SET expires = ? WHERE sid = ? AND expires > ?'),
      destroy: db.prepare('DELETE FROM sessions WHERE sid = ?'),
      clear: db.prepare('DELETE FROM sessions'),
      length: db.prepare('SELECT COUNT(*) AS n FROM sessions WHERE expires > ?'),
      all: db.prepare('SELECT sid, expires, data FROM sessions WHERE expires > ?'),
      destroyUser: db.prepare('DELETE FROM sessions WHERE user_id = ? AND sid IS NOT ?'),
      prune: db.prepare('DELETE FROM sessions WHERE expires <= ?'),
    };
    const every = opts.pruneIntervalMs ?? PRUNE_INTERVAL_MS;
    this.#timer = every > 0 ? setInterval(() => this.#pruneQuietly(), every).unref() : null;
  }

  #expiry(sess: session.SessionData): number {
    const expires: unknown = sess.cookie.expires;
    const ms = expires instanceof Date || typeof expires === 'string' || typeof expires === 'number' ? new Date(expires).getTime() : NaN;
    return Number.isFinite(ms) ? ms : this.#now() + DAY_MS;
  }

  get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    let result: session.SessionData | undefined;
    try {
      const row = checkedOptional(this.#s.get.get(sid), isSessionRow, 'sessions');
      if (row !== undefined && row.expires <= this.#now()) this.#s.destroy.run(sid);
      else if (row !== undefined) result = parseSession(row.data);
    } catch (err) {
      callback(err);
      return;
    }
    callback(null, result);
  }

  set(sid: string, sess: session.SessionData, callback?: Callback): void {
    this.#run(callback, () => {
      const userId = 'userId' in sess && typeof sess.userId === 'number' && Number.isSafeInteger(sess.userId) ? sess.userId : null;
      this.#s.set.run({ sid, expires: this.#expiry(sess), data: JSON.stringify(sess), userId });
    });
  }

  touch(sid: string, sess: session.SessionData, callback?: Callback): void {
    this.#run(callback, () => {
      this.#s.touch.run(this.#expiry(sess), sid, this.#now());
    });
  }

  destroy(sid: string, callback?: Callback): void {
    this.#run(callback, () => {
      this.#s.destroy.run(sid);
    });
  }

  clear(callback?: Callback): void {
    this.#run(callback, () => {
      this.#s.clear.run();
    });
  }

  length(callback: (err: unknown, length?: number) => void): void {
    let n: number;
    try {
      n = countOf(this.#s.length.get(this.#now()));
    } catch (err) {
      callback(err);
      return;
    }
    callback(null, n);
  }

  all(callback: (err: unknown, obj?: { [sid: string]: session.SessionData } | null) => void): void {
    const out: { [sid: string]: session.SessionData } = {};
    try {
      for (const row of checkedAll(this.#s.all.all(this.#now()), isSessionRow, 'sessions')) {
        const data = parseSession(row.data);
        if (data !== undefined) out[row.sid] = data;
      }
    } catch (err) {
      callback(err);
      return;
    }
    callback(null, out);
  }

  /** End every session of the user (but `exceptSid`, such as the one changing the password); returns how many. */
  destroyUserSessions(userId: number, exceptSid?: string): number {
    return this.#s.destroyUser.run(userId, exceptSid ?? null).changes;
  }

  /** Delete expired rows now; returns how many. */
  prune(): number {
    return this.#s.prune.run(this.#now()).changes;
  }

  #pruneQuietly(): void {
    try {
      this.prune();
    } catch (err) {
      // A busy database is retried at the next tick; tell whoever listens, never crash the hub.
      if (this.listenerCount('error') > 0) this.emit('error', err);
    }
  }

  /** Stop the prune timer. The database itself belongs to the caller. */
  close(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
  }

  #run(callback: Callback | undefined, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      callback?.(err);
      return;
    }
    callback?.();
  }
}

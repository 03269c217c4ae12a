// Small key/value settings kept in the database between restarts, notably the secret that signs session
// cookies: made once, on first use, so logins survive a restart of the hub.
import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { checkedOptional, isRow } from './rows.js';

const SESSION_SECRET_KEY = 'session_secret';

function isValueRow(v: unknown): v is { value: string } {
  return isRow(v) && typeof v.value === 'string';
}

export class Settings {
  readonly #get: Database.Statement<unknown[]>;
  readonly #set: Database.Statement<unknown[]>;
  readonly #setIfMissing: Database.Statement<unknown[]>;

  constructor(db: Database.Database) {
    this.#get = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.#set = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.#setIfMissing = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING');
  }

  get(key: string): string | null {
    return checkedOptional(this.#get.get(key), isValueRow, 'settings')?.value ?? null;
  }

  set(key: string, value: string): void {
    this.#set.run(key, value);
  }

  /** 32 random bytes in hex, created on the first call and the same ever after (even from another process). */
  sessionSecret(): string {
    this.#setIfMissing.run(SESSION_SECRET_KEY, randomBytes(32).toString('hex'));
    const secret = this.get(SESSION_SECRET_KEY);
    if (secret === null) throw new Error('the session secret could not be stored');
    return secret;
  }
}

// API tokens: `fvh_<id>_<secret>`, where only the sha256 of the secret is stored, so the database never
// holds a usable token. The plain token is shown once, when created.
import type Database from 'better-sqlite3';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { StoreError } from './errors.js';
import { checkedAll, checkedOptional, countOf, isInt, isIntOrNull, isRow } from './rows.js';

const TOKEN = /^fvh_([1-9][0-9]{0,15})_([A-Za-z0-9_-]{43})$/;
const NAME = /^[^\p{C}]{1,64}$/u;
/** last_used_at is written at most this often per token, so API calls are not each a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface TokenInfo {
  readonly id: number;
  readonly name: string;
  /** ms since the epoch. */
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export interface ResolvedToken {
  readonly userId: number;
  readonly tokenId: number;
  readonly name: string;
}

interface TokenRow {
  readonly id: number;
  readonly user_id: number;
  readonly name: string;
  readonly secret_hash: string;
  readonly created_at: number;
  readonly last_used_at: number | null;
  readonly revoked_at: number | null;
}

function isTokenRow(v: unknown): v is TokenRow {
  return (
    isRow(v) && isInt(v.id) && isInt(v.user_id) && typeof v.name === 'string' && typeof v.secret_hash === 'string' &&
    isInt(v.created_at) && isIntOrNull(v.last_used_at) && isIntOrNull(v.revoked_at)
  );
}

function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

const COLUMNS = 'id, user_id, name, secret_hash, created_at, last_used_at, revoked_at';

export class TokenStore {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #s;

  constructor(db: Database.Database, opts: { now?: () => number } = {}) {
    this.#db = db;
    this.#now = opts.now ?? Date.now;
    this.#s = {
      userExists: db.prepare('SELECT COUNT(*) AS n FROM users WHERE id = ?'),
      liveNamed: db.prepare('SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = ? AND name = ? AND revoked_at IS NULL'),
      insert: db.prepare('INSERT INTO api_tokens (user_id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)'),
      byId: db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE id = ?`),
      live: db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at, id`),
      revoke: db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND id = ? AND revoked_at IS NULL'),
      used: db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?'),
    };
  }

  /** A new token for the user. The returned `token` is the only time the secret is available. */
  create(userId: number, name: string): { id: number; name: string; token: string } {
    if (!NAME.test(name) || name.trim() === '') {
      throw new StoreError('bad_token_name', 'a token name must be 1 to 64 printable characters');
    }
    const secret = randomBytes(32).toString('base64url');
    const id = this.#db.transaction(() => {
      if (countOf(this.#s.userExists.get(userId)) === 0) throw new StoreError('user_not_found', `no user with id ${userId}`);
      if (countOf(this.#s.liveNamed.get(userId, name)) > 0) {
        throw new StoreError('token_name_exists', `a token named ${JSON.stringify(name)} already exists`);
      }
      return Number(this.#s.insert.run(userId, name, sha256Hex(secret), this.#now()).lastInsertRowid);
    }).immediate();
    return { id, name, token: `fvh_${id}_${secret}` };
  }

  /** The user's tokens that are not revoked, oldest first (never their secrets). */
  list(userId: number): TokenInfo[] {
    return checkedAll(this.#s.live.all(userId), isTokenRow, 'api_tokens').map((r) => ({
      id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at,
    }));
  }

  /** Revoke one of the user's tokens; false when it does not exist, is another user's or is already revoked. */
  revoke(userId: number, id: number): boolean {
    return this.#s.revoke.run(this.#now(), userId, id).changes > 0;
  }

  /** Who a presented token belongs to, or null when it is malformed, unknown, wrong or revoked. */
  resolve(token: string): ResolvedToken | null {
    const m = TOKEN.exec(token);
    if (m === null || m[1] === undefined || m[2] === undefined) return null;
    const row = checkedOptional(this.#s.byId.get(Number(m[1])), isTokenRow, 'api_tokens');
    // Hash even when there is no such token, so the time taken does not tell which ids exist.
    const presented = Buffer.from(sha256Hex(m[2]), 'utf8');
    const stored = Buffer.from(row?.secret_hash ?? '0'.repeat(64), 'utf8');
    const match = stored.length === presented.length && timingSafeEqual(stored, presented);
    if (row === undefined || !match || row.revoked_at !== null) return null;
    const now = this.#now();
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_RESOLUTION_MS) this.#s.used.run(now, row.id);
    return { userId: row.user_id, tokenId: row.id, name: row.name };
  }
}

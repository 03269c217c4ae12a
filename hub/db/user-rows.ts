// The users tables as SQL sees them: the statements, the rows SQLite returns with their guards, and the
// User objects built from them. Kept apart from the store so the store reads as rules, not plumbing.
import type Database from 'better-sqlite3';
import { isUserTypeCode, UserType, type UserTypeCode } from './user-types.js';
import { isInt, isRow } from './rows.js';

/** A hub user as the rest of the hub sees it (never with the password hash). */
export interface User {
  readonly id: number;
  readonly username: string;
  /** The type everywhere, unless environmentTypes overrides it for an environment. */
  readonly type: UserTypeCode;
  readonly mustChangePassword: boolean;
  /** ms since the epoch. */
  readonly createdAt: number;
  /** Per-environment overrides of `type`, by environment name. */
  readonly environmentTypes: ReadonlyMap<string, UserTypeCode>;
}

export interface UserRow {
  readonly id: number;
  readonly username: string;
  readonly password_hash: string;
  readonly type: UserTypeCode;
  readonly must_change_password: number;
  readonly created_at: number;
}

export interface EnvironmentTypeRow {
  readonly user_id: number;
  readonly environment: string;
  readonly type: UserTypeCode;
}

const USER_COLUMNS = 'id, username, password_hash, type, must_change_password, created_at';

export function isUserRow(v: unknown): v is UserRow {
  return (
    isRow(v) &&
    isInt(v.id) &&
    typeof v.username === 'string' &&
    typeof v.password_hash === 'string' &&
    isUserTypeCode(v.type) &&
    isInt(v.must_change_password) &&
    isInt(v.created_at)
  );
}

export function isEnvironmentTypeRow(v: unknown): v is EnvironmentTypeRow {
  return isRow(v) && isInt(v.user_id) && typeof v.environment === 'string' && isUserTypeCode(v.type);
}

export function toUser(row: UserRow, envRows: readonly EnvironmentTypeRow[]): User {
  const environmentTypes = new Map<string, UserTypeCode>();
  for (const e of envRows) if (e.user_id === row.id) environmentTypes.set(e.environment, e.type);
  return {
    id: row.id,
    username: row.username,
    type: row.type,
    mustChangePassword: row.must_change_password !== 0,
    createdAt: row.created_at,
    environmentTypes,
  };
}

/** The users tables' statements, prepared once per store. */
export function prepareUserStatements(db: Database.Database) {
  return {
    count: db.prepare('SELECT COUNT(*) AS n FROM users'),
    countAdmins: db.prepare(`SELECT COUNT(*) AS n FROM users WHERE type = ${UserType.ADMIN}`),
    byName: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE username = ?`),
    byId: db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
    all: db.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY username`),
    envOf: db.prepare('SELECT user_id, environment, type FROM user_environment_types WHERE user_id = ? ORDER BY environment'),
    allEnv: db.prepare('SELECT user_id, environment, type FROM user_environment_types ORDER BY environment'),
    insert: db.prepare(
      'INSERT INTO users (username, password_hash, type, must_change_password, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    setEnv: db.prepare(
      'INSERT INTO user_environment_types (user_id, environment, type) VALUES (?, ?, ?) ' +
        'ON CONFLICT (user_id, environment) DO UPDATE SET type = excluded.type',
    ),
    removeEnv: db.prepare('DELETE FROM user_environment_types WHERE user_id = ? AND environment = ?'),
    clearEnv: db.prepare('DELETE FROM user_environment_types WHERE user_id = ?'),
    setPassword: db.prepare('UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE id = ?'),
    setType: db.prepare('UPDATE users SET type = ?, updated_at = ? WHERE id = ?'),
    replace: db.prepare('UPDATE users SET password_hash = ?, type = ?, must_change_password = ?, updated_at = ? WHERE id = ?'),
    touch: db.prepare('UPDATE users SET updated_at = ? WHERE id = ?'),
    delete: db.prepare('DELETE FROM users WHERE id = ?'),
  };
}

export type UserStatements = ReturnType<typeof prepareUserStatements>;

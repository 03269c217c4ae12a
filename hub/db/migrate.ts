// Schema migrations: numbered SQL files applied in order, each in its own transaction that also records
// it in schema_migrations and PRAGMA user_version. Released files are append-only, never edited.
import type Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseVersionError } from './errors.js';
import { isCesiV1UserDatabase } from './open.js';
import { hasTable } from './rows.js';

const FILE_NAME = /^(\d{3})_[a-z0-9_]+\.sql$/;

export interface MigrationFile {
  readonly version: number;
  readonly name: string;
  readonly path: string;
}

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  readonly applied: string[];
}

/** The migration files of `dir`, checked (names, no gap, no duplicate) and sorted by number. */
export function listMigrations(dir: string): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.toLowerCase().endsWith('.sql')) continue;
    const m = FILE_NAME.exec(name);
    if (m === null || m[1] === undefined) {
      throw new Error(`${join(dir, name)}: a migration file must be named NNN_words.sql (three digits, then lower-case letters, digits and _)`);
    }
    files.push({ version: Number(m[1]), name, path: join(dir, name) });
  }
  files.sort((a, b) => a.version - b.version || a.name.localeCompare(b.name));
  if (files.length === 0) throw new Error(`${dir}: no migration files`);
  files.forEach((f, i) => {
    const prev = files[i - 1];
    if (prev !== undefined && prev.version === f.version) throw new Error(`${dir}: ${prev.name} and ${f.name} have the same number`);
    if (f.version !== i + 1) throw new Error(`${dir}: migration ${String(i + 1).padStart(3, '0')} is missing (next is ${f.name})`);
  });
  return files;
}

function userVersion(db: Database.Database): number {
  const v: unknown = db.pragma('user_version', { simple: true });
  return typeof v === 'number' ? v : 0;
}

/** Refuse databases this hub must not write to: cesi v1's userinfo.db, another program's, a newer hub's. */
function checkDatabase(db: Database.Database, current: number, latest: number): void {
  const path = db.name;
  const ours = hasTable(db, 'schema_migrations');
  if (isCesiV1UserDatabase(db)) {
    throw new DatabaseVersionError(
      `${path}: this is a cesi v1 user database (userinfo.db), not a fleetvisor-hub database; ` +
        `set [cesi] database to a new file and import its users with: fleetvisor-hub import-cesi-v1 ${path}`,
    );
  }
  if (current > 0 && !ours) {
    throw new DatabaseVersionError(`${path}: not a fleetvisor-hub database (schema version ${current} but no schema_migrations table); set [cesi] database to another file`);
  }
  if (current > latest) {
    throw new DatabaseVersionError(
      `${path}: database schema version ${current} is newer than this fleetvisor-hub knows (${latest}): ` +
        'it was written by a newer version; upgrade fleetvisor-hub or set [cesi] database to another file',
    );
  }
}

const CREATE_JOURNAL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

/** Bring `db` up to the newest migration in `dir`. Throws (leaving earlier migrations applied) on failure. */
export function migrate(db: Database.Database, dir: string, now: () => number = Date.now): MigrationResult {
  const files = listMigrations(dir);
  const latest = files[files.length - 1]?.version ?? 0;
  const from = userVersion(db);
  checkDatabase(db, from, latest);
  const applied: string[] = [];
  for (const file of files) {
    if (file.version <= from) continue;
    const sql = readFileSync(file.path, 'utf8');
    const apply = db.transaction(() => {
      // Another process may have applied it while this one waited for the write lock.
      if (userVersion(db) >= file.version) return false;
      db.exec(CREATE_JOURNAL);
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(file.version, file.name, now());
      db.pragma(`user_version = ${file.version}`);
      return true;
    });
    try {
      if (apply.immediate()) applied.push(file.name);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new Error(`${db.name}: migration ${file.name} failed, the database stays at version ${userVersion(db)}: ${msg}`, { cause: err });
    }
  }
  return { from, to: userVersion(db), applied };
}

/** The `migrations/` directory that ships with this code, found by walking up from this module. */
export function migrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'migrations');
    if (existsSync(join(candidate, '001_users.sql'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no migrations/001_users.sql found above ${dirname(fileURLToPath(import.meta.url))}`);
    dir = parent;
  }
}

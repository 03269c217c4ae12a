// Opening the hub's SQLite database: a new file is created owner-only (it holds password hashes and
// session data) before SQLite touches it, and every connection gets the same pragmas.
import Database from 'better-sqlite3';
import { closeSync, fchmodSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseOpenError } from './errors.js';
import { hasTable } from './rows.js';

const MEMORY = ':memory:';

function errnoCode(err: unknown): string | undefined {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/** Create `path` with mode 0600 unless it exists; a missing parent directory is an error naming it. */
function createOwnerOnly(path: string): void {
  const dir = dirname(resolve(path));
  let dirIsDirectory: boolean;
  try {
    dirIsDirectory = statSync(dir).isDirectory();
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new DatabaseOpenError(`${path}: the directory ${dir} does not exist; create it first`);
    throw err;
  }
  if (!dirIsDirectory) throw new DatabaseOpenError(`${path}: ${dir} is not a directory`);
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return;
    throw new DatabaseOpenError(`${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  try {
    // The umask can only remove bits, but set the mode outright so it is exactly 0600.
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}

/** cesi v1's userinfo.db: a `userinfo` table, schema version 0 and none of the hub's bookkeeping. */
export function isCesiV1UserDatabase(db: Database.Database): boolean {
  return db.pragma('user_version', { simple: true }) === 0 && hasTable(db, 'userinfo') && !hasTable(db, 'schema_migrations');
}

/** Open (creating when missing) the database at `path`, or an in-memory one for ':memory:'. */
export function openDatabase(path: string): Database.Database {
  const file = path !== MEMORY;
  if (file) createOwnerOnly(path);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 5000 });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new DatabaseOpenError(`${path}: ${msg}`, { cause: err });
  }
  try {
    // cesi's own file is refused by migrate(); it is not switched to WAL first, so it is left as it was.
    if (file && !isCesiV1UserDatabase(db)) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
  } catch (err) {
    db.close();
    const msg = err instanceof Error ? err.message : String(err);
    throw new DatabaseOpenError(`${path}: ${msg}`, { cause: err });
  }
  return db;
}

/** Warnings worth printing at start about the database file (currently: readable by group or others). */
export function databaseWarnings(path: string): string[] {
  if (path === MEMORY) return [];
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return [];
  }
  if ((mode & 0o044) === 0) return [];
  const octal = (mode & 0o777).toString(8).padStart(4, '0');
  const who = [(mode & 0o040) !== 0 ? 'its group' : '', (mode & 0o004) !== 0 ? 'others' : ''].filter((w) => w !== '');
  return [
    `${path} is readable by ${who.join(' and ')} (mode ${octal}) but holds password hashes and session data; ` +
      `run: chmod 600 ${path}`,
  ];
}

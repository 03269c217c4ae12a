// `fleetvisor-hub import-cesi-v1 FILE`: bringing the users of cesi v1's userinfo.db (plaintext passwords,
// types 0-3) into the hub, hashed, with a forced password change where the old password is weak.
import Database from 'better-sqlite3';
import { passwordProblem } from '../db/passwords.js';
import { isRow } from '../db/rows.js';
import { StoreError } from '../db/errors.js';
import type { ImportOutcome } from '../db/users.js';
import { isUserTypeCode, userTypeLabel, type UserTypeCode } from '../db/user-types.js';
import type { CliIo } from './user-command.js';

const PREFIX = 'fleetvisor-hub import-cesi-v1';

interface CesiUser {
  readonly username: string;
  readonly password: string;
  readonly type: UserTypeCode;
}

/** A userinfo row that cannot be imported, and why. */
interface BadRow {
  readonly bad: string;
  readonly why: string;
}

/** A userinfo row's type: an integer 0-3, or the same written as text. */
function cesiType(v: unknown): UserTypeCode | null {
  const n = typeof v === 'string' && /^[0-3]$/.test(v) ? Number(v) : v;
  return isUserTypeCode(n) ? n : null;
}

/** Names as printable text (a foreign file may hold anything). */
function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, '?');
}

/** The rows of cesi v1's userinfo table, or an error message saying why `file` is not such a database. */
function readCesiUsers(file: string): { users: (CesiUser | BadRow)[] } | { error: string } {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    return { error: `cannot open ${file}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const notCesi = `${file} is not a cesi v1 user database (userinfo.db)`;
  try {
    const columns = new Set(db.prepare('PRAGMA table_info(userinfo)').all().map((c) => (isRow(c) && typeof c.name === 'string' ? c.name : '')));
    if (!['username', 'password', 'type'].every((c) => columns.has(c))) return { error: `${notCesi}: it has no userinfo table` };
    const users = db.prepare('SELECT username, password, type FROM userinfo').all().map((r): CesiUser | BadRow => {
      if (!isRow(r)) return { bad: '?', why: 'unreadable row' };
      if (typeof r.username !== 'string' || typeof r.password !== 'string') return { bad: String(r.username), why: 'no user name or password' };
      const type = cesiType(r.type);
      if (type === null) return { bad: r.username, why: `unknown user type ${String(r.type)}` };
      return { username: r.username, password: r.password, type };
    });
    return { users };
  } catch (err) {
    return { error: `${notCesi}: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    db.close();
  }
}

/** Import cesi v1's users from `file`; returns the exit status (0 all done, 1 when anything failed). */
export async function importCesiV1(file: string, io: CliIo & { replace?: boolean }): Promise<number> {
  const read = readCesiUsers(file);
  if ('error' in read) {
    io.stderr.write(`${PREFIX}: ${read.error}\n`);
    return 1;
  }
  const replace = io.replace === true;
  const counts: Record<ImportOutcome | 'failed', string[]> = { imported: [], replaced: [], skipped: [], failed: [] };
  const width = Math.max(0, ...read.users.map((u) => printable('bad' in u ? u.bad : u.username).length));
  const line = (name: string, label: string, status: string): void => {
    io.stdout.write(`${printable(name).padEnd(width)}  ${label.padEnd(9)}  ${status}\n`);
  };
  for (const u of read.users) {
    if ('bad' in u) {
      counts.failed.push(printable(u.bad));
      line(u.bad, '?', `not imported: ${u.why}`);
      continue;
    }
    // cesi had no password rules: weak passwords are kept (they are the users' own) but must be changed.
    const must = passwordProblem(u.password, u.username) !== null;
    let outcome: ImportOutcome;
    try {
      outcome = await io.users.importUser(u.username, u.password, u.type, { mustChangePassword: must, replace });
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      counts.failed.push(printable(u.username));
      line(u.username, userTypeLabel(u.type), `not imported: ${err.message}`);
      continue;
    }
    counts[outcome].push(u.username);
    const status =
      outcome === 'skipped' ? 'skipped: a user of that name exists (--replace replaces it)'
      : `${outcome}${must ? ', must change password' : ''}`;
    line(u.username, userTypeLabel(u.type), status);
  }
  const summary = (['imported', 'replaced', 'skipped', 'failed'] as const).map((k) => `${counts[k].length} ${k}`).join(', ');
  io.stdout.write(`${file}: ${read.users.length} user${read.users.length === 1 ? '' : 's'}: ${summary}\n`);
  const detail = (['imported', 'replaced', 'skipped', 'failed'] as const)
    .filter((k) => counts[k].length > 0)
    .map((k) => `${k}: ${counts[k].join(', ')}`)
    .join('; ');
  io.activity.record({
    user: io.actor, remote: 'cli', target: file, targetKind: null, action: 'import.cesi_v1',
    result: counts.failed.length === 0 ? 'ok' : 'failed', detail: detail === '' ? 'no users' : detail,
  });
  return counts.failed.length === 0 ? 0 : 1;
}

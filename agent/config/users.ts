// The user and group database (/etc/passwd, /etc/group), read once and injectable for tests.
import { readFileSync } from 'node:fs';

export interface PasswdEntry { readonly name: string; readonly uid: number; readonly gid: number; readonly home: string }
export interface GroupEntry { readonly name: string; readonly gid: number }

export interface UserDb {
  readonly users: readonly PasswdEntry[];
  readonly groups: readonly GroupEntry[];
}

function readLines(path: string): string[][] {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return []; }
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
}

/** The system database from /etc/passwd and /etc/group (missing files give empty lists). */
export function systemUserDb(passwd = '/etc/passwd', group = '/etc/group'): UserDb {
  const users = readLines(passwd).filter((f) => f.length >= 6)
    .map((f) => ({ name: f[0] ?? '', uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '' }));
  const groups = readLines(group).filter((f) => f.length >= 3).map((f) => ({ name: f[0] ?? '', gid: Number(f[2]) }));
  return { users, groups };
}

export function userByName(db: UserDb, name: string): PasswdEntry | undefined {
  return db.users.find((u) => u.name === name);
}

export function userByUid(db: UserDb, uid: number): PasswdEntry | undefined {
  return db.users.find((u) => u.uid === uid);
}

export function groupByName(db: UserDb, name: string): GroupEntry | undefined {
  return db.groups.find((g) => g.name === name);
}

export function groupByGid(db: UserDb, gid: number): GroupEntry | undefined {
  return db.groups.find((g) => g.gid === gid);
}

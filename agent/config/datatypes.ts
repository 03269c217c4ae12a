// One pure converter per supervisord value kind, each throwing ValueError with supervisord's text.
// Only user/group lookups and directory checks touch the outside world, through injected helpers.
import { statSync } from 'node:fs';
import { ValueError } from './errors.js';
import { intErrorText, parsePyInt, parsePyOctal } from '../python/numbers.js';
import { pyDirname, pyJoin } from '../python/posixpath.js';
import { pyRepr } from '../python/repr.js';
import { pyStrip } from '../python/str.js';
import { HANDLER_NUMBERS, SIGNAL_NUMBERS, VALID_SIGNAL_NUMBERS } from './signals.js';
import type { AutoRestart, LogLevelName, UserSpec } from './types.js';
import { groupByGid, groupByName, userByName, userByUid, type UserDb } from './users.js';

export { keyValuePairs as environment } from './env-pairs.js';

const TRUTHY = ['yes', 'true', 'on', '1'];
const FALSY = ['no', 'false', 'off', '0'];

export function boolean(s: string): boolean {
  const low = s.toLowerCase();
  if (TRUTHY.includes(low)) return true;
  if (FALSY.includes(low)) return false;
  throw new ValueError(`not a valid boolean value: ${pyRepr(s)}`);
}

export function integer(s: string): number {
  const n = parsePyInt(s);
  if (n === undefined) throw new ValueError(intErrorText(s));
  return n;
}

const SIZE_SUFFIXES: readonly [string, number][] = [['kb', 1024], ['mb', 1024 ** 2], ['gb', 1024 ** 3]];

/** Integer with an optional KB/MB/GB suffix (any case); the message shows the lower-cased text. */
export function byteSize(s: string): number {
  const low = s.toLowerCase();
  for (const [suffix, mult] of SIZE_SUFFIXES) {
    if (low.endsWith(suffix)) return integer(low.slice(0, -suffix.length)) * mult;
  }
  return integer(low);
}

export function octal(s: string): number {
  const n = parsePyOctal(s);
  if (n === undefined) throw new ValueError(`${s} can not be converted to an octal type`);
  return n;
}

/**
 * A signal name (with or without SIG, any case) or a number CPython's signal module knows; as
 * supervisord looks the name up as any SIG* attribute, `_DFL`/`SIG_IGN`... are accepted too.
 */
export function signalNumber(s: string): number {
  let num = parsePyInt(s);
  if (num === undefined) {
    let name = pyStrip(s).toUpperCase();
    if (name.startsWith('SIG')) name = name.slice(3);
    num = Object.hasOwn(SIGNAL_NUMBERS, name) ? SIGNAL_NUMBERS[name]
      : Object.hasOwn(HANDLER_NUMBERS, name) ? HANDLER_NUMBERS[name] : undefined;
    if (num === undefined) throw new ValueError(`value ${pyRepr(s)} is not a valid signal name`);
  }
  if (!VALID_SIGNAL_NUMBERS.has(num)) throw new ValueError(`value ${pyRepr(s)} is not a valid signal number`);
  return num;
}

export function exitCodes(s: string): number[] {
  if (!s) return [];
  const codes = s.split(',').map(parsePyInt);
  if (codes.some((c) => c === undefined || c < 0 || c > 255)) {
    throw new ValueError(`not a valid list of exit codes: ${pyRepr(s)}`);
  }
  return codes as number[];
}

export function autoRestart(s: string): AutoRestart {
  const low = s.toLowerCase();
  if (TRUTHY.includes(low)) return true;
  if (FALSY.includes(low)) return false;
  if (low === 'unexpected') return 'unexpected';
  throw new ValueError(`invalid 'autorestart' value ${pyRepr(low)}`);
}

const LEVELS: readonly LogLevelName[] = ['critical', 'error', 'warn', 'info', 'debug', 'trace', 'blather'];

export function logLevel(s: string): LogLevelName {
  const low = s.toLowerCase() as LogLevelName;
  if (LEVELS.includes(low)) return low;
  throw new ValueError(`bad logging level name ${pyRepr(s)}`);
}

/** How paths are checked and ~ expanded; injectable so converters stay testable. */
export interface PathEnv {
  readonly home: string | undefined;
  readonly users: UserDb;
  /** The uid whose home `~` means when HOME is unset. */
  readonly uid?: number;
  /** What relative paths are relative to (supervisord's working directory); default process.cwd(). */
  readonly cwd?: string;
  readonly isDir?: (p: string) => boolean;
}

function isDirectory(p: string, env: PathEnv): boolean {
  if (env.isDir) return env.isDir(p);
  try { return statSync(env.cwd === undefined ? p : pyJoin(env.cwd, p)).isDirectory(); } catch { return false; }
}

/** Python's os.path.expanduser (HOME for `~`, else the passwd entry of the uid). */
export function expandUser(p: string, env: PathEnv): string {
  if (!p.startsWith('~')) return p;
  let slash = p.indexOf('/', 1);
  if (slash < 0) slash = p.length;
  const name = p.slice(1, slash);
  const home = name !== '' ? userByName(env.users, name)?.home
    : env.home ?? (env.uid === undefined ? undefined : userByUid(env.users, env.uid)?.home);
  if (home === undefined) return p;
  return (home.replace(/\/+$/, '') + p.slice(slash)) || '/';
}

export function existingDirectory(s: string, env: PathEnv): string {
  const p = expandUser(s, env);
  if (isDirectory(p, env)) return p;
  throw new ValueError(`${s} is not an existing directory`);
}

export function existingDirpath(s: string, env: PathEnv): string {
  const p = expandUser(s, env);
  const dir = pyDirname(p); // os.path.dirname: '/nonexist/' names the directory '/nonexist'.
  if (!dir || isDirectory(dir, env)) return p;
  throw new ValueError(`The directory named as part of the path ${s} does not exist`);
}

/** What a *_logfile value means: a path, null for NONE/OFF, or the AUTO/syslog markers. */
export type LogfileName = string | null | { readonly special: 'auto' | 'syslog' };
export const AUTO = Object.freeze({ special: 'auto' as const });
export const SYSLOG = Object.freeze({ special: 'syslog' as const });

export function logfileName(s: string, env: PathEnv): LogfileName {
  const low = s.toLowerCase();
  if (low === 'none' || low === 'off') return null;
  if (low === 'auto') return AUTO;
  if (low === 'syslog') return SYSLOG;
  return existingDirpath(s, env);
}

/** A user name or numeric uid that exists in the database. */
export function user(s: string, db: UserDb): UserSpec {
  const uid = parsePyInt(s);
  const entry = uid === undefined ? userByName(db, s) : userByUid(db, uid);
  if (entry === undefined) {
    throw new ValueError(uid === undefined ? `Invalid user name ${s}` : `Invalid user id ${s}`);
  }
  return { name: entry.name, uid: entry.uid, gid: entry.gid };
}

function groupId(s: string, db: UserDb): number {
  const gid = parsePyInt(s);
  const entry = gid === undefined ? groupByName(db, s) : groupByGid(db, gid);
  if (entry === undefined) throw new ValueError(gid === undefined ? `Invalid group name ${s}` : `Invalid group id ${s}`);
  return entry.gid;
}

/** "user" or "user:group" to ids; gid is -1 when no group is given. */
export function userAndGroup(s: string, db: UserDb): { uid: number; gid: number } {
  try {
    const colon = s.indexOf(':');
    if (colon < 0) return { uid: user(s, db).uid, gid: -1 };
    return { uid: user(s.slice(0, colon), db).uid, gid: groupId(s.slice(colon + 1), db) };
  } catch {
    throw new ValueError(`Invalid user:group definition ${s}`);
  }
}

function portNumber(s: string): number {
  const n = integer(s);
  if (n < 1) throw new ValueError(`${n} is below lower bound (1)`);
  if (n > 65535) throw new ValueError(`${n} is above upper bound (65535)`);
  return n;
}

/** port, host:port, *:port or :port; host lower-cased, '' for all interfaces. */
export function inetAddress(s: string): { host: string; port: number } {
  const colon = s.lastIndexOf(':');
  if (colon < 0) {
    try { return { host: '', port: portNumber(s) }; } catch {
      throw new ValueError(`not a valid port number: ${pyRepr(s)} `);
    }
  }
  const portText = s.slice(colon + 1);
  if (!portText) throw new ValueError(`no port number specified in ${pyRepr(portText)}`);
  const port = portNumber(portText);
  const host = s.slice(0, colon).toLowerCase();
  return { host: host === '*' ? '' : host, port };
}

/** A URL with a scheme and a netloc or path (Python's urlparse rules for the scheme). */
export function url(s: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+\-.]*):(.*)$/s.exec(s);
  const rest = m?.[2] ?? '';
  const netloc = rest.startsWith('//') ? (rest.slice(2).split(/[/?#]/)[0] ?? '') : '';
  const path = (rest.startsWith('//') ? rest.slice(2 + netloc.length) : rest).split(/[?#]/)[0] ?? '';
  if (m && (netloc || path)) return s;
  throw new ValueError(`value ${pyRepr(s)} is not a URL`);
}

/** A process or group name: stripped, and free of space, colon and slash. */
export function processOrGroupName(s: string): string {
  const t = pyStrip(s);
  for (const ch of [' ', ':', '/']) {
    if (t.includes(ch)) throw new ValueError(`Invalid name: ${pyRepr(s)} because of character: ${pyRepr(ch)}`);
  }
  return t;
}

/** Comma-separated list, each item stripped; '' gives []. */
export function listOfStrings(s: string): string[] {
  return s ? s.split(',').map(pyStrip) : [];
}

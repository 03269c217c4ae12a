// What supervisord's forked child would fail at before (or instead of) running the program, decided
// in the daemon before spawning: the child of supervisord drops privileges (user=), then chdirs,
// then execve()s without a shell fallback. Node's spawn chdirs as the daemon and execs with glibc's
// execvp, which runs a file without `#!` through /bin/sh; setpriv (user=) switches the user only
// after the chdir. So those outcomes are computed here, with the target user's uid and groups.
import { closeSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync, accessSync, constants, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { UserSpec } from '../config/types.js';
import type { SpawnRequest } from './spawner.js';
import { errnoName } from './errno.js';

export const NOT_SPAWNED = 'supervisor: child process was not spawned\n';

/** How the kernel decides what a file is: it reads this much of its head (BINPRM_BUF_SIZE). */
const HEAD_BYTES = 256;
const BINFMT_MISC = '/proc/sys/fs/binfmt_misc';

/** Who the child will be: the uid and every group it will hold. */
interface Credentials {
  readonly uid: number;
  readonly groups: readonly number[];
}


/** user= names another uid than the daemon's: the child must switch (setpriv). */
export function needsSetuid(req: SpawnRequest): boolean {
  return req.user !== null && req.user.uid !== process.getuid?.();
}

/** The child's working directory: directory=, else the daemon's. */
export function childCwd(req: SpawnRequest): string {
  return req.cwd ?? process.cwd();
}

/** supervisord's groups for the child: the user's gid, then every group listing the user by name. */
export function groupsOf(user: UserSpec, groupFile = '/etc/group'): number[] {
  const groups = [user.gid];
  let text = '';
  try { text = readFileSync(groupFile, 'utf8'); } catch { /* no group file: the gid alone */ }
  for (const line of text.split('\n')) {
    const [, , gid, members] = line.split(':');
    if (gid === undefined || members === undefined) continue;
    if (members.split(',').includes(user.name) && !groups.includes(Number(gid))) groups.push(Number(gid));
  }
  return groups;
}

/** The classic mode-bit check (ACLs aside) of `bit` (1 = x/search, 2 = w, 4 = r). */
function permits(st: Stats, cred: Credentials, bit: number): boolean {
  if (cred.uid === 0) return bit !== 1 || st.isDirectory() || (st.mode & 0o111) !== 0;
  if (st.uid === cred.uid) return (st.mode & (bit << 6)) !== 0;
  if (cred.groups.includes(st.gid)) return (st.mode & (bit << 3)) !== 0;
  return (st.mode & bit) !== 0;
}

/** Walks `dir` from / as path resolution does: each directory must exist, be one, and be searchable. */
function walkError(dir: string, cred: Credentials): string | null {
  let current = '/';
  const parts = dir.split('/').filter((p) => p !== '');
  for (let i = 0; ; i++) {
    let st: Stats;
    try { st = statSync(current); } catch (err) { return errnoName(err, 'ENOENT'); }
    if (!st.isDirectory()) return 'ENOTDIR';
    if (!permits(st, cred, 1)) return 'EACCES';
    const next = parts[i];
    if (next === undefined) return null;
    current = current === '/' ? `/${next}` : `${current}/${next}`;
  }
}

/** The errno chdir(dir) would give the user (the real path is walked too, for symlinked parts). */
function chdirError(dir: string, cred: Credentials): string | null {
  const literal = walkError(dir, cred);
  if (literal !== null) return literal;
  let real: string;
  try { real = realpathSync(dir); } catch (err) { return errnoName(err, 'ENOENT'); }
  return real === dir ? null : walkError(real, cred);
}

/** The errno execve(file) would give the user for the file's own path and mode (not its format). */
function execAccessError(file: string, cred: Credentials): string | null {
  const parent = chdirError(dirname(file), cred);
  if (parent !== null) return parent;
  let st: Stats;
  try { st = statSync(file); } catch (err) { return errnoName(err, 'ENOENT'); }
  if (!st.isFile() || !permits(st, cred, 1)) return 'EACCES';
  return null;
}

function readHead(file: string): Buffer | null {
  let fd: number;
  try { fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK); } catch { return null; }
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    return buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** A binfmt_misc handler the kernel would run the file with (by magic at an offset, or by extension). */
function binfmtMiscHandles(file: string, head: Buffer): boolean {
  let names: string[];
  try { names = readdirSync(BINFMT_MISC); } catch { return false; }
  for (const name of names) {
    if (name === 'register' || name === 'status') continue;
    let text: string;
    try { text = readFileSync(`${BINFMT_MISC}/${name}`, 'utf8'); } catch { continue; }
    if (!text.startsWith('enabled')) continue;
    const ext = /^extension \.(.+)$/m.exec(text)?.[1];
    if (ext !== undefined && basename(file).endsWith(`.${ext}`)) return true;
    const magic = /^magic ([0-9a-f]+)$/m.exec(text)?.[1];
    if (magic === undefined) continue;
    const offset = Number(/^offset (\d+)$/m.exec(text)?.[1] ?? 0);
    const want = Buffer.from(magic, 'hex');
    const mask = Buffer.from(/^mask ([0-9a-f]+)$/m.exec(text)?.[1] ?? 'ff'.repeat(want.length), 'hex');
    if (want.every((b, i) => ((head[offset + i] ?? -1) & (mask[i] ?? 0xff)) === b)) return true;
  }
  return false;
}

/** What execve() would do with the file's head: run an interpreter, load it, or fail with ENOEXEC. */
export type ExecFormat = { readonly kind: 'script'; readonly interpreter: string } | { readonly kind: 'binary' } | { readonly kind: 'unknown' } | { readonly kind: 'noexec' };

export function execFormat(file: string): ExecFormat {
  const head = readHead(file);
  if (head === null) return { kind: 'unknown' }; // unreadable to us: let the exec decide
  if (head[0] === 0x23 && head[1] === 0x21) {
    // binfmt_script: the interpreter is the first word after "#!" (blanks skipped) on the first line.
    const line = head.subarray(2).toString('latin1').split(/[\n\0]/)[0] ?? '';
    const interpreter = line.replace(/^[ \t]+/, '').split(/[ \t]/)[0] ?? '';
    return interpreter === '' ? { kind: 'noexec' } : { kind: 'script', interpreter };
  }
  if (head.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) return { kind: 'binary' };
  return binfmtMiscHandles(file, head) ? { kind: 'binary' } : { kind: 'noexec' };
}

/** The errno supervisord's os.execve(file) would fail with, as far as it can be known beforehand. */
function execError(file: string, cwd: string, cred: Credentials | null): string | null {
  if (cred !== null) {
    const access = execAccessError(file, cred);
    if (access !== null) return access;
  }
  const format = execFormat(file);
  if (format.kind === 'noexec') return 'ENOEXEC';
  if (format.kind === 'script' && cred !== null) {
    // As the daemon, a missing interpreter comes back from the exec itself; under setpriv it must not.
    // The kernel resolves a relative interpreter against the process's cwd, as open() does.
    return execAccessError(resolve(cwd, format.interpreter), cred);
  }
  return null;
}

function failure(what: string, code: string): string {
  return `supervisor: couldn't ${what}: ${code}\n${NOT_SPAWNED}`;
}

/** What the forked child of supervisord would write to fd 2 before exiting 127, or null when it would exec. */
export function preflightFailure(req: SpawnRequest, setprivPath: string | null): string | null {
  const setuid = needsSetuid(req) && req.user !== null ? req.user : null;
  if (setuid !== null && process.getuid?.() !== 0) {
    return `supervisor: couldn't setuid to ${setuid.uid}: Can't drop privilege as nonroot user\n` + NOT_SPAWNED;
  }
  if (setuid !== null && setprivPath === null) {
    return `supervisor: couldn't setuid to ${setuid.uid}: Could not set groups of effective user (setpriv is not installed)\n` + NOT_SPAWNED;
  }
  const cred = setuid === null ? null : { uid: setuid.uid, groups: groupsOf(setuid) };
  if (req.cwd !== null) {
    const code = cred === null ? ownChdirError(req.cwd) : chdirError(resolve(req.cwd), cred);
    if (code !== null) return failure(`chdir to ${req.cwd}`, code);
  }
  const cwd = childCwd(req);
  const code = execError(resolve(cwd, req.file), cwd, cred);
  return code === null ? null : failure(`exec ${req.argv[0] ?? req.file}`, code);
}

/** As the daemon itself: the kernel's own answer through stat and access(X_OK). */
function ownChdirError(dir: string): string | null {
  try {
    if (!statSync(dir).isDirectory()) return 'ENOTDIR';
    accessSync(dir, constants.X_OK);
    return null;
  } catch (err) {
    return errnoName(err, 'ENOENT');
  }
}

/**
 * The path glibc's execvp (in setpriv) would run for a bare `name`: the first PATH entry where the
 * user may execute it. null when it would find nothing.
 */
export function execvpTarget(name: string, env: Readonly<Record<string, string>>, cwd: string, user: UserSpec): string | null {
  const cred = { uid: user.uid, groups: groupsOf(user) };
  for (const dir of (env['PATH'] ?? '/bin:/usr/bin').split(':')) {
    const candidate = resolve(cwd, dir === '' ? '.' : dir, name);
    if (execAccessError(candidate, cred) === null) return candidate;
  }
  return null;
}

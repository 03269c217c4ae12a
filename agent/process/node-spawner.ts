// The real Spawner: child_process.spawn in its own process group, with supervisord's child-side
// behaviour (setuid with supplementary groups, chdir, umask, failure texts + exit 127) emulated.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, openSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { signalName } from '../config/signals.js';
import { SpawnError } from './errors.js';
import { NodeChild } from './node-child.js';
import { makeSharedPipe, type SharedPipe } from './shared-pipe.js';
import type { SpawnRequest, SpawnedChild, Spawner } from './spawner.js';

const NOT_SPAWNED = 'supervisor: child process was not spawned\n';
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? 'setpriv';

function errnoName(err: unknown, fallback: string): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : fallback;
}

function needsSetuid(req: SpawnRequest): boolean {
  return req.user !== null && req.user.uid !== process.getuid?.();
}

/** What the forked child of supervisord would write before exiting 127, or null when it would exec. */
export function preflightFailure(req: SpawnRequest): string | null {
  if (needsSetuid(req) && process.getuid?.() !== 0) {
    return `supervisor: couldn't setuid to ${req.user?.uid}: Can't drop privilege as nonroot user\n` + NOT_SPAWNED;
  }
  if (req.cwd === null) return null;
  let code: string | null = null;
  try {
    if (!statSync(req.cwd).isDirectory()) code = 'ENOTDIR';
    else accessSync(req.cwd, constants.X_OK);
  } catch (err) {
    code = errnoName(err, 'ENOENT');
  }
  return code === null ? null : `supervisor: couldn't chdir to ${req.cwd}: ${code}\n` + NOT_SPAWNED;
}

/** setpriv wants a name: SIGTERM style, or RTMIN+n for real-time signals. */
function setprivSignal(sig: number): string {
  if (sig > 34 && sig < 64) return `RTMIN+${sig - 34}`;
  return signalName(sig);
}

interface CommandLine { file: string; args: string[]; argv0: string }

/**
 * setpriv is exec'd in front of the program only when needed (drop to user= with the user's
 * supplementary groups, or a parent-death signal); the program then gets `file` as argv[0].
 */
export function commandLine(req: SpawnRequest): CommandLine {
  // A file without a slash would make spawn search PATH; supervisord execs it from the cwd.
  const file = req.file.includes('/') ? req.file : `./${req.file}`;
  const rest = req.argv.slice(1);
  const opts: string[] = [];
  if (needsSetuid(req) && req.user !== null) {
    opts.push('--reuid', String(req.user.uid), '--regid', String(req.user.gid), '--init-groups');
  }
  if (req.parentDeathSignal !== null) opts.push('--pdeathsig', setprivSignal(req.parentDeathSignal));
  if (opts.length === 0) return { file, args: rest, argv0: req.argv[0] ?? file };
  return { file: SETPRIV, args: [...opts, '--', file, ...rest], argv0: 'setpriv' };
}

/** stdin as given (a pipe, nothing, or an fd); stdout and stderr two pipes or both the shared pipe. */
function stdioFor(stdin: 'pipe' | 'ignore' | number, pipe: SharedPipe | null): StdioOptions {
  return pipe === null ? [stdin, 'pipe', 'pipe'] : [stdin, pipe.writeFd, pipe.writeFd];
}

function childFrom(proc: ChildProcess, pid: number, pipe: SharedPipe | null, stdin?: Writable | null): NodeChild {
  if (pipe !== null) return new NodeChild(proc, pid, pipe.reader, null, stdin);
  if (proc.stdout === null || proc.stderr === null) throw new Error('spawned child without output pipes');
  return new NodeChild(proc, pid, proc.stdout, proc.stderr, stdin);
}

/** A stand-in child that writes supervisord's failure text (given now, or later on stdin) and exits 127. */
function failureChild(pipe: SharedPipe | null, message: string | null): { child: NodeChild; feed: Writable | null } {
  const script = message === null ? 'cat >&2; exit 127' : 'printf "%s" "$1" >&2; exit 127';
  const proc = spawn('/bin/sh', ['-c', script, 'sh', message ?? ''], {
    detached: true,
    stdio: stdioFor(message === null ? 'pipe' : 'ignore', pipe),
  });
  if (proc.pid === undefined) {
    proc.on('error', () => { /* reported as the SpawnError below */ });
    throw new SpawnError('EAGAIN');
  }
  return { child: childFrom(proc, proc.pid, pipe, null), feed: proc.stdin };
}

function exhaustedFds(): string | null {
  try {
    closeSync(openSync('/dev/null', 'r'));
    return null;
  } catch (err) {
    return errnoName(err, 'EMFILE');
  }
}

export class NodeSpawner implements Spawner {
  spawn(req: SpawnRequest): SpawnedChild {
    let pipe: SharedPipe | null = null;
    try {
      if (req.redirectStderr) pipe = makeSharedPipe();
    } catch (err) {
      throw new SpawnError(errnoName(err, 'EMFILE'), { cause: err });
    }
    try {
      const early = preflightFailure(req);
      if (early !== null) return failureChild(pipe, early).child;
      return this.#launch(req, pipe);
    } catch (err) {
      pipe?.reader.destroy();
      throw err;
    } finally {
      pipe?.closeWriteEnd();
    }
  }

  #launch(req: SpawnRequest, pipe: SharedPipe | null): SpawnedChild {
    const cmd = commandLine(req);
    const saved = req.umask === null ? null : process.umask(req.umask);
    let proc: ChildProcess;
    try {
      proc = spawn(cmd.file, cmd.args, {
        argv0: cmd.argv0,
        env: { ...req.env },
        cwd: req.cwd ?? undefined,
        detached: true,
        stdio: stdioFor(req.stdinFd ?? 'pipe', pipe),
      });
    } catch (err) {
      throw new SpawnError(errnoName(err, 'EINVAL'), { cause: err });
    } finally {
      if (saved !== null) process.umask(saved);
    }
    if (proc.pid !== undefined) return childFrom(proc, proc.pid, pipe);
    return this.#execFailed(proc, req, pipe);
  }

  /**
   * Node reports exec failures (ENOENT, EACCES) and EMFILE/EAGAIN only asynchronously. Out of
   * descriptors is a spawn error; anything else becomes supervisord's "couldn't exec" child.
   */
  #execFailed(proc: ChildProcess, req: SpawnRequest, pipe: SharedPipe | null): SpawnedChild {
    const fds = exhaustedFds();
    if (fds !== null) {
      proc.on('error', () => { /* reported as the SpawnError */ });
      throw new SpawnError(fds);
    }
    const { child, feed } = failureChild(pipe, null);
    proc.once('error', (err) => {
      feed?.end(`supervisor: couldn't exec ${req.argv[0] ?? req.file}: ${errnoName(err, 'ENOENT')}\n${NOT_SPAWNED}`);
    });
    return child;
  }
}

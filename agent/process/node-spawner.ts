// The real Spawner: child_process.spawn in its own process group with real pipes as stdio, and
// supervisord's child-side behaviour (setuid with supplementary groups, chdir, umask, exec without
// a shell fallback, failure texts + exit 127) emulated.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { ChildPipes, feedAndClose } from './child-pipes.js';
import { SpawnError } from './errors.js';
import { closeFds, fifoPool, type PipeFds } from './fifo-pool.js';
import { NodeChild } from './node-child.js';
import { childCwd, execvpTarget, needsSetuid, NOT_SPAWNED, preflightFailure } from './preflight.js';
import type { SpawnHelper } from './spawn-helper.js';
import { helperCanCarry, type HelperResult, type HelperSpawn } from './spawn-protocol.js';
import { SpawnRoute } from './spawn-route.js';
import { outcomeOf, type SpawnOutcome, type SpawnRequest, type SpawnedChild, type Spawner } from './spawner.js';
import { errnoName } from './errno.js';

export { preflightFailure } from './preflight.js';

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null;

/**
 * Errors the exec itself met in the forked child, which libuv reports by a synchronous throw
 * (ENOENT and EACCES arrive as 'error' events instead). Anything else is a fork failure.
 */
const EXEC_ERRNOS: ReadonlySet<string> = new Set([
  'E2BIG', 'EFAULT', 'EINVAL', 'EIO', 'EISDIR', 'ELIBBAD', 'ELOOP', 'ENAMETOOLONG', 'ENOEXEC', 'ENOTDIR', 'EPERM', 'ETXTBSY',
]);


const noop = (): void => { /* reported otherwise */ };

function execFailureText(req: SpawnRequest, code: string): string {
  return `supervisor: couldn't exec ${req.argv[0] ?? req.file}: ${code}\n${NOT_SPAWNED}`;
}

interface CommandLine { file: string; args: string[]; argv0: string }

/**
 * The program as setpriv should name it. setpriv execvp()s its argument and passes it as argv[0]:
 * a bare command= word (`sleep`) stays bare when a PATH search finds the same file we resolved.
 */
function setprivProgram(req: SpawnRequest, file: string): string {
  const argv0 = req.argv[0];
  if (argv0 === undefined || req.user === null) return file;
  if (argv0.includes('/')) return argv0;
  const cwd = childCwd(req);
  const found = execvpTarget(argv0, req.env, cwd, req.user);
  return found !== null && sameFile(found, resolve(cwd, req.file)) ? argv0 : file;
}

function sameFile(a: string, b: string): boolean {
  try { return a === b || realpathSync(a) === realpathSync(b); } catch { return false; }
}

/**
 * Exec'd as is, with argv[0] as written in command=; only user= goes through util-linux setpriv,
 * which sets the user's supplementary groups (Node's uid/gid options drop them).
 */
export function commandLine(req: SpawnRequest): CommandLine {
  // A file without a slash would make spawn search PATH; supervisord execs it from the cwd.
  const file = req.file.includes('/') ? req.file : `./${req.file}`;
  const rest = req.argv.slice(1);
  if (!needsSetuid(req) || req.user === null || SETPRIV === null) return { file, args: rest, argv0: req.argv[0] ?? file };
  const ids = ['--reuid', String(req.user.uid), '--regid', String(req.user.gid), '--init-groups'];
  return { file: SETPRIV, args: [...ids, '--', setprivProgram(req, file), ...rest], argv0: 'setpriv' };
}

/**
 * A stand-in child that writes supervisord's failure text and exits 127: `text`, or (null) what
 * arrives on its stdin. Its output goes to the pipes the program would have had.
 */
function standIn(pipes: ChildPipes, text: string | null, stdin: number | 'ignore'): NodeChild {
  const script = text === null ? 'cat >&2; exit 127' : 'printf "%s" "$1" >&2; exit 127';
  let proc: ChildProcess;
  try {
    proc = spawn('/bin/sh', ['-c', script, 'sh', text ?? ''], { detached: true, stdio: pipes.stdio(stdin) });
  } catch (err) {
    throw new SpawnError(errnoName(err, 'EAGAIN'), { cause: err });
  }
  if (proc.pid === undefined) {
    proc.on('error', noop);
    throw new SpawnError(exhaustedFds() ?? 'EAGAIN');
  }
  const ends = pipes.parentEnds(false);
  return new NodeChild(proc, proc.pid, ends.stdout, ends.stderr, null);
}

/** EMFILE/ENFILE when a spawn could not get the few descriptors it needs (libuv's own pipe among them). */
function exhaustedFds(): string | null {
  const fds: number[] = [];
  try {
    for (let i = 0; i < 3; i++) fds.push(openSync('/dev/null', 'r'));
    return null;
  } catch (err) {
    return errnoName(err, 'EMFILE');
  } finally {
    closeFds(...fds);
  }
}

/** The helper's request for `req`, or null when the pipes or the strings cannot go through it. */
function helperRequest(req: SpawnRequest, pipes: ChildPipes): HelperSpawn | null {
  const [stdinFd, stdoutFd, stderrFd] = pipes.stdio() as number[];
  if (stdinFd === undefined || stdoutFd === undefined || stderrFd === undefined) return null;
  const request: HelperSpawn = {
    file: commandLine(req).file, argv: req.argv, env: req.env, cwd: req.cwd, umask: req.umask,
    stdinFd, stdoutFd, stderrFd,
  };
  return helperCanCarry(request) ? request : null;
}

/** A spawn sent to the helper whose answer endBatch() reads; the child's ends stay open until then. */
interface InFlight {
  readonly req: SpawnRequest;
  readonly pipes: ChildPipes;
  readonly helper: SpawnHelper;
  readonly id: number;
  readonly settled: (outcome: SpawnOutcome) => void;
}

/** What endBatch() settles, in order: a spawn in flight, or a callback queued behind one. */
type Queued = InFlight | { readonly run: () => void };

export class NodeSpawner implements Spawner {
  readonly #route: SpawnRoute;
  #batching = false;
  readonly #queue: Queued[] = [];

  /** `route` decides between fv-spawn and node's spawn (a helper of this spawner's own by default). */
  constructor(route: SpawnRoute = new SpawnRoute()) {
    this.#route = route;
  }

  spawn(req: SpawnRequest): SpawnedChild {
    // Without somewhere to defer to, nothing is queued: #start returns the child.
    return this.#start(req, null) as SpawnedChild;
  }

  /**
   * In a batch, a spawn the helper can carry is only sent: the helper forks it while the daemon
   * prepares the next children, and endBatch() reads the answers. (Waiting for each answer in turn
   * left both the daemon and the helper idle half of the time while hundreds of programs start.)
   */
  spawnDeferred(req: SpawnRequest, settled: (outcome: SpawnOutcome) => void): void {
    const outcome = outcomeOf(() => this.#start(req, this.#batching ? settled : null));
    if (outcome !== null) this.afterInFlight(() => settled(outcome));
  }

  afterInFlight(fn: () => void): void {
    if (this.#queue.length > 0) this.#queue.push({ run: fn });
    else fn();
  }

  beginBatch(): void { this.#batching = true; }

  /** Settles every spawn sent in the batch, in order; a callback's error is rethrown after the rest. */
  endBatch(): void {
    this.#batching = false;
    let failure: { err: unknown } | null = null;
    for (const q of this.#queue.splice(0)) {
      try {
        if ('run' in q) q.run();
        else {
          const outcome = outcomeOf(() => this.#finish(q));
          q.settled(outcome);
        }
      } catch (err) { failure ??= { err }; }
    }
    if (failure !== null) throw failure.err;
  }

  /**
   * Pipes, the checks supervisord's child would fail, the route, then the fork: the child, or
   * (with `deferTo`, on the helper) null when the request was sent and is queued until endBatch.
   */
  #start(req: SpawnRequest, deferTo: ((outcome: SpawnOutcome) => void) | null): SpawnedChild | null {
    const pipes = ChildPipes.make(req.stdinFd === undefined || req.stdinFd === null, !req.redirectStderr);
    let sent = false;
    try {
      const early = preflightFailure(req, SETPRIV);
      if (early !== null) return standIn(pipes, early, 'ignore');
      const helper = this.#route.helperFor(req);
      const request = helper === null ? null : helperRequest(req, pipes);
      if (helper === null || request === null) return this.#nodeSpawn(req, pipes);
      if (deferTo === null) return this.#fromHelper(helper, helper.spawn(request), req, pipes);
      const id = helper.submit(request);
      if (id === null) return this.#nodeSpawn(req, pipes); // it died: node's spawn takes over
      this.#queue.push({ req, pipes, helper, id, settled: deferTo });
      sent = true;
      return null;
    } catch (err) {
      pipes.closeParentEnds();
      throw err;
    } finally {
      if (!sent) pipes.closeChildEnds();
    }
  }

  #finish(f: InFlight): SpawnedChild {
    try {
      return this.#fromHelper(f.helper, f.helper.collect(f.id), f.req, f.pipes);
    } catch (err) {
      f.pipes.closeParentEnds();
      throw err;
    } finally {
      f.pipes.closeChildEnds();
    }
  }

  /** The child the helper started; node's spawn when the helper died or may not reopen our fds; throws SpawnError. */
  #fromHelper(helper: SpawnHelper, result: HelperResult, req: SpawnRequest, pipes: ChildPipes): SpawnedChild {
    if ('error' in result) {
      if (result.error === 'EPIPE' && !helper.alive) return this.#nodeSpawn(req, pipes);
      if (result.error === 'EACCES' || result.error === 'EPERM') {
        // A daemon that dropped privileges (user= in [supervisord]) is no longer dumpable, so its
        // /proc/<pid>/fd is closed to its own uid: node spawns from now on.
        this.#route.disable(helper);
        return this.#nodeSpawn(req, pipes);
      }
      throw new SpawnError(result.error);
    }
    const ends = pipes.parentEnds();
    return new NodeChild(helper.exitsOf(result.pid), result.pid, ends.stdout, ends.stderr, ends.stdin);
  }

  #nodeSpawn(req: SpawnRequest, pipes: ChildPipes): SpawnedChild {
    const cmd = commandLine(req);
    const saved = req.umask === null ? null : process.umask(req.umask);
    let proc: ChildProcess;
    try {
      proc = spawn(cmd.file, cmd.args, {
        argv0: cmd.argv0,
        env: { ...req.env },
        cwd: req.cwd ?? undefined,
        detached: true,
        stdio: pipes.stdio(req.stdinFd ?? undefined),
      });
    } catch (err) {
      const code = errnoName(err, 'EINVAL');
      if (EXEC_ERRNOS.has(code)) return standIn(pipes, execFailureText(req, code), 'ignore');
      throw new SpawnError(code, { cause: err });
    } finally {
      if (saved !== null) process.umask(saved);
    }
    if (proc.pid === undefined) return this.#execFailed(proc, req, pipes);
    const ends = pipes.parentEnds();
    return new NodeChild(proc, proc.pid, ends.stdout, ends.stderr, ends.stdin);
  }

  /**
   * Node reports ENOENT and EACCES from the exec (and EMFILE/EAGAIN) only asynchronously. Out of
   * descriptors is a spawn error; anything else becomes supervisord's "couldn't exec" child, whose
   * text is fed to it once the errno is known.
   */
  #execFailed(proc: ChildProcess, req: SpawnRequest, pipes: ChildPipes): SpawnedChild {
    const fds = exhaustedFds();
    if (fds !== null) {
      proc.on('error', noop);
      throw new SpawnError(fds);
    }
    let own: PipeFds | null = null; // an fcgi child has no stdin pipe: the text needs its own
    try {
      if (!pipes.hasStdin) own = fifoPool.pipe();
    } catch (err) {
      proc.on('error', noop);
      throw new SpawnError(errnoName(err, 'EMFILE'), { cause: err });
    }
    const stdin = own?.readFd ?? (pipes.stdio()[0] as number);
    const feed = own === null ? pipes.takeFeed() ?? noop : (text: string) => { feedAndClose(own.writeFd, text); };
    let child: NodeChild;
    try {
      child = standIn(pipes, null, stdin);
    } catch (err) {
      proc.on('error', noop);
      feed('');
      throw err;
    } finally {
      if (own !== null) closeFds(own.readFd);
    }
    proc.once('error', (err) => feed(execFailureText(req, errnoName(err, 'ENOENT'))));
    return child;
  }
}

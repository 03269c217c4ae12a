// Real pipes for children's stdio. Node has no pipe(2) and its stdio 'pipe' is a socketpair, on
// which a child's open("/dev/stderr") fails with ENXIO. A FIFO opened at both ends and unlinked is
// a pipe; FIFOs are made in batches in a private (0700) directory, by the spawn helper (one request,
// mkfifo(2)) or else by one `mkfifo` exec, so a spawn costs no exec on average. Every end is a
// separate, blocking open file description: the child's end stays blocking whatever the parent
// (libuv) does to its own end.
import { accessSync, closeSync, constants, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { errnoName } from './errno.js';

/** FIFOs made per batch (one helper request or one `mkfifo` exec). A spawn takes two or three. */
export const FIFO_BATCH = 128;

const MKFIFO = ['/usr/bin/mkfifo', '/bin/mkfifo'].find((p) => existsSync(p)) ?? 'mkfifo';

/**
 * Where the private directories go: a tmpfs (/dev/shm) when there is one we may write, since
 * making and removing inodes there costs no journal; else the usual temp directory.
 */
function fifoBase(): string {
  try {
    if (!statSync('/dev/shm').isDirectory()) return tmpdir();
    accessSync('/dev/shm', constants.W_OK | constants.X_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/** Both ends of one pipe: plain fds, O_CLOEXEC (children inherit only what they are given). */
export interface PipeFds {
  readonly readFd: number;
  readonly writeFd: number;
}

/** The private directories of process `pid` start with this (the guardian removes them if we die). */
export function pipeDirPrefix(pid: number = process.pid, base: string = fifoBase()): string {
  return join(base, `fleetvisord-${pid}-`);
}

/** Removes what a dead process `pid` left of its private directories (its guardian died with it). */
export function removePipeDirsOf(pid: number): void {
  const prefix = pipeDirPrefix(pid);
  const base = dirname(prefix);
  let names: string[];
  try { names = readdirSync(base); } catch { return; }
  for (const name of names) {
    if (join(base, name).startsWith(prefix)) rmSync(join(base, name), { recursive: true, force: true });
  }
}


/** An Error carrying an errno name in `code`, as fs errors do. */
function codedError(code: string, message: string, cause?: unknown): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(message, { cause });
  err.code = code;
  return err;
}

/** Something that makes FIFOs synchronously and cheaply (the spawn helper). */
export interface FifoMaker {
  makeFifos(paths: readonly string[]): void;
}

export class FifoPool {
  readonly #batch: number;
  #maker: FifoMaker | null = null;
  #dir: string | null = null;
  #names: string[] = [];
  #serial = 0;
  #exitHook = false;
  #refilling = false;
  /** `mkfifo` execs so far: made in the background, and made while a spawn waited. */
  readonly execs = { background: 0, waited: 0 };

  constructor(batch = FIFO_BATCH) {
    this.#batch = batch;
  }

  /**
   * Makes later batches with `maker` (synchronously, in this process's turn) instead of a
   * `mkfifo` exec; null goes back to mkfifo. With `owner`, only unsets the maker if it is that one.
   */
  setMaker(maker: FifoMaker | null, owner?: FifoMaker): void {
    if (maker === null && owner !== undefined && this.#maker !== owner) return;
    this.#maker = maker;
  }

  /** The private directory while one exists. */
  get dir(): string | null { return this.#dir; }

  /** FIFOs made and not yet used. */
  get available(): number { return this.#names.length; }

  /**
   * One new pipe. Throws an Error with an errno `code` (EMFILE, ENFILE, ENOSPC ...); nothing stays
   * open then.
   */
  pipe(): PipeFds {
    try {
      return this.#open(this.#take());
    } catch (err) {
      // The directory may have been removed under us (a /tmp cleaner): start a fresh one, once.
      if (errnoName(err, '') !== 'ENOENT') throw err;
      this.#reset();
      return this.#open(this.#take());
    }
  }

  /** Removes the directory and the FIFOs left in it. Idempotent; a later pipe() starts again. */
  dispose(): void {
    this.#reset();
  }

  #take(): string {
    if (this.#names.length === 0) this.#refill();
    const name = this.#names.pop();
    if (name === undefined) throw codedError('EIO', 'mkfifo made no FIFO');
    // Below half a batch, the next batch is made in the background, so spawns rarely wait for it.
    if (this.#names.length < this.#batch / 2) this.#refillInBackground();
    return name;
  }

  #batchNames(dir: string): string[] {
    return Array.from({ length: this.#batch }, () => join(dir, String(this.#serial++)));
  }

  #refillInBackground(): void {
    const dir = this.#dir;
    if (this.#refilling || dir === null || this.#maker !== null) return;
    this.#refilling = true;
    this.execs.background += 1;
    const names = this.#batchNames(dir);
    const child = spawn(MKFIFO, ['-m', '600', '--', ...names], { stdio: 'ignore' });
    // A failure here is not a spawn's: the next waited refill reports it, if it persists.
    child.once('error', () => { this.#refilling = false; });
    child.once('exit', (code) => {
      this.#refilling = false;
      if (code === 0 && this.#dir === dir) this.#names.unshift(...names);
    });
    child.unref();
  }

  #reset(): void {
    const dir = this.#dir;
    this.#dir = null;
    this.#names = [];
    if (dir !== null) rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  }

  #refill(): void {
    if (this.#dir === null) {
      this.#dir = mkdtempSync(pipeDirPrefix());
      if (!this.#exitHook) {
        this.#exitHook = true;
        process.once('exit', () => this.dispose());
      }
    }
    const names = this.#batchNames(this.#dir);
    if (this.#maker !== null) {
      try {
        this.#maker.makeFifos(names);
        this.#names.push(...names);
        return;
      } catch (err) {
        if (errnoName(err, '') !== 'EPIPE') {
          this.#reset();
          throw codedError(errnoName(err, 'EIO'), (err as Error).message, err);
        }
        this.#maker = null; // the helper died: mkfifo again
      }
    }
    this.execs.waited += 1;
    try {
      execFileSync(MKFIFO, ['-m', '600', '--', ...names], { stdio: 'ignore' });
    } catch (err) {
      // mkfifo missing (ENOENT from the exec) or failing (ENOSPC, EDQUOT ...: exit status 1).
      this.#reset();
      throw codedError(errnoName(err, 'EIO'), `mkfifo failed: ${(err as Error).message}`, err);
    }
    this.#names.push(...names);
  }

  /**
   * A holder opened read-write (never blocks on Linux) lets the blocking read-only and write-only
   * opens return at once; closing it leaves a pipe with exactly one reader and one writer fd.
   */
  #open(fifo: string): PipeFds {
    const fds: number[] = [];
    try {
      const holder = openSync(fifo, constants.O_RDWR);
      try {
        fds.push(openSync(fifo, constants.O_RDONLY));
        fds.push(openSync(fifo, constants.O_WRONLY));
      } finally {
        closeSync(holder);
      }
    } catch (err) {
      closeFds(...fds);
      // Unused, so still good for the next pipe (EMFILE ...); ENOENT makes pipe() start afresh.
      this.#names.push(fifo);
      throw err;
    }
    try { unlinkSync(fifo); } catch { /* already removed: the open pipe works without its name */ }
    const [readFd = -1, writeFd = -1] = fds;
    return { readFd, writeFd };
  }
}

/** The daemon's one pool. */
export const fifoPool = new FifoPool();

/** Closes every fd given (ignores the ones already closed). */
export function closeFds(...fds: readonly (number | null | undefined)[]): void {
  for (const fd of fds) {
    if (fd === null || fd === undefined || fd < 0) continue;
    try { closeSync(fd); } catch { /* already closed */ }
  }
}

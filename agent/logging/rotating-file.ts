// A log file that rotates by size (supervisord's RotatingFileHandler semantics) and can be reopened or cleared,
// and that tells its followers (log-writes.ts) what it wrote. Imports node built-ins and log-writes;
// used by the main log and by every child log channel.
import { closeSync, constants, existsSync, fstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { logWrites, LogWrites } from './log-writes.js';

export interface RotatingFileOptions {
  readonly path: string;
  /** No file holds more than this many bytes: a write that would pass it goes to a fresh file; 0 never rotates. */
  readonly maxbytes?: number;
  /** How many numbered backups (.1 … .N) to keep; 0 truncates the file in place instead. */
  readonly backups?: number;
  /** Permission bits for files we create; the process umask is applied by the kernel. */
  readonly fileMode?: number;
  /** Where writes, rotations and reopenings are announced; the daemon's table by default. */
  readonly writes?: LogWrites;
}

// Reopening after a rotation truncates, like supervisord's open(name, 'wb'), but we keep O_APPEND so that
// a second writer sharing the path (stdout and stderr logged to one file) never overwrites our bytes.
const TRUNCATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND;

function isNoEntry(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

export class RotatingFile {
  readonly path: string;
  private readonly maxbytes: number;
  private readonly backups: number;
  private readonly fileMode: number;
  private readonly writes: LogWrites;
  private readonly key: string;
  private fd: number | null = null;
  private currentSize = 0;
  /** Identity of the open file, for followers to tell it from a file now at the same path. */
  private ino = 0n;
  private dev = 0n;

  /** Opens (creating if needed) the file in append mode; open errors propagate with their errno code. */
  constructor(opts: RotatingFileOptions) {
    this.path = opts.path;
    this.maxbytes = opts.maxbytes ?? 0;
    this.backups = opts.backups ?? 0;
    this.fileMode = opts.fileMode ?? 0o666;
    this.writes = opts.writes ?? logWrites;
    this.key = LogWrites.key(opts.path);
    this.openWith('a');
  }

  /** Size of the file behind the open descriptor, as of the last open or write. */
  get size(): number {
    return this.currentSize;
  }

  get isOpen(): boolean {
    return this.fd !== null;
  }

  /**
   * Appends every byte of buf synchronously, rotating first when the bytes would take the file
   * past maxbytes, so that no file ever holds more than maxbytes: a write that fits in the room
   * left goes in whole; one that does not goes whole into a fresh file; one larger than maxbytes
   * is cut into maxbytes pieces, each filling a file. A file exactly full rotates at the next write.
   * supervisord's RotatingFileHandler (supervisor/loggers.py) writes first and rotates after, once
   * `tell() >= maxBytes`, so its files pass maxbytes by up to one read of the child's pipe (64 KiB).
   * Every byte is written, in order, either way; only where one file ends and the next begins differs.
   */
  write(buf: Buffer): void {
    this.requireFd();
    if (this.maxbytes <= 0) {
      this.append(buf);
      return;
    }
    let from = 0;
    while (from < buf.length) {
      // fstat rather than counting: with O_APPEND the end of file includes any bytes another
      // writer of the same path added (stdout and stderr logged to one file).
      this.currentSize = fstatSync(this.requireFd()).size;
      const rest = buf.length - from;
      if (this.currentSize > 0 && this.currentSize + rest > this.maxbytes) {
        this.rotate();
        this.replaced();
      }
      const n = this.currentSize + rest <= this.maxbytes ? rest : Math.min(rest, this.maxbytes);
      this.append(n === buf.length ? buf : buf.subarray(from, from + n));
      from += n;
    }
  }

  /** Writes all of `data` at the end of the open file, and tells the followers. */
  private append(data: Buffer): void {
    const fd = this.requireFd();
    let done = 0;
    // writeSync may write fewer bytes than asked (signals, pipes, nearly full disks); loop until all are out.
    while (done < data.length) done += writeSync(fd, data, done, data.length - done);
    if (!this.writes.followed(this.key)) {
      this.currentSize += data.length;
      return;
    }
    // A follower is told where the bytes end: another writer may have added some meanwhile.
    this.currentSize = fstatSync(fd).size;
    this.writes.emit(this.key, { kind: 'append', data, end: this.currentSize, ino: this.ino, dev: this.dev });
  }

  /** Close and open again by path: picks up a file moved away by an external logrotate (SIGUSR2). */
  reopen(): void {
    this.close();
    this.openWith('a');
    this.replaced();
  }

  /** Delete the file, then reopen it empty (clearLog / clearProcessLogs). */
  clear(): void {
    this.close();
    try {
      unlinkSync(this.path);
    } catch (err) {
      // Already gone (someone removed it): the goal, an empty file, is reached by the reopen below.
      if (!isNoEntry(err)) throw err;
    }
    this.openWith('a');
    this.replaced();
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
  }

  private requireFd(): number {
    if (this.fd === null) throw new Error(`log file ${this.path} is closed`);
    return this.fd;
  }

  private openWith(flags: 'a' | number): void {
    this.fd = openSync(this.path, flags, this.fileMode);
    const st = fstatSync(this.fd, { bigint: true });
    this.currentSize = Number(st.size);
    this.ino = st.ino;
    this.dev = st.dev;
  }

  /** The path names another (or an emptied) file now: followers look again. */
  private replaced(): void {
    if (this.writes.followed(this.key)) this.writes.emit(this.key, { kind: 'replaced' });
  }

  /** Shift name.(i) -> name.(i+1) from the oldest kept backup down, name -> name.1, then start a fresh file. */
  private rotate(): void {
    this.close();
    if (this.backups > 0) {
      for (let i = this.backups - 1; i >= 1; i--) {
        const source = `${this.path}.${i}`;
        if (existsSync(source)) moveReplacing(source, `${this.path}.${i + 1}`);
      }
      moveReplacing(this.path, `${this.path}.1`);
    }
    this.openWith(TRUNCATE_FLAGS);
  }
}

/** rename(2) with supervisord's tolerance: a missing target or source is not an error. */
function moveReplacing(source: string, target: string): void {
  if (existsSync(target)) {
    try {
      unlinkSync(target);
    } catch (err) {
      // Raced with another remover (e.g. a cleanup script): the target is gone, which is what we wanted.
      if (!isNoEntry(err)) throw err;
    }
  }
  try {
    renameSync(source, target);
  } catch (err) {
    // The source vanished (an external cleanup removed the active log): nothing to keep, carry on.
    if (!isNoEntry(err)) throw err;
  }
}

// The pipes of one spawn (supervisor/options.py ServerOptions.make_pipes): stdin (unless an fcgi
// socket is fd 0), stdout, and stderr unless redirect_stderr (then fds 1 and 2 share the stdout
// pipe, keeping the order).
// Ownership of every fd is tracked, so each is closed exactly once on every path.
import type { StdioOptions } from 'node:child_process';
import { writeSync } from 'node:fs';
import { Socket, type OnReadOpts, type SocketConstructorOpts } from 'node:net';
import { Writable, type Readable } from 'node:stream';
import { SpawnError } from './errors.js';
import { closeFds, fifoPool, type FifoPool, type PipeFds } from './fifo-pool.js';
import { errnoName } from './errno.js';

const CLOSED = -1;

/** One pipe; each end is handed over (or closed) once. */
class OwnedPipe {
  #read: number;
  #write: number;
  constructor(fds: PipeFds) {
    this.#read = fds.readFd;
    this.#write = fds.writeFd;
  }
  get readFd(): number { return this.#read; }
  get writeFd(): number { return this.#write; }
  takeRead(): number { const fd = this.#read; this.#read = CLOSED; return fd; }
  takeWrite(): number { const fd = this.#write; this.#write = CLOSED; return fd; }
  closeRead(): void { closeFds(this.takeRead()); }
  closeWrite(): void { closeFds(this.takeWrite()); }
}


/**
 * libuv reads every child pipe into this one buffer (node's `onread` option) and the socket
 * re-emits each chunk as a 'data' event of a view into it. That skips the stream machinery and a
 * Buffer per read, which saves much of the daemon's CPU on captured output, and costs no memory
 * per pipe. A chunk is only valid during its 'data' listeners: whoever keeps bytes copies them
 * (capture mode, PROCESS_LOG events, the listener protocol do). Reads complete one at a time on
 * the main thread, so sharing the buffer between all pipes is safe.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** A Socket that owns `fd` (libuv makes that fd non-blocking: the child's end is another description). */
function reader(fd: number): Readable {
  // @types/node lists `onread` for net.connect only; node accepts it for new Socket() too.
  const opts: SocketConstructorOpts & { onread: OnReadOpts } = {
    fd, readable: true, writable: false,
    onread: { buffer: READ_BUFFER, callback: (n: number, buf: Uint8Array) => {
      socket.emit('data', Buffer.from(buf.buffer, buf.byteOffset, n));
      return true; // keep reading
    } },
  };
  const socket: Socket = new Socket(opts);
  return socket;
}

/**
 * Our end of a child's stdin pipe. The Socket (memory and a libuv handle) is made at the first
 * use, by sendProcessStdin or a listener's protocol: most children never get a byte on stdin, and
 * one Socket less per spawn adds up when hundreds start at once.
 */
export class StdinEnd {
  #fd: number;
  #socket: Writable | null = null;

  constructor(fd: number) { this.#fd = fd; }

  /** The stream; after close() a destroyed one (writes are refused, as on a closed Socket). */
  get stream(): Writable {
    if (this.#socket === null) {
      if (this.#fd === CLOSED) {
        this.#socket = new Writable();
        this.#socket.destroy();
      } else {
        const socket = new Socket({ fd: this.#fd, readable: false, writable: true });
        socket.on('error', () => { /* EPIPE after the child exits; the writer sees it via state */ });
        this.#fd = CLOSED;
        this.#socket = socket;
      }
    }
    return this.#socket;
  }

  close(): void {
    if (this.#socket !== null) this.#socket.destroy();
    else if (this.#fd !== CLOSED) closeFds(this.#fd);
    this.#fd = CLOSED;
  }
}

export interface ParentEnds {
  readonly stdin: StdinEnd | null;
  readonly stdout: Readable;
  readonly stderr: Readable | null;
}

export class ChildPipes {
  readonly #stdin: OwnedPipe | null;
  readonly #out: OwnedPipe;
  readonly #err: OwnedPipe | null;

  private constructor(stdin: OwnedPipe | null, out: OwnedPipe, err: OwnedPipe | null) {
    this.#stdin = stdin;
    this.#out = out;
    this.#err = err;
  }

  /** Throws SpawnError (the errno: EMFILE ...) with nothing left open. */
  static make(withStdin: boolean, withStderr: boolean, pool: FifoPool = fifoPool): ChildPipes {
    const made: OwnedPipe[] = [];
    try {
      const stdin = withStdin ? new OwnedPipe(pool.pipe()) : null;
      if (stdin) made.push(stdin);
      const out = new OwnedPipe(pool.pipe());
      made.push(out);
      const err = withStderr ? new OwnedPipe(pool.pipe()) : null;
      return new ChildPipes(stdin, out, err);
    } catch (err) {
      for (const p of made) { p.closeRead(); p.closeWrite(); }
      throw new SpawnError(errnoName(err, 'EMFILE'), { cause: err });
    }
  }

  get hasStdin(): boolean { return this.#stdin !== null; }

  /** stdio for spawn: fd 0 is `stdin` when given (an fcgi socket, 'ignore'), else the stdin pipe. */
  stdio(stdin?: number | 'ignore'): StdioOptions {
    const out = this.#out.writeFd;
    return [stdin ?? this.#stdin?.readFd ?? 'ignore', out, this.#err?.writeFd ?? out];
  }

  /** After the spawn (it worked or not): the child has its copies, ours go. */
  closeChildEnds(): void {
    this.#stdin?.closeRead();
    this.#out.closeWrite();
    this.#err?.closeWrite();
  }

  /** When no child will use the pipes: every parent end not yet handed over is closed. */
  closeParentEnds(): void {
    this.#stdin?.closeWrite();
    this.#out.closeRead();
    this.#err?.closeRead();
  }

  /** Our ends as streams (stdin made on demand); from now on they own (and close) the fds. */
  parentEnds(withStdin = true): ParentEnds {
    const stdinFd = withStdin ? this.#stdin?.takeWrite() ?? CLOSED : CLOSED;
    if (!withStdin) this.#stdin?.closeWrite();
    return {
      stdin: stdinFd === CLOSED ? null : new StdinEnd(stdinFd),
      stdout: reader(this.#out.takeRead()),
      stderr: this.#err === null ? null : reader(this.#err.takeRead()),
    };
  }

  /**
   * The stdin pipe's write end as a one-shot feed (feedAndClose). null when there is no stdin pipe.
   */
  takeFeed(): ((text: string) => void) | null {
    if (this.#stdin === null) return null;
    const fd = this.#stdin.takeWrite();
    return (text: string) => { feedAndClose(fd, text); };
  }
}

/** Writes `text` to a pipe's write end (a few bytes into an empty pipe never block), then closes it. */
export function feedAndClose(fd: number, text: string): void {
  try { if (text !== '') writeSync(fd, text); } catch { /* the reader is gone */ }
  closeFds(fd);
}

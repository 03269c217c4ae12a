// A spawned child as the machine sees it: pid, pipes, kill by pid or process group, and an exit
// callback that waits for the pipes to drain (bounded, since a grandchild may hold them open).
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { StdinEnd } from './child-pipes.js';
import type { SpawnedChild } from './spawner.js';

/** How long to wait, after the exit, for pipes a grandchild may keep open (real milliseconds). */
export const DRAIN_GRACE_MS = 100;

type ExitCallback = (code: number | null, signal: number | null, coreDumped: boolean) => void;

/** What reports a child's end: node's ChildProcess, or the spawn helper's per-child emitter. */
export interface ExitSource {
  on(event: 'error', cb: (err: Error) => void): unknown;
  once(event: 'exit', cb: (code: number | null, signal: NodeJS.Signals | null, coreDumped?: boolean) => void): unknown;
}

export function signalNumber(name: NodeJS.Signals | null): number | null {
  if (name === null) return null;
  return constants.signals[name] ?? null;
}

export class NodeChild implements SpawnedChild {
  readonly pid: number;
  readonly #stdin: StdinEnd | null;
  readonly stdout: Readable;
  readonly stderr: Readable | null;
  #openStreams: number;
  #exit: { code: number | null; signal: number | null; core: boolean } | null = null;
  #callbacks: ExitCallback[] = [];
  #fired = false;
  #grace: NodeJS.Timeout | null = null;

  constructor(proc: ExitSource, pid: number, stdout: Readable, stderr: Readable | null, stdin: StdinEnd | null) {
    this.pid = pid;
    this.#stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    proc.on('error', () => { /* kill errors are reported by kill(); nothing else arrives here */ });
    const streams = stderr === null ? [stdout] : [stdout, stderr];
    this.#openStreams = streams.length;
    for (const s of streams) {
      s.on('error', () => { /* a read error ends the stream like EOF does */ });
      s.once('close', () => { this.#openStreams -= 1; this.#maybeFire(); });
    }
    proc.once('exit', (code, sig, core) => this.#onProcessExit(code, signalNumber(sig), core === true));
  }

  /** The stdin pipe as a stream, made at the first use; destroyed once the child has ended. */
  get stdin(): Writable | null { return this.#stdin?.stream ?? null; }

  kill(sig: number, group: boolean): void {
    if (!group) {
      process.kill(this.pid, sig);
      return;
    }
    try {
      process.kill(-this.pid, sig);
    } catch (err) {
      // Like execa: if the group cannot be signalled (e.g. EPERM), still try the leader itself.
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') throw err;
      process.kill(this.pid, sig);
    }
  }

  onExit(cb: ExitCallback): void {
    if (this.#fired && this.#exit !== null) cb(this.#exit.code, this.#exit.signal, this.#exit.core);
    else this.#callbacks.push(cb);
  }

  #onProcessExit(code: number | null, signal: number | null, core: boolean): void {
    this.#exit = { code, signal, core };
    if (this.#openStreams > 0) this.#grace = setTimeout(() => this.#detach(), DRAIN_GRACE_MS);
    this.#maybeFire();
  }

  /** A grandchild still holds the pipes: stop reading them, as supervisord closes its ends. */
  #detach(): void {
    this.stdout.destroy();
    this.stderr?.destroy();
    this.#openStreams = 0;
    this.#maybeFire();
  }

  #maybeFire(): void {
    if (this.#fired || this.#exit === null || this.#openStreams > 0) return;
    this.#fired = true;
    if (this.#grace !== null) clearTimeout(this.#grace);
    this.#stdin?.close();
    const { code, signal, core } = this.#exit;
    for (const cb of this.#callbacks.splice(0)) cb(code, signal, core);
  }
}

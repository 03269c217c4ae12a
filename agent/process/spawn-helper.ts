// The helper process fv-spawn (native/fv-spawn.c), which forks and execs children so the daemon
// never forks its own large address space: starting it, its two channels (requests out and
// replies read synchronously when wanted; exits read asynchronously as it reaps), and what happens
// when it dies. Its wire format is spawn-protocol.ts; which spawns go to it is spawn-route.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { accessSync, constants as fsConstants, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeFds, fifoPool, type PipeFds } from './fifo-pool.js';
import { readProcStat } from './proc-stat.js';
import {
  decodeWaitStatus, fifoFields, frame, parseExit, parseReply, spawnFields, type HelperResult, type HelperSpawn,
} from './spawn-protocol.js';

export { decodeWaitStatus, helperCanCarry, type HelperResult, type HelperSpawn } from './spawn-protocol.js';

/** Where `npm run build` puts the compiled helper (dist/native/fv-spawn). */
export const HELPER_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'native', 'fv-spawn');

/** Set to 0 to spawn with node's child_process instead (the helper is also skipped when not built). */
export const HELPER_ENV = 'FLEETVISOR_SPAWN_HELPER';

/** Emits 'exit' (code, signal name, core dumped) once, like a ChildProcess; never 'error'. */
export type HelperExits = EventEmitter;

export class SpawnHelper {
  readonly #proc: ChildProcess;
  readonly #requestFd: number;
  readonly #replyFd: number;
  readonly #exits = new Map<number, HelperExits>();
  #nextId = 1;
  /** Replies read while waiting for another one, by request id. */
  readonly #answers = new Map<number, [string, string]>();
  #replyTail = '';
  #exitTail = '';
  #dead = false;
  #channelsClosed = false;
  #orphanPoll: NodeJS.Timeout | null = null;
  readonly #onDeathCallbacks: (() => void)[] = [];

  private constructor(proc: ChildProcess, requestFd: number, replyFd: number) {
    this.#proc = proc;
    this.#requestFd = requestFd;
    this.#replyFd = replyFd;
    proc.stdout?.setEncoding('latin1');
    proc.stdout?.on('data', (s: string) => this.#onExitData(s));
    proc.once('exit', () => this.#onDeath());
    proc.on('error', () => this.#onDeath());
    proc.unref();
    this.#refExits();
  }

  /** The exit channel keeps the event loop alive exactly while children are alive. */
  #refExits(): void {
    const out = this.#proc.stdout as unknown as { ref?: () => void; unref?: () => void } | null;
    if (this.#exits.size > 0) out?.ref?.();
    else out?.unref?.();
  }

  /** Starts a helper; null when it is disabled, not built or cannot start. */
  static start(binary = HELPER_PATH): SpawnHelper | null {
    if (process.env[HELPER_ENV] === '0') return null;
    try { accessSync(binary, fsConstants.X_OK); } catch { return null; }
    let request: PipeFds | null = null;
    let reply: PipeFds | null = null;
    try {
      request = fifoPool.pipe();
      reply = fifoPool.pipe();
      const proc = spawn(binary, [String(process.pid)], {
        detached: true, stdio: [request.readFd, 'pipe', 'inherit', reply.writeFd],
      });
      if (proc.pid === undefined) {
        proc.on('error', () => { /* reported by the null */ });
        closeFds(request.writeFd, reply.readFd);
        return null;
      }
      return new SpawnHelper(proc, request.writeFd, reply.readFd);
    } catch {
      closeFds(request?.writeFd, reply?.readFd);
      return null;
    } finally {
      closeFds(request?.readFd, reply?.writeFd);
    }
  }

  get alive(): boolean { return !this.#dead; }

  /** Runs `fn` once the helper is gone (at once if it is). */
  whenDead(fn: () => void): void {
    if (this.#dead) fn();
    else this.#onDeathCallbacks.push(fn);
  }
  get pid(): number { return this.#proc.pid ?? -1; }

  /** Forks and execs one child; the pid, or the errno name of what failed before the fork. */
  spawn(req: HelperSpawn): HelperResult {
    const id = this.submit(req);
    return id === null ? { error: 'EPIPE' } : this.collect(id);
  }

  /**
   * Sends a spawn request without waiting for its answer (collect() reads it): the helper forks
   * while the daemon prepares the next child. null when the helper is gone.
   */
  submit(req: HelperSpawn): number | null {
    if (this.#dead) return null;
    const id = this.#nextId++;
    try {
      this.#send(spawnFields(id, req));
    } catch {
      this.#onDeath();
      return null;
    }
    return id;
  }

  /** The answer to a submitted spawn: the pid (its exits are then tracked), or the errno name. */
  collect(id: number): HelperResult {
    let kind: string;
    let value: string;
    try {
      [kind, value] = this.#answer(id);
    } catch {
      this.#onDeath();
      return { error: 'EPIPE' };
    }
    if (kind === 'P') {
      const pid = Number(value);
      this.#exits.set(pid, new EventEmitter());
      if (this.#exits.size === 1) this.#refExits();
      return { pid };
    }
    return { error: value || 'EIO' };
  }

  /** Makes FIFOs (mode 0600) at `paths`; throws an Error with the errno name in `code`. */
  makeFifos(paths: readonly string[]): void {
    if (this.#dead) throw Object.assign(new Error('fv-spawn is gone'), { code: 'EPIPE' });
    const id = this.#nextId++;
    let kind: string;
    let value: string;
    try {
      this.#send(fifoFields(id, paths));
      [kind, value] = this.#answer(id);
    } catch (err) {
      this.#onDeath();
      throw Object.assign(new Error('fv-spawn is gone', { cause: err }), { code: 'EPIPE' });
    }
    if (kind !== 'P') throw Object.assign(new Error(`mkfifo failed: ${value}`), { code: value || 'EIO' });
  }

  /** The exit emitter of a child spawn() returned. */
  exitsOf(pid: number): HelperExits {
    const e = this.#exits.get(pid);
    if (e === undefined) throw new Error(`no helper child ${pid}`);
    return e;
  }

  /**
   * Closes the request channel: the helper exits. Children still running are then polled until
   * they end, as after a death.
   */
  close(): void {
    this.#onDeath();
  }

  /** Our ends of the request and reply channels, closed once (a closed fd number may be reused). */
  #closeChannels(): void {
    if (this.#channelsClosed) return;
    this.#channelsClosed = true;
    closeFds(this.#requestFd, this.#replyFd);
  }

  /** Writes one request (its fields; the first field after the kind is its id). */
  #send(fields: readonly string[]): void {
    const buf = frame(fields);
    for (let off = 0; off < buf.length;) off += writeSync(this.#requestFd, buf, off);
  }

  /**
   * The reply to request `id` as [kind, value]. The helper answers in request order; answers to
   * other requests still in flight (submitted spawns, while a FIFO batch is made) are kept for
   * their collect(). Throws when the helper is gone.
   */
  #answer(id: number): [string, string] {
    const kept = this.#answers.get(id);
    if (kept !== undefined) {
      this.#answers.delete(id);
      return kept;
    }
    for (;;) {
      const line = this.#readReply();
      const reply = parseReply(line);
      if (reply.id === id) return [reply.kind, reply.value];
      if (!Number.isInteger(reply.id) || reply.id <= 0 || reply.id >= this.#nextId) throw new Error(`fv-spawn answered ${line} to request ${id}`);
      this.#answers.set(reply.id, [reply.kind, reply.value]);
    }
  }

  #readReply(): string {
    const chunk = Buffer.allocUnsafe(256);
    for (;;) {
      const nl = this.#replyTail.indexOf('\n');
      if (nl >= 0) {
        const line = this.#replyTail.slice(0, nl);
        this.#replyTail = this.#replyTail.slice(nl + 1);
        return line;
      }
      const n = readSync(this.#replyFd, chunk, 0, chunk.length, null);
      if (n === 0) throw new Error('fv-spawn closed its replies');
      this.#replyTail += chunk.toString('latin1', 0, n);
    }
  }

  #onExitData(s: string): void {
    const text = this.#exitTail + s;
    const lines = text.split('\n');
    this.#exitTail = lines.pop() ?? '';
    for (const line of lines) {
      const exit = parseExit(line);
      const exits = exit === null ? undefined : this.#exits.get(exit.pid);
      if (exit === null || exits === undefined) continue;
      this.#exits.delete(exit.pid);
      const { code, signal, core } = decodeWaitStatus(exit.status);
      exits.emit('exit', code, signal, core);
    }
    if (this.#exits.size === 0) this.#refExits();
  }

  /**
   * The helper died (killed from outside): its children were re-parented and their statuses are
   * lost. Each is polled until it is gone, then reported with an unknown cause.
   */
  #onDeath(): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#closeChannels();
    for (const fn of this.#onDeathCallbacks.splice(0)) fn();
    if (this.#exits.size === 0) return;
    this.#orphanPoll = setInterval(() => {
      for (const [pid, exits] of this.#exits) {
        if (isAlive(pid)) continue;
        this.#exits.delete(pid);
        exits.emit('exit', null, null);
      }
      if (this.#exits.size === 0 && this.#orphanPoll !== null) clearInterval(this.#orphanPoll);
    }, 1000);
  }
}

/** Whether pid still runs something (a zombie waiting for init to reap it has ended). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = readProcStat(pid);
  return stat !== null && stat.state !== 'Z';
}

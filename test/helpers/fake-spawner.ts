// A Spawner that records spawn requests and kills and lets a test end children or fail spawns.
import { PassThrough } from 'node:stream';
import { SpawnError } from '../../agent/process/errors.js';
import { outcomeOf, type SpawnOutcome, type SpawnRequest, type SpawnedChild, type Spawner } from '../../agent/process/spawner.js';

export interface KillRecord { pid: number; sig: number; group: boolean }

export class FakeChild implements SpawnedChild {
  readonly pid: number;
  /** null when the request gave an fd (an fcgi socket) as stdin. */
  readonly stdin: PassThrough | null;
  readonly stdout = new PassThrough();
  readonly stderr: PassThrough | null;
  readonly kills: KillRecord[];
  /** When set, kill() throws an error with this errno code. */
  killError: string | null = null;
  #onExit: ((code: number | null, signal: number | null) => void) | null = null;

  constructor(pid: number, redirect: boolean, kills: KillRecord[], stdinFd: number | null = null) {
    this.pid = pid;
    this.stdin = stdinFd === null ? new PassThrough() : null;
    this.stderr = redirect ? null : new PassThrough();
    this.kills = kills;
  }

  kill(sig: number, group: boolean): void {
    this.kills.push({ pid: this.pid, sig, group });
    if (this.killError !== null) {
      throw Object.assign(new Error(`kill ${this.killError}`), { code: this.killError });
    }
  }

  onExit(cb: (code: number | null, signal: number | null) => void): void { this.#onExit = cb; }

  /** Ends the child: exit code, or a signal number when `signal` is given. */
  exit(code: number | null, signal: number | null = null): void {
    const cb = this.#onExit;
    if (cb === null) throw new Error('no exit callback registered');
    this.#onExit = null;
    cb(code, signal);
  }
}

export class FakeSpawner implements Spawner {
  readonly requests: SpawnRequest[] = [];
  readonly children: FakeChild[] = [];
  readonly kills: KillRecord[] = [];
  /** Errno code the next spawn throws as SpawnError (then cleared). */
  failNext: string | null = null;
  #nextPid = 100;

  spawn(req: SpawnRequest): SpawnedChild {
    this.requests.push(req);
    if (this.failNext !== null) {
      const code = this.failNext;
      this.failNext = null;
      throw new SpawnError(code);
    }
    const child = new FakeChild(this.#nextPid++, req.redirectStderr, this.kills, req.stdinFd ?? null);
    this.children.push(child);
    return child;
  }

  get last(): FakeChild {
    const c = this.children[this.children.length - 1];
    if (c === undefined) throw new Error('nothing spawned');
    return c;
  }
}

/**
 * A FakeSpawner that pipelines as NodeSpawner does with its helper: between beginBatch() and
 * endBatch() spawns are only recorded, and endBatch() settles them in order.
 */
export class BatchingFakeSpawner extends FakeSpawner {
  #batching = false;
  readonly #queue: (() => void)[] = [];

  get inFlight(): number { return this.#queue.length; }

  beginBatch(): void { this.#batching = true; }

  spawnDeferred(req: SpawnRequest, settled: (outcome: SpawnOutcome) => void): void {
    if (this.#batching) this.#queue.push(() => settled(outcomeOf(() => this.spawn(req))));
    else settled(outcomeOf(() => this.spawn(req)));
  }

  afterInFlight(fn: () => void): void {
    if (this.#queue.length > 0) this.#queue.push(fn);
    else fn();
  }

  endBatch(): void {
    this.#batching = false;
    for (const run of this.#queue.splice(0)) run();
  }
}

// The seam between the state machine and the OS: what a spawn needs and what a child offers.
// NodeSpawner (node-spawner.ts) is the real implementation; tests use a fake.
import type { Readable, Writable } from 'node:stream';
import type { UserSpec } from '../config/types.js';
import { SpawnError } from './errors.js';

export interface SpawnRequest {
  /** Resolved file to exec (absolute, or relative to the child's cwd). */
  readonly file: string;
  /** Full argv, argv[0] included (the word as written in command=). */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string | null;
  readonly user: UserSpec | null;
  readonly umask: number | null;
  /** stdout and stderr share one pipe, so their interleaving is preserved. */
  readonly redirectStderr: boolean;
  /** An fd (an fcgi-program's socket) the child gets as fd 0 instead of a stdin pipe; absent/null = pipe. */
  readonly stdinFd?: number | null;
}

export interface SpawnedChild {
  readonly pid: number;
  readonly stdin: Writable | null;
  readonly stdout: Readable;
  /** null when stderr is redirected into stdout. */
  readonly stderr: Readable | null;
  /** Sends `sig` to the pid, or to its process group; throws NodeJS.ErrnoException (ESRCH ...). */
  kill(sig: number, group: boolean): void;
  /**
   * Called once, after the child exited AND its output pipes delivered everything (or a short
   * grace period passed because a grandchild holds them open). `coreDumped` is known only to the
   * spawn helper (node does not report it).
   */
  onExit(cb: (code: number | null, signal: number | null, coreDumped?: boolean) => void): void;
}

/** What a spawn ends in: the child, or the SpawnError that spawn() throws. */
export type SpawnOutcome = SpawnedChild | SpawnError;

/** Throws SpawnError (errno name in `code`) when pipes or the fork cannot be made. */
export interface Spawner {
  spawn(req: SpawnRequest): SpawnedChild;
  /**
   * Optional pipelining. Between beginBatch() and endBatch() a spawner may send a request on and
   * return before the child exists; endBatch() then settles every such spawn, in order, before it
   * returns. Outside a batch (and for a spawner without it) `settled` runs before spawnDeferred
   * returns. Either way it runs exactly once.
   */
  spawnDeferred?(req: SpawnRequest, settled: (outcome: SpawnOutcome) => void): void;
  /**
   * Runs `fn` once every spawn sent before it has settled (at once when none is in flight), so a
   * start attempt that fails before reaching the spawner is logged and changes state in its turn.
   */
  afterInFlight?(fn: () => void): void;
  beginBatch?(): void;
  endBatch?(): void;
}

/** afterInFlight when the spawner has it, else `fn` at once. */
export function inSpawnOrder(spawner: Spawner, fn: () => void): void {
  if (spawner.afterInFlight !== undefined) spawner.afterInFlight(fn);
  else fn();
}

/** spawn() as an outcome: a SpawnError is returned, anything else thrown. */
export function outcomeOf<T>(spawn: () => T): T | SpawnError {
  try {
    return spawn();
  } catch (err) {
    if (err instanceof SpawnError) return err;
    throw err;
  }
}

/** Spawns through spawnDeferred when the spawner has it, else through spawn(), settling once. */
export function spawnWith(spawner: Spawner, req: SpawnRequest, settled: (outcome: SpawnOutcome) => void): void {
  if (spawner.spawnDeferred !== undefined) spawner.spawnDeferred(req, settled);
  else settled(outcomeOf(() => spawner.spawn(req)));
}

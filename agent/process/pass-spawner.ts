// The spawner as the supervisor's loop uses it: every spawn of one pass of the loop goes out as
// one batch (the spawner may fork while the pass goes on, and settles them all when the pass
// ends), and the spawns are counted so a pass can stop after a few and let the event loop serve
// requests. Processes are given this spawner; the loop drives beginPass/endPass.
import { inSpawnOrder, spawnWith, type SpawnedChild, type SpawnOutcome, type SpawnRequest, type Spawner } from './spawner.js';

export class PassSpawner implements Spawner {
  readonly #inner: Spawner;
  readonly #onSpawn: () => void;
  #count = 0;

  /** `onSpawn` is told of each spawn (the caller notes that the set of children changes). */
  constructor(inner: Spawner, onSpawn: () => void = () => undefined) {
    this.#inner = inner;
    this.#onSpawn = onSpawn;
  }

  /** Spawns so far (compare two readings to count a pass's). */
  get count(): number { return this.#count; }

  spawn(req: SpawnRequest): SpawnedChild {
    this.#counted();
    return this.#inner.spawn(req);
  }

  spawnDeferred(req: SpawnRequest, settled: (outcome: SpawnOutcome) => void): void {
    this.#counted();
    spawnWith(this.#inner, req, settled);
  }

  afterInFlight(fn: () => void): void {
    inSpawnOrder(this.#inner, fn);
  }

  beginPass(): void { this.#inner.beginBatch?.(); }

  /** Settles every spawn of the pass (pids known, or spawn errors recorded). */
  endPass(): void { this.#inner.endBatch?.(); }

  #counted(): void {
    this.#count += 1;
    this.#onSpawn();
  }
}

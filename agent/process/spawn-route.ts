// Where a spawn goes, decided here and only here: through fv-spawn (spawn-helper.ts) when it runs
// and the request is one it can carry, else through node's child_process (node-spawner.ts). One
// route per daemon process, outliving SIGHUP restarts; it starts the helper at the first spawn
// (again after the helper died), lets the FIFO pool have the helper make FIFOs while it lives, and
// stops using it for good when it may not reopen the daemon's fds.
import { fifoPool } from './fifo-pool.js';
import { needsSetuid } from './preflight.js';
import { SpawnHelper } from './spawn-helper.js';
import type { SpawnRequest } from './spawner.js';

export class SpawnRoute {
  readonly #start: () => SpawnHelper | null;
  #helper: SpawnHelper | null = null;
  /** A start was tried and gave nothing (not built, disabled by env): not tried again. */
  #unavailable = false;
  /** The helper refused our fds (a daemon that dropped privileges): node's spawn for good. */
  #disabled = false;

  /** `start` makes a helper (the real one by default; tests give their own, or none). */
  constructor(start: () => SpawnHelper | null = () => SpawnHelper.start()) {
    this.#start = start;
  }

  /** A route that always spawns through node. */
  static nodeOnly(): SpawnRoute {
    return new SpawnRoute(() => null);
  }

  /** The running helper, started now when there is none; null when spawns go through node. */
  helper(): SpawnHelper | null {
    if (this.#disabled) return null;
    if (this.#helper !== null && this.#helper.alive) return this.#helper;
    if (this.#helper === null && this.#unavailable) return null;
    const h = this.#start();
    this.#helper = h;
    if (h === null) {
      this.#unavailable = true;
      return null;
    }
    // The pool's FIFOs are made by the helper too: no `mkfifo` exec (a fork of the daemon) per batch.
    fifoPool.setMaker(h);
    h.whenDead(() => fifoPool.setMaker(null, h));
    return h;
  }

  /**
   * The helper for this request, or null for node's spawn: user= (setpriv, supplementary groups)
   * and an fcgi socket as fd 0 always go through node.
   */
  helperFor(req: SpawnRequest): SpawnHelper | null {
    if ((req.stdinFd ?? null) !== null || needsSetuid(req)) return null;
    return this.helper();
  }

  /** Stops using `helper` for good (it may not reopen our fds); closes it. */
  disable(helper: SpawnHelper): void {
    if (helper === this.#helper) this.#disabled = true;
    helper.close();
  }
}

// fleetvisor.waitForChanges: the long poll that lets the hub follow a daemon without re-reading
// every process. A serial counts every process state change and group add/remove of this daemon
// life; a caller sends the last serial it saw and gets the processes changed since then, at once
// if there are any, else when the next change comes or its timeout passes. An epoch (random per
// life) tells a caller that the counter it holds belongs to another life and it must re-read all.
import { randomBytes } from 'node:crypto';
import type { EventBus } from '../events/bus.js';

export interface ChangeAnswer {
  readonly epoch: string;
  readonly serial: number;
  /** True when the caller must re-read everything (other epoch, groups added/removed, unknown serial). */
  readonly reset: boolean;
  /** `group:name` of each process whose state changed since the caller's serial (empty with reset). */
  readonly changed: readonly string[];
}

interface Waiter { readonly since: number; readonly resolve: (a: ChangeAnswer) => void; readonly timer: NodeJS.Timeout }

/** Longest wait a caller may ask for, in seconds (its HTTP client must allow a little more). */
export const MAX_WAIT_SECONDS = 300;

export class ChangeFeed {
  readonly epoch = randomBytes(8).toString('hex');
  #serial = 0;
  /** The serial of the last change of each process, by `group:name`. */
  readonly #changedAt = new Map<string, number>();
  /** The serial of the last group added or removed (or of the start of a shutdown). */
  #structureAt = 0;
  readonly #waiters = new Set<Waiter>();
  readonly #unsubscribe: () => void;

  constructor(bus: EventBus) {
    this.#unsubscribe = bus.subscribe((event) => {
      if (event.type === 'PROCESS_STATE') this.#change(`${event.groupName}:${event.processName}`);
      else if (event.type === 'PROCESS_GROUP_ADDED' || event.type === 'PROCESS_GROUP_REMOVED') this.#change(null);
      else if (event.type === 'SUPERVISOR_STATE_CHANGE' && event.to === 'STOPPING') this.#change(null);
    });
  }

  get serial(): number { return this.#serial; }

  /** Answers now when something changed since `serial` (or the epoch differs), else within `waitSeconds`. */
  wait(epoch: string, serial: number, waitSeconds: number): Promise<ChangeAnswer> {
    const now = this.#answer(epoch, serial);
    if (now !== null || waitSeconds <= 0) return Promise.resolve(now ?? this.#nothing());
    return new Promise((resolve) => {
      const waiter: Waiter = {
        since: serial,
        resolve,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          resolve(this.#nothing());
        }, Math.min(waitSeconds, MAX_WAIT_SECONDS) * 1000),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Ends every wait with what is known (the daemon is going away) and stops listening. */
  close(): void {
    this.#unsubscribe();
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.resolve({ epoch: this.epoch, serial: this.#serial, reset: true, changed: [] });
    }
    this.#waiters.clear();
  }

  #change(key: string | null): void {
    this.#serial += 1;
    if (key === null) {
      // Every caller from before this point re-reads everything, so older entries serve nobody.
      this.#structureAt = this.#serial;
      this.#changedAt.clear();
    } else this.#changedAt.set(key, this.#serial);
    // Waiters are answered on the next turn, so the changes of one supervisor pass go together.
    if (this.#waiters.size > 0) setImmediate(() => this.#wake());
  }

  #wake(): void {
    for (const w of this.#waiters) {
      const a = this.#answer(this.epoch, w.since);
      if (a === null) continue;
      clearTimeout(w.timer);
      this.#waiters.delete(w);
      w.resolve(a);
    }
  }

  #answer(epoch: string, since: number): ChangeAnswer | null {
    const serial = this.#serial;
    if (epoch !== this.epoch || since > serial || since < 0 || this.#structureAt > since) {
      return { epoch: this.epoch, serial, reset: true, changed: [] };
    }
    if (since === serial) return null;
    const changed: string[] = [];
    for (const [key, at] of this.#changedAt) if (at > since) changed.push(key);
    return { epoch: this.epoch, serial, reset: false, changed };
  }

  #nothing(): ChangeAnswer {
    return { epoch: this.epoch, serial: this.#serial, reset: false, changed: [] };
  }
}

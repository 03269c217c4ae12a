// What supervisord's event system keeps across daemon lives (a SIGHUP restart builds new groups and
// pools but not these): the global event serial and the last period start of each TICK period.
// Pure; imports only bus types.
import type { BusEvent, TickEvent } from './bus.js';

/**
 * The global `serial:` of the envelope. An event gets its number the first time any pool buffers
 * it, so one event has the same serial in every pool and events nobody subscribed to use none.
 * (supervisord's GlobalSerial is a module singleton: the count goes on after a restart.)
 */
export class EventSerial {
  #last = -1;
  readonly #assigned = new WeakMap<BusEvent, number>();

  /** The serial of this event object, numbering it now if no pool buffered it before. */
  of(event: BusEvent): number {
    let serial = this.#assigned.get(event);
    if (serial === undefined) {
      // supervisord wraps at sys.maxsize; a double stays exact up to 2**53, far beyond any run.
      this.#last = this.#last === Number.MAX_SAFE_INTEGER ? 0 : this.#last + 1;
      serial = this.#last;
      this.#assigned.set(event, serial);
    }
    return serial;
  }
}

export const TICK_PERIODS = [5, 60, 3600] as const;

/** Python's timeslice(): the start of the period `when` falls in. */
export function periodStart(period: number, when: number): number {
  return Math.trunc(when - (when % period));
}

/**
 * TICK_5/60/3600 as supervisord's tick(): each loop pass reports the current period start of every
 * period; the first pass only records; a change emits one event with the new start. Periods
 * skipped while the loop did not run are not back-filled.
 */
export class TickTracker {
  readonly #last = new Map<number, number>();

  observe(now: number): TickEvent[] {
    const out: TickEvent[] = [];
    for (const period of TICK_PERIODS) {
      const current = periodStart(period, now);
      const last = this.#last.get(period);
      this.#last.set(period, current);
      if (last !== undefined && last !== current) out.push({ type: 'TICK', period, when: current });
    }
    return out;
  }

  /** When the next TICK_5 is due (every longer period starts on a 5 s boundary too). */
  static nextBoundary(now: number): number {
    return periodStart(TICK_PERIODS[0], now) + TICK_PERIODS[0];
  }
}

/** The event state one daemon carries from life to life. */
export interface DaemonEventState {
  readonly serial: EventSerial;
  readonly ticks: TickTracker;
}

export function createDaemonEventState(): DaemonEventState {
  return { serial: new EventSerial(), ticks: new TickTracker() };
}

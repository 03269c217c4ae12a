// A settable clock for state-machine tests (seconds, float).
import type { Clock } from '../../agent/process/clock.js';

export class FakeClock implements Clock {
  #now: number;
  constructor(start = 1000) { this.#now = start; }
  now(): number { return this.#now; }
  set(t: number): void { this.#now = t; }
  advance(seconds: number): number { this.#now += seconds; return this.#now; }
}

// CPU and memory of each fleetvisord process over the last hour, for the charts: one fixed ring
// per process (seconds since the hub started, CPU percent, RSS in KiB), so memory stays bounded
// however long the hub runs (about 12 bytes a point, 360 points a process at a 10 s interval).
export const STATS_WINDOW_MS = 3_600_000;

export interface SeriesPoints {
  /** Unix ms of each point, oldest first. */
  readonly t: number[];
  /** CPU percent of one core (null where the interval was unknown: a new pid). */
  readonly cpu: (number | null)[];
  readonly rss: number[];
}

class Ring {
  readonly #t: Uint32Array;
  readonly #cpu: Float32Array;
  readonly #rssKiB: Float32Array;
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#t = new Uint32Array(capacity);
    this.#cpu = new Float32Array(capacity);
    this.#rssKiB = new Float32Array(capacity);
  }

  push(sec: number, cpu: number | null, rssBytes: number): void {
    const cap = this.#t.length;
    this.#t[this.#next] = sec;
    this.#cpu[this.#next] = cpu ?? Number.NaN;
    this.#rssKiB[this.#next] = rssBytes / 1024;
    this.#next = (this.#next + 1) % cap;
    this.#size = Math.min(this.#size + 1, cap);
  }

  points(base: number, fromSec: number): SeriesPoints {
    const cap = this.#t.length;
    const out: SeriesPoints = { t: [], cpu: [], rss: [] };
    for (let i = 0; i < this.#size; i += 1) {
      const at = (this.#next - this.#size + i + cap) % cap;
      const sec = this.#t[at] ?? 0;
      if (sec < fromSec) continue;
      const cpu = this.#cpu[at] ?? Number.NaN;
      out.t.push(base + sec * 1000);
      out.cpu.push(Number.isNaN(cpu) ? null : Math.round(cpu * 10) / 10);
      out.rss.push(Math.round((this.#rssKiB[at] ?? 0) * 1024));
    }
    return out;
  }
}

export class StatsSeries {
  readonly #base: number;
  readonly #capacity: number;
  readonly #rings = new Map<string, Ring>();

  /** `intervalMs`: the sampling interval, which sizes the rings to hold one window. */
  constructor(intervalMs: number, now: number) {
    this.#base = now;
    this.#capacity = Math.ceil(STATS_WINDOW_MS / Math.max(1000, intervalMs)) + 1;
  }

  add(key: string, now: number, cpuPercent: number | null, rssBytes: number): void {
    let ring = this.#rings.get(key);
    if (ring === undefined) {
      ring = new Ring(this.#capacity);
      this.#rings.set(key, ring);
    }
    ring.push(Math.max(0, Math.round((now - this.#base) / 1000)), cpuPercent, rssBytes);
  }

  /** The points of the last hour (relative to `now`); empty when the process was never sampled. */
  points(key: string, now: number): SeriesPoints {
    const ring = this.#rings.get(key);
    if (ring === undefined) return { t: [], cpu: [], rss: [] };
    return ring.points(this.#base, Math.floor((now - STATS_WINDOW_MS - this.#base) / 1000));
  }

  /** Forgets processes no longer on their node. */
  retain(keep: (key: string) => boolean): void {
    for (const key of this.#rings.keys()) if (!keep(key)) this.#rings.delete(key);
  }
}

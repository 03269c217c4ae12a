// The activity log as the pages and the API use it: recording (and telling the live stream about
// each new entry), searching and paging, and cesi's one-line text of an entry.
import type { ActivityEntry, ActivityInput, ActivityLog, ActivityPage, ActivityQuery } from '../db/activity.js';

export type { ActivityEntry, ActivityPage, ActivityQuery } from '../db/activity.js';

/** One entry as a sentence: `admin: process.start web:web_0 on node local: ok (detail)`. */
export function activityLine(e: ActivityEntry): string {
  const where = e.node !== null && e.target !== e.node ? ` on node ${e.node}` : '';
  const what = e.target !== null ? ` ${e.target}` : '';
  const detail = e.detail !== null && e.detail !== '' ? ` (${e.detail})` : '';
  return `${new Date(e.time).toISOString()} ${e.user ?? '-'}: ${e.action}${what}${where}: ${e.result}${detail}`;
}

export class ActivityService {
  readonly #log: ActivityLog;
  readonly #listeners = new Set<(e: ActivityEntry) => void>();

  constructor(log: ActivityLog) { this.#log = log; }

  record(input: ActivityInput): ActivityEntry {
    const e = this.#log.record(input);
    for (const l of [...this.#listeners]) l(e);
    return e;
  }

  subscribe(listener: (e: ActivityEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  latest(n: number): ActivityEntry[] { return this.#log.latest(n); }
  search(q: ActivityQuery): ActivityPage { return this.#log.search(q); }
  distinct(): { users: string[]; nodes: string[]; actions: string[] } { return this.#log.distinct(); }
}

// Resources shared by the tests of one file (nodes and a hub started once in `before`), released
// in reverse order by one `after`; the node:test context hooks are per test, so these need their own list.
interface HasAfter { after(fn: () => void | Promise<void>): void }

export class SharedResources implements HasAfter {
  readonly #cleanups: (() => void | Promise<void>)[] = [];

  after(fn: () => void | Promise<void>): void { this.#cleanups.push(fn); }

  async release(): Promise<void> {
    for (const fn of this.#cleanups.reverse()) {
      try { await fn(); } catch { /* the others are still released */ }
    }
  }
}

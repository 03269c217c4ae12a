// A sleep that can be cut short: wake() ends the current sleep early, abort() ends it and every
// later one at once (the owner is shutting down). One timer at a time, always cleared.
export class Sleeper {
  #timer: NodeJS.Timeout | null = null;
  #resolve: (() => void) | null = null;
  #aborted = false;

  sleep(ms: number): Promise<void> {
    if (this.#aborted) return Promise.resolve();
    this.wake();
    return new Promise((resolve) => {
      this.#resolve = resolve;
      this.#timer = setTimeout(() => this.wake(), ms);
    });
  }

  wake(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const r = this.#resolve;
    this.#resolve = null;
    r?.();
  }

  abort(): void {
    this.#aborted = true;
    this.wake();
  }
}

// The hub's server-sent-events stream: process state changes, nodes up and down, CPU/memory
// samples, rolling-restart progress and new activity, to browsers and scripts. Each message is
// serialised once and written to every subscriber; ids are `<boot>.<n>`, and the last messages
// are kept so a client that reconnects with Last-Event-ID gets what it missed (or `reset`, when
// that is no longer known, telling it to reload). Messages of one event-loop turn are written in
// one write per client.
import { randomBytes } from 'node:crypto';

export type StreamEventType = 'process' | 'process_removed' | 'node' | 'stats' | 'rolling' | 'activity';

/** Messages kept for clients that reconnect. */
export const REPLAY_MESSAGES = 5000;
/** A client whose socket has this much unsent is dropped (it reconnects and gets `reset`). */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface StreamClient {
  /** Writes SSE text; returns the bytes now buffered in the socket (for the slow-client limit). */
  write(chunk: string): number;
  /** Ends the response (the client was too slow). */
  end(): void;
}

interface Subscriber { readonly client: StreamClient; pending: string[] }

export class EventStream {
  readonly boot = randomBytes(4).toString('hex');
  #serial = 0;
  readonly #replay: { n: number; text: string }[] = [];
  readonly #subscribers = new Set<Subscriber>();
  #flushQueued = false;

  get subscriberCount(): number { return this.#subscribers.size; }

  /** The id of the last message: a page rendered now resumes the stream from it (Last-Event-ID). */
  get lastId(): string { return `${this.boot}.${this.#serial}`; }

  /** Sends a message; `replay: false` for samples that are stale by the time anyone reconnects. */
  publish(type: StreamEventType, data: unknown, opts: { replay?: boolean } = {}): void {
    this.#serial += 1;
    const text = `id: ${this.boot}.${this.#serial}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    if (opts.replay !== false) {
      this.#replay.push({ n: this.#serial, text });
      if (this.#replay.length > REPLAY_MESSAGES) this.#replay.splice(0, this.#replay.length - REPLAY_MESSAGES);
    }
    if (this.#subscribers.size === 0) return;
    for (const s of this.#subscribers) s.pending.push(text);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      setImmediate(() => this.#flush());
    }
  }

  /**
   * Adds a client. With a Last-Event-ID of this boot still in the replay buffer, what followed it
   * is sent first; with any other id (another boot, too old) it gets `reset`. Returns the remover.
   */
  subscribe(client: StreamClient, lastEventId: string | null): () => void {
    let head = `retry: 2000\nevent: hello\ndata: ${JSON.stringify({ boot: this.boot, serial: this.#serial })}\n\n`;
    if (lastEventId !== null && lastEventId !== '') {
      const m = /^([0-9a-f]+)\.(\d+)$/.exec(lastEventId);
      const n = m !== null && m[1] === this.boot ? Number(m[2]) : -1;
      const oldest = this.#replay[0]?.n ?? this.#serial + 1;
      if (n >= 0 && n <= this.#serial && (n >= oldest - 1 || n === this.#serial)) {
        head += this.#replay.filter((r) => r.n > n).map((r) => r.text).join('');
      } else {
        head += `event: reset\ndata: {}\n\n`;
      }
    }
    const sub: Subscriber = { client, pending: [head] };
    this.#subscribers.add(sub);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      setImmediate(() => this.#flush());
    }
    return () => { this.#subscribers.delete(sub); };
  }

  /** A comment line to every client, so proxies and dead peers are noticed. */
  heartbeat(): void {
    for (const s of this.#subscribers) s.pending.push(': ping\n\n');
    this.#flush();
  }

  #flush(): void {
    this.#flushQueued = false;
    for (const s of this.#subscribers) {
      if (s.pending.length === 0) continue;
      const text = s.pending.join('');
      s.pending = [];
      if (s.client.write(text) > MAX_BUFFERED_BYTES) {
        this.#subscribers.delete(s);
        s.client.end();
      }
    }
  }
}

// The deliveries for one webhook: sent in order, one at a time, retried after the configured delays;
// bounded (when full the oldest waiting one is dropped). Every delivery ends in one `finish` call.
import type { ActivityResult } from '../db/activity.js';
import type { WebhookConfig } from '../config/types.js';
import { Sleeper } from '../nodes/sleeper.js';
import type { Alert } from './webhook-alerts.js';
import type { AttemptOutcome } from './webhook-request.js';

/** At most this many deliveries per webhook, the one being sent included. */
export const MAX_QUEUED_DELIVERIES = 1000;

export interface Delivery {
  readonly id: string;
  readonly alert: Alert;
  readonly body: string;
  attempts: number;
  lastError: string | null;
}

export interface QueueContext {
  /** The webhook as configured now, or null once a reload removed it. */
  webhook(name: string): WebhookConfig | null;
  attempt(webhook: WebhookConfig, delivery: Delivery): Promise<AttemptOutcome>;
  /** The delivery's final outcome; `detail` says what happened (no URL, no secret). */
  finish(webhook: string, delivery: Delivery, result: ActivityResult, detail: string): void;
  readonly retryDelaysMs: readonly number[];
}

function attemptsText(n: number): string {
  return n === 1 ? '1 attempt' : `${n} attempts`;
}

/** ", after N attempts: <last error>" for a delivery given up on, or nothing before its first attempt. */
function sofar(d: Delivery): string {
  return d.attempts === 0 ? '' : ` after ${attemptsText(d.attempts)}: ${d.lastError ?? ''}`;
}

export class WebhookQueue {
  readonly name: string;
  readonly #ctx: QueueContext;
  readonly #onIdle: (queue: WebhookQueue) => void;
  /** Owns the timer between attempts; abort() clears it for good. */
  readonly #sleeper = new Sleeper();
  readonly #waiting: Delivery[] = [];
  #sending = false;
  #running: Promise<void> | null = null;
  #stopped = false;

  constructor(name: string, ctx: QueueContext, onIdle: (queue: WebhookQueue) => void) {
    this.name = name;
    this.#ctx = ctx;
    this.#onIdle = onIdle;
  }

  push(d: Delivery): void {
    if (this.#waiting.length + (this.#sending ? 1 : 0) >= MAX_QUEUED_DELIVERIES) {
      const oldest = this.#waiting.shift();
      if (oldest !== undefined) {
        this.#ctx.finish(this.name, oldest, 'failed', `dropped, the queue of ${MAX_QUEUED_DELIVERIES} deliveries was full`);
      }
    }
    this.#waiting.push(d);
    if (this.#running === null) this.#running = this.#drain();
  }

  /** Cancels the wait for a retry; what is in flight finishes; the rest ends as not delivered. */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#sleeper.abort();
    return this.#running ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    for (let d = this.#waiting.shift(); d !== undefined; d = this.#waiting.shift()) {
      this.#sending = true;
      await this.#deliver(d);
      this.#sending = false;
    }
    this.#running = null;
    this.#onIdle(this);
  }

  async #deliver(d: Delivery): Promise<void> {
    for (;;) {
      if (this.#stopped) return this.#ctx.finish(this.name, d, 'failed', `not delivered, the hub stopped${sofar(d)}`);
      const webhook = this.#ctx.webhook(this.name);
      if (webhook === null) return this.#ctx.finish(this.name, d, 'failed', `dropped, the webhook is no longer configured${sofar(d)}`);
      d.attempts += 1;
      const outcome = await this.#ctx.attempt(webhook, d);
      if (outcome.ok) return this.#ctx.finish(this.name, d, 'ok', `HTTP ${outcome.status} after ${attemptsText(d.attempts)}`);
      d.lastError = outcome.error;
      const delay = this.#ctx.retryDelaysMs[d.attempts - 1];
      if (delay === undefined) return this.#ctx.finish(this.name, d, 'failed', `failed after ${attemptsText(d.attempts)}: ${outcome.error}`);
      await this.#sleeper.sleep(delay);
    }
  }
}

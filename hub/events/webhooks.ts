// The hub's alert webhooks: turns fleet snapshot events into deliveries on each interested webhook's
// ordered, retrying queue; every delivery's final outcome goes to the activity log (nothing is printed).
import { randomUUID } from 'node:crypto';
import type { WebhookConfig } from '../config/types.js';
import type { ActivityInput, ActivityResult } from '../db/activity.js';
import type { FleetSnapshot } from '../nodes/snapshot.js';
import type { FleetEvent } from '../nodes/types.js';
import { AlertDetector, alertBody } from './webhook-alerts.js';
import { WebhookQueue, type Delivery, type QueueContext } from './webhook-queue.js';
import { attemptDelivery } from './webhook-request.js';

export { MAX_QUEUED_DELIVERIES } from './webhook-queue.js';

/** Waits before the 2nd to 6th attempt (ms). */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 5000, 30_000, 120_000, 600_000];
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface WebhookDispatcherOptions {
  /** The webhooks in force, read at each event and each attempt (a reload changes them). */
  readonly webhooks: () => readonly WebhookConfig[];
  readonly snapshot: FleetSnapshot;
  readonly activity: { record(e: ActivityInput): unknown };
  /** Sent as `hub` in every payload. */
  readonly hubName: string;
  readonly fetch?: typeof fetch;
  /** One delay per retry: attempts in all = length + 1. */
  readonly retryDelaysMs?: readonly number[];
  /** Limit of one attempt, ms. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

export class WebhookDispatcher {
  readonly #webhooks: () => readonly WebhookConfig[];
  readonly #snapshot: FleetSnapshot;
  readonly #activity: { record(e: ActivityInput): unknown };
  readonly #hubName: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #detector = new AlertDetector();
  readonly #queues = new Map<string, WebhookQueue>();
  readonly #context: QueueContext;
  #unsubscribe: (() => void) | null = null;

  constructor(opts: WebhookDispatcherOptions) {
    this.#webhooks = opts.webhooks;
    this.#snapshot = opts.snapshot;
    this.#activity = opts.activity;
    this.#hubName = opts.hubName;
    this.#fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#now = opts.now ?? Date.now;
    this.#context = {
      webhook: (name) => this.#configured(name),
      attempt: (webhook, d) => attemptDelivery(this.#fetch, {
        url: webhook.url, secret: webhook.secret, event: d.alert.event, deliveryId: d.id, body: d.body, timeoutMs: this.#timeoutMs,
      }),
      finish: (webhook, d, result, detail) => this.#record(webhook, d, result, detail),
      retryDelaysMs: opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    };
  }

  start(): void {
    if (this.#unsubscribe === null) this.#unsubscribe = this.#snapshot.subscribe((e) => this.#onEvent(e));
  }

  /** No new alerts; waits for attempts in flight, cancels every retry, and logs what was not delivered. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await Promise.all([...this.#queues.values()].map((q) => q.stop()));
  }

  #onEvent(e: FleetEvent): void {
    const alert = this.#detector.detect(e);
    if (alert === null) return;
    const environments = this.#snapshot.node(alert.node)?.environments ?? [];
    const wanted = this.#current().filter((w) =>
      w.events.includes(alert.event) && (w.environments === null || w.environments.some((env) => environments.includes(env))));
    if (wanted.length === 0) return;
    const body = alertBody(alert, this.#hubName, environments, this.#now());
    for (const w of wanted) this.#queue(w.name).push({ id: randomUUID(), alert, body, attempts: 0, lastError: null });
  }

  #queue(name: string): WebhookQueue {
    let q = this.#queues.get(name);
    if (q === undefined) {
      q = new WebhookQueue(name, this.#context, (idle) => {
        if (this.#queues.get(idle.name) === idle) this.#queues.delete(idle.name);
      });
      this.#queues.set(name, q);
    }
    return q;
  }

  /** The config in force; a config reader that fails counts as no webhooks rather than breaking the snapshot. */
  #current(): readonly WebhookConfig[] {
    try {
      return this.#webhooks();
    } catch {
      return [];
    }
  }

  #configured(name: string): WebhookConfig | null {
    return this.#current().find((w) => w.name === name) ?? null;
  }

  #record(webhook: string, d: Delivery, result: ActivityResult, detail: string): void {
    try {
      this.#activity.record({
        user: null, remote: null, node: d.alert.node, target: webhook, targetKind: 'webhook', action: 'webhook.delivery',
        result, detail: `${d.alert.event} ${d.alert.subject}: ${detail}`, time: this.#now(),
      });
    } catch {
      // A log that cannot be written (the database closing at shutdown) must not stop deliveries,
      // and the dispatcher has no output of its own to report it on.
    }
  }
}

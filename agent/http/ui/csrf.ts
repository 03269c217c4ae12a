// CSRF tokens for the web UI's forms: one secret per web UI (so per daemon life), never sent; a
// fresh token in every page, good for one action within TOKEN_LIFETIME_MS of the page's rendering;
// a POST that acts must bring one. A token is `<issued ms, base36>.<random salt>.<HMAC-SHA256 of
// both>` (base64url), so it can be neither made nor re-dated without the secret; the salts of the
// tokens spent are kept until their lifetime is over. Imports node:crypto only.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The form field that carries the token; read from the POST body only, never from the URL. */
export const CSRF_FIELD = 'csrf_token';

/** How long a page's forms can act: long enough to read a page and click, short enough that a leaked token soon dies. */
export const TOKEN_LIFETIME_MS = 10 * 60_000;

/** A token dated up to this far ahead of the clock is still taken (the clock was stepped back a little). */
const CLOCK_SLACK_MS = 60_000;

/** Spent tokens remembered at most; beyond, the oldest is forgotten (only thousands of actions a minute get there). */
const MAX_SPENT = 65_536;

const SALT_BYTES = 12;
const ISSUED = /^[0-9a-z]{1,11}$/;
const SALT = /^[A-Za-z0-9_-]{16}$/;

export interface FormTokensOptions {
  /** The clock, in ms since the epoch. */
  readonly now?: () => number;
  readonly lifetimeMs?: number;
}

export class FormTokens {
  readonly #secret = randomBytes(32);
  readonly #now: () => number;
  readonly #lifetimeMs: number;
  /** The salt of each token spent, with the time its lifetime ends; in the order they were spent. */
  readonly #spent = new Map<string, number>();

  constructor(opts: FormTokensOptions = {}) {
    this.#now = opts.now ?? Date.now;
    this.#lifetimeMs = opts.lifetimeMs ?? TOKEN_LIFETIME_MS;
  }

  #mac(issued: string, salt: string): string {
    return createHmac('sha256', this.#secret).update(`${issued}.${salt}`).digest('base64url');
  }

  /** A token for one rendered page. Salted, so no two pages carry the same text (BREACH). */
  issue(): string {
    const issued = Math.floor(this.#now()).toString(36);
    const salt = randomBytes(SALT_BYTES).toString('base64url');
    return `${issued}.${salt}.${this.#mac(issued, salt)}`;
  }

  /** True for a token this UI issued, within its lifetime, not spent yet; it does not spend it. */
  accepts(token: string | undefined): boolean {
    const valid = this.#valid(token);
    return valid !== null && !this.#spent.has(valid.salt);
  }

  /** What a POST that acts asks: true, once, for a token `accepts` takes; the token is spent by it. */
  take(token: string | undefined): boolean {
    const valid = this.#valid(token);
    if (valid === null) return false;
    this.#forgetEnded();
    if (this.#spent.has(valid.salt)) return false;
    this.#spent.set(valid.salt, valid.issued + this.#lifetimeMs);
    if (this.#spent.size > MAX_SPENT) this.#spent.delete(this.#spent.keys().next().value as string);
    return true;
  }

  /** The salt and issue time of a token this UI issued, unaltered and within its lifetime; null for any other. */
  #valid(token: string | undefined): { readonly salt: string; readonly issued: number } | null {
    if (token === undefined) return null;
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [issued, salt, mac] = parts as [string, string, string];
    if (!ISSUED.test(issued) || !SALT.test(salt)) return null;
    const expected = Buffer.from(this.#mac(issued, salt), 'utf8');
    const given = Buffer.from(mac, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const issuedMs = parseInt(issued, 36);
    const age = this.#now() - issuedMs;
    return age <= this.#lifetimeMs && age >= -CLOCK_SLACK_MS ? { salt, issued: issuedMs } : null;
  }

  /** Spent tokens past their lifetime are refused by their age alone: forget them (oldest spent first). */
  #forgetEnded(): void {
    const now = this.#now();
    for (const [salt, ends] of this.#spent) {
      if (ends >= now) break;
      this.#spent.delete(salt);
    }
  }

  /** How many spent tokens are remembered (for tests: the memory this takes stays bounded). */
  get spentCount(): number {
    return this.#spent.size;
  }
}

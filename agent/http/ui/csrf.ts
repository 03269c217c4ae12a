// CSRF tokens for the web UI's forms: one secret per web UI (so per daemon life), never sent; a
// fresh token in every page, good for TOKEN_LIFETIME_MS from the page's rendering; a POST must
// return one. A token is `<issued ms, base36>.<random salt>.<HMAC-SHA256 of both>` (base64url), so
// it can be neither made nor re-dated without the secret. Imports node:crypto only.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The form field that carries the token; read from the POST body only, never from the URL. */
export const CSRF_FIELD = 'csrf_token';

/** How long a page's forms can act: long enough to read a page and click, short enough that a leaked token soon dies. */
export const TOKEN_LIFETIME_MS = 10 * 60_000;

/** A token dated up to this far ahead of the clock is still taken (the clock was stepped back a little). */
const CLOCK_SLACK_MS = 60_000;

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

  /** True only for a token this UI issued, within its lifetime. */
  accepts(token: string | undefined): boolean {
    if (token === undefined) return false;
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    const [issued, salt, mac] = parts as [string, string, string];
    if (!ISSUED.test(issued) || !SALT.test(salt)) return false;
    const expected = Buffer.from(this.#mac(issued, salt), 'utf8');
    const given = Buffer.from(mac, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    const age = this.#now() - parseInt(issued, 36);
    return age <= this.#lifetimeMs && age >= -CLOCK_SLACK_MS;
  }
}

// CSRF tokens for the web UI's forms, over the `csrf` package (pillarjs): one secret per web UI
// (so per daemon life), never sent; a fresh salted token in every page; a POST must return one.
import { createRequire } from 'node:module';
import type Tokens from 'csrf';

// Loaded at the first page, not at daemon start: the package costs ~10 ms of start-up for a page
// most daemons never serve.
const requireLazily = createRequire(import.meta.url);

/** The form field that carries the token; read from the POST body only, never from the URL. */
export const CSRF_FIELD = 'csrf_token';

export class FormTokens {
  #state: { readonly tokens: Tokens; readonly secret: string } | null = null;

  #ready(): { readonly tokens: Tokens; readonly secret: string } {
    if (this.#state === null) {
      const TokensClass = requireLazily('csrf') as typeof Tokens;
      const tokens = new TokensClass();
      this.#state = { tokens, secret: tokens.secretSync() };
    }
    return this.#state;
  }

  /** A token for one rendered page. Salted, so no two pages carry the same text (BREACH). */
  issue(): string {
    const { tokens, secret } = this.#ready();
    return tokens.create(secret);
  }

  /** True only for a token this UI issued. */
  accepts(token: string | undefined): boolean {
    if (token === undefined || token === '') return false;
    const { tokens, secret } = this.#ready();
    return tokens.verify(secret, token);
  }
}

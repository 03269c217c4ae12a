// CSRF tokens for the web UI's forms, over the `csrf` package (pillarjs): one secret per web UI
// (so per daemon life), never sent; a fresh salted token in every page; a POST must return one.
import Tokens from 'csrf';

/** The form field that carries the token; read from the POST body only, never from the URL. */
export const CSRF_FIELD = 'csrf_token';

export class FormTokens {
  readonly #tokens = new Tokens();
  readonly #secret = this.#tokens.secretSync();

  /** A token for one rendered page. Salted, so no two pages carry the same text (BREACH). */
  issue(): string {
    return this.#tokens.create(this.#secret);
  }

  /** True only for a token this UI issued. */
  accepts(token: string | undefined): boolean {
    return token !== undefined && token !== '' && this.#tokens.verify(this.#secret, token);
  }
}

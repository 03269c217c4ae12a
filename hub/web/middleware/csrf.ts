// CSRF tokens for the pages' forms, over the `csrf` package: a secret per session (never sent),
// a fresh salted token in every rendered form, and a POST without a valid token refused before
// anything happens. The API does not use them: it takes JSON only and refuses other origins.
import type { NextFunction, Request, Response } from 'express';
import Tokens from 'csrf';
import { HubError } from '../../errors.js';

/** The form field that carries the token; read from the POST body only, never from the URL. */
export const CSRF_FIELD = '_csrf';

const tokens = new Tokens();

/** A token for a page being rendered (creates the session's secret at the first form). */
export function csrfToken(req: Request): string {
  if (req.session.csrfSecret === undefined) req.session.csrfSecret = tokens.secretSync();
  return tokens.create(req.session.csrfSecret);
}

export function checkCsrf(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    next();
    return;
  }
  const body: unknown = req.body;
  const token = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
  const secret = req.session.csrfSecret;
  if (typeof token !== 'string' || secret === undefined || !tokens.verify(secret, token)) {
    next(new HubError('csrf', 'The form had no valid token (it may have expired): nothing was done. Try again.'));
    return;
  }
  next();
}

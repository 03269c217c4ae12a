// The one error chain of the hub's web layer, last in the app: every failure becomes a HubError
// (body-parser's and express's own included), is logged when it is a bug, and is rendered as JSON
// for /api (cesi's {status: "error", message} plus a stable code) or as a page; a page that
// needs a login redirects to it. Unknown errors answer 500 with an id that is in the hub's log,
// never with a stack or a database message.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { HubError } from '../errors.js';
import type { HubServices } from './context.js';
import { renderPage } from './pages/render.js';

export function isApi(req: Request): boolean {
  return req.path.startsWith('/api/');
}

/** What body-parser and express attach to the errors they raise. */
function fromFramework(err: unknown): HubError | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { type?: unknown; status?: unknown };
  if (e.type === 'entity.too.large') return new HubError('payload_too_large', 'The request body is too large');
  if (e.type === 'entity.parse.failed' || e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new HubError('bad_request', 'The request body could not be read');
  }
  if (e.status === 404) return new HubError('not_found', 'No such page');
  return null;
}

export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new HubError('not_found', 'No such page'));
}

/** A GET (or PUT, DELETE ...) on a route that takes only `allow`: 405 with the Allow header. */
export function methodNotAllowed(allow: readonly string[]) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.set('Allow', allow.join(', '));
    next(new HubError('method_not_allowed', 'This address takes {methods} only', { methods: allow.join(', ') }));
  };
}

export function errorHandler(s: HubServices) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(err);
      return;
    }
    let error = err instanceof HubError ? err : fromFramework(err);
    let id: string | null = null;
    if (error === null) {
      id = randomUUID();
      s.log(`error ${id} on ${req.method} ${req.path}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      error = new HubError('internal', 'Something went wrong in the hub (error {id})', { id });
    }
    const lang = req.lang ?? 'en';
    const message = s.catalog.t(lang, error.key, error.params);
    res.set('Cache-Control', 'no-store');
    if (isApi(req)) {
      res.status(error.status).json({ status: 'error', message, code: error.code, ...(id === null ? {} : { id }) });
      return;
    }
    if (error.code === 'unauthenticated') {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    if (error.code === 'password_change_required') {
      res.redirect(303, '/profile/password');
      return;
    }
    renderPage(s, req, res, 'error', { title: s.catalog.t(lang, 'Error'), message, code: error.code, status: error.status }, error.status)
      .catch((renderErr: unknown) => {
        s.log(`error page failed: ${renderErr instanceof Error ? renderErr.message : String(renderErr)}`);
        if (!res.headersSent) res.status(error.status).type('text/plain').send(message);
      });
  };
}

// Who is asking: the user of the session cookie, or of an `Authorization: Bearer` API token,
// read again from the database on every request (a deleted user or a changed type takes effect
// at once). Guards for routes: logged in, password changed, Admin.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HubError } from '../../errors.js';
import { isAdmin } from '../../auth/permissions.js';
import type { HubServices, Principal } from '../context.js';

export function remoteOf(req: Request): string | null {
  return req.socket.remoteAddress ?? null;
}

export function resolvePrincipal(s: HubServices): RequestHandler {
  return (req, _res, next) => {
    const remote = remoteOf(req);
    const auth = req.get('authorization');
    if (auth !== undefined && /^bearer\s+/i.test(auth)) {
      const user = s.accounts.userOfToken(auth.replace(/^bearer\s+/i, '').trim());
      if (user === null) {
        next(new HubError('unauthenticated', 'The API token is not valid'));
        return;
      }
      req.principal = { user, via: 'token', remote };
      next();
      return;
    }
    const id = req.session?.userId;
    if (typeof id === 'number') {
      const user = s.accounts.byId(id);
      if (user === null) {
        req.session.destroy(() => next());
        return;
      }
      req.principal = { user, via: 'session', remote };
    }
    next();
  };
}

export function principalOf(req: Request): Principal {
  if (req.principal === undefined) throw new HubError('unauthenticated', 'Session expired');
  return req.principal;
}

/** Logged in, and past the forced first password change (which only its own routes skip). */
export function requireUser(req: Request, _res: Response, next: NextFunction): void {
  if (req.principal === undefined) {
    next(new HubError('unauthenticated', 'Session expired'));
    return;
  }
  if (req.principal.user.mustChangePassword) {
    next(new HubError('password_change_required', 'Change your password first'));
    return;
  }
  next();
}

/** Logged in, password change not required yet (profile, own password, logout). */
export function requireLogin(req: Request, _res: Response, next: NextFunction): void {
  next(req.principal === undefined ? new HubError('unauthenticated', 'Session expired') : undefined);
}

export function requireAdmin(req: Request, _res: Response, next: NextFunction): void {
  next(req.principal !== undefined && isAdmin(req.principal.user) ? undefined : new HubError('forbidden', 'You may not do this'));
}

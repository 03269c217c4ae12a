// Security headers for every answer (helmet, with a Content-Security-Policy that allows no inline
// script and nothing from another host), and the API's refusals of cross-site requests: an
// Origin other than the hub's own, and bodies that are not JSON.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { HubError } from '../../errors.js';

export function securityHeaders(secure: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // HSTS only when the hub itself serves TLS (a plain-HTTP hub must not pin HTTPS).
    strictTransportSecurity: secure ? { maxAge: 15552000, includeSubDomains: false } : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
  });
}

/** The origin this request was addressed to, as a browser would write it in Origin. */
function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}

/** A request that says it comes from another site (or from an opaque origin) is refused. */
export function sameOriginOnly(req: Request, _res: Response, next: NextFunction): void {
  const origin = req.get('origin');
  if (origin !== undefined && origin !== ownOrigin(req)) {
    next(new HubError('origin', 'Requests from another site are refused'));
    return;
  }
  next();
}

/** API bodies are JSON only: a form or text body (what another site can send) is 415. */
export function jsonBodiesOnly(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.get('content-length') ?? '0') > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is('application/json')) {
    next(new HubError('unsupported_media_type', 'The API takes JSON bodies only (Content-Type: application/json)'));
    return;
  }
  next();
}

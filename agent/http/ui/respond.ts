// How the web UI's answers are framed: supervisord's view headers (no-cache trio) in medusa's
// order, its 301-with-error-body redirects, plus the browser hardening headers supervisord lacks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyPersistence, errorBody, httpDate, REASONS, setCommonHeaders } from '../responses.js';

export const HTML_TYPE = 'text/html;charset=utf-8';

/**
 * Not in supervisord: no framing (clickjacking), no scripts or foreign resources at all (an
 * escaping slip could not run anything), forms post only back here, no MIME sniffing.
 */
const HARDENING: readonly (readonly [string, string])[] = [
  ['Content-Security-Policy', "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"],
  ['X-Frame-Options', 'DENY'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'same-origin'],
];

function start(res: ServerResponse, status: number): void {
  res.statusCode = status;
  res.statusMessage = REASONS[status] ?? 'Unknown';
  setCommonHeaders(res);
}

function noCache(res: ServerResponse, contentType: string): void {
  res.setHeader('Content-Type', contentType);
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Expires', httpDate(new Date(0)));
  for (const [name, value] of HARDENING) res.setHeader(name, value);
}

function finish(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  res.setHeader('Content-Length', body.length);
  applyPersistence(req, res, true, false);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** A rendered page (status or tail view). */
export function sendPage(req: IncomingMessage, res: ServerResponse, status: number, html: string): void {
  if (res.headersSent || res.destroyed) return;
  start(res, status);
  noCache(res, HTML_TYPE);
  finish(req, res, Buffer.from(html, 'utf8'));
}

/** The redirect after an action: Location, the no-cache headers, and medusa's error page as body. */
export function sendRedirect(req: IncomingMessage, res: ServerResponse, status: 301 | 303, location: string): void {
  if (res.headersSent || res.destroyed) return;
  start(res, status);
  res.setHeader('Location', location);
  noCache(res, 'text/html');
  finish(req, res, errorBody(status));
}

/** A small non-HTML answer (ok.html, /metrics). */
export function sendBody(req: IncomingMessage, res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: readonly (readonly [string, string])[] = []): void {
  if (res.headersSent || res.destroyed) return;
  start(res, status);
  for (const [name, value] of headers) res.setHeader(name, value);
  res.setHeader('Content-Type', contentType);
  finish(req, res, typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
}

// Response framing shared by every route: medusa's common headers, its HTML error page, its
// connection-persistence rules, and raw error replies for requests node could not parse.
// Imports only node:http and node:stream types.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export const SERVER_IDENT = 'Medusa/1.12';

/** The reason phrases this server can send (medusa's table, for the codes we use). */
export const REASONS: Readonly<Record<number, string>> = Object.freeze({
  200: 'OK',
  301: 'Moved Permanently',
  303: 'See Other',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  411: 'Length Required',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
});

/** medusa's DEFAULT_ERROR_MESSAGE for one status code, CRLF line ends, trailing CRLF. */
export function errorBody(code: number): Buffer {
  const reason = REASONS[code] ?? 'Unknown';
  return Buffer.from([
    '<head>',
    '<title>Error response</title>',
    '</head>',
    '<body>',
    '<h1>Error response</h1>',
    `<p>Error code ${code}.`,
    `<p>Message: ${reason}.`,
    '</body>',
    '',
  ].join('\r\n'), 'latin1');
}

/** An HTTP date as medusa's build_http_date writes it (RFC 1123, GMT). */
export function httpDate(when: Date): string {
  return when.toUTCString();
}

/** Server and Date first, in that order, as medusa emits them; node's own Date is turned off. */
export function setCommonHeaders(res: ServerResponse): void {
  res.sendDate = false;
  res.setHeader('Server', SERVER_IDENT);
  res.setHeader('Date', httpDate(new Date()));
}

/**
 * medusa's persistence rules, applied just before the head goes out. It never sends
 * `Connection` except `Keep-Alive` to an HTTP/1.0 client that asked and gets a Content-Length;
 * node would add `Connection: keep-alive` and `Keep-Alive: timeout=` headers, so they are removed
 * (removing the header leaves node closing exactly when it would not keep the connection alive).
 * `forceClose` is for the daemon's shutdown: nothing is kept open once the server is closing.
 */
export function applyPersistence(req: IncomingMessage, res: ServerResponse, hasLength: boolean, forceClose: boolean): void {
  if (forceClose) res.shouldKeepAlive = false;
  if (res.shouldKeepAlive && req.httpVersion === '1.0' && hasLength) res.setHeader('Connection', 'Keep-Alive');
  else res.removeHeader('Connection');
}

export interface ErrorOptions {
  /** Headers placed after Server and Date, before Content-Length and Content-Type (as in medusa). */
  readonly headers?: readonly (readonly [string, string])[];
  /** Send `Connection: close` and close the connection once the reply is written. */
  readonly close?: boolean;
  /** The server is closing: do not keep the connection. */
  readonly closing?: boolean;
}

/** The HTML error reply, with medusa's header order. Does nothing if a head was already sent. */
export function sendError(req: IncomingMessage, res: ServerResponse, code: number, opts: ErrorOptions = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = errorBody(code);
  res.statusCode = code;
  res.statusMessage = REASONS[code] ?? 'Unknown';
  setCommonHeaders(res);
  if (opts.close) res.setHeader('Connection', 'close');
  for (const [name, value] of opts.headers ?? []) res.setHeader(name, value);
  res.setHeader('Content-Length', body.length);
  res.setHeader('Content-Type', 'text/html');
  if (!opts.close) applyPersistence(req, res, true, opts.closing ?? false);
  res.end(body);
}

/**
 * A complete error reply written straight to a socket, for requests node rejected before any
 * handler ran (malformed request line, oversized headers, request timeout). Always closes.
 */
export function rawErrorReply(code: number): Buffer {
  const body = errorBody(code);
  const head = [
    `HTTP/1.1 ${code} ${REASONS[code] ?? 'Unknown'}`,
    `Server: ${SERVER_IDENT}`,
    `Date: ${httpDate(new Date())}`,
    'Connection: close',
    `Content-Length: ${body.length}`,
    'Content-Type: text/html',
    '', '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** Write rawErrorReply(code) if the socket can still take it, then close it. */
export function replyAndDestroy(socket: Duplex, code: number | null): void {
  if (code !== null && socket.writable) {
    socket.end(rawErrorReply(code));
    // end() flushes then closes; destroy after the flush in case the peer never reads.
    socket.once('finish', () => socket.destroy());
  } else {
    socket.destroy();
  }
}

// Where an XML-RPC client connects and how it says who it is: the server URL parsed as
// supervisorctl parses it (unix://path or http://host:port), plus https with a CA for the hub,
// the Authorization header, and the transport errors named in supervisorctl's words.
// Credentials live only in the Authorization header: never in a URL or a message.
import type { ConnectionOptions } from 'node:tls';

export interface RpcClientOptions {
  url: string;
  username?: string | null;
  password?: string | null;
  /** Limit for one call, from sending the request to the last byte of the answer. */
  timeoutMs?: number;
  /** Limit for opening the connection (TCP, and TLS for https); defaults to timeoutMs. */
  connectTimeoutMs?: number;
  /** The XML-RPC path; default /RPC2 (supervisorctl ignores any path in the URL). */
  rpcPath?: string;
  /** For https URLs: the CA to verify the server with, a client certificate, or no verification. */
  tls?: Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'>;
}

export type RpcTransportErrorKind = 'refused' | 'nofile' | 'timeout' | 'http' | 'protocol' | 'tls' | 'dns' | 'io';

/** The call did not produce an XML-RPC answer (faults are RpcFault, not this). */
export class RpcTransportError extends Error {
  readonly kind: RpcTransportErrorKind;
  readonly status?: number;

  constructor(kind: RpcTransportErrorKind, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RpcTransportError';
    this.kind = kind;
    if (options?.status !== undefined) this.status = options.status;
  }
}

/** What Python's xmlrpc client sends; supervisord does not look at it, but logs and proxies may. */
export const USER_AGENT = 'Python-xmlrpc/3.11';
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Where to connect, resolved once from the options. */
export interface Endpoint {
  /** The server URL without any user:password part, safe to show. */
  readonly url: string;
  readonly connect: { socketPath: string } | { host: string; port: number };
  readonly secure: boolean;
  readonly tls: RpcClientOptions['tls'] | null;
  readonly rpcPath: string;
  /** Host header: `localhost` for a unix socket, as supervisorctl sends. */
  readonly hostHeader: string | null;
  readonly authorization: string | null;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
}

/** Parses a server URL as supervisorctl does: `unix://` + path, or http(s)://host[:port]. */
export function resolveEndpoint(opts: RpcClientOptions): Endpoint {
  let username = opts.username ?? null;
  let password = opts.password ?? null;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const common = { timeoutMs, connectTimeoutMs: opts.connectTimeoutMs ?? timeoutMs, rpcPath: opts.rpcPath ?? '/RPC2' };
  const auth = (): string | null => (username !== null && password !== null
    ? `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
    : null);
  if (opts.url.startsWith('unix://')) {
    const socketPath = opts.url.slice('unix://'.length);
    if (socketPath === '') throw new TypeError('unix:// server URL without a socket path');
    return {
      ...common, url: opts.url, connect: { socketPath }, secure: false, tls: null, hostHeader: 'localhost', authorization: auth(),
    };
  }
  let parsed: URL;
  try {
    parsed = new URL(opts.url);
  } catch {
    throw new TypeError(`invalid server URL: ${redactUrl(opts.url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`unknown protocol for server URL: ${redactUrl(opts.url)}`);
  }
  // Credentials written into the URL are used when none are given, and removed from it.
  if (parsed.username !== '' || parsed.password !== '') {
    username ??= decodeURIComponent(parsed.username);
    password ??= decodeURIComponent(parsed.password);
    parsed.username = '';
    parsed.password = '';
  }
  const secure = parsed.protocol === 'https:';
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  const port = parsed.port === '' ? (secure ? 443 : 80) : Number(parsed.port);
  const url = `${parsed.protocol}//${parsed.host}`;
  return {
    ...common, url, connect: { host, port }, secure, tls: secure ? opts.tls ?? {} : null, hostHeader: null, authorization: auth(),
  };
}

/** A URL for messages, with anything between :// and @ dropped. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** The request headers for an endpoint (Host is added by node for inet). */
export function baseHeaders(ep: Endpoint): Record<string, string> {
  const h: Record<string, string> = {};
  if (ep.hostHeader !== null) h.Host = ep.hostHeader;
  if (ep.authorization !== null) h.Authorization = ep.authorization;
  return h;
}

/** OpenSSL's and node's codes for a certificate or handshake that failed. */
const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|EPROTO$|HOSTNAME_MISMATCH)/;

/** Maps a socket-level failure to the error supervisorctl would report, in its words. */
export function toTransportError(ep: Endpoint, err: unknown): RpcTransportError {
  if (err instanceof RpcTransportError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ECONNREFUSED') return new RpcTransportError('refused', `${ep.url} refused connection`, { cause: err });
  if (code === 'ENOENT') return new RpcTransportError('nofile', `${ep.url} no such file`, { cause: err });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new RpcTransportError('dns', `${ep.url}: host name not found (${code})`, { cause: err });
  }
  if (code !== undefined && TLS_CODES.test(code)) {
    const detail = err instanceof Error ? err.message : code;
    return new RpcTransportError('tls', `${ep.url}: TLS error: ${detail}`, { cause: err });
  }
  const what = code ?? (err instanceof Error ? err.message : String(err));
  return new RpcTransportError('io', `${ep.url}: ${what}`, { cause: err });
}

export function timeoutError(ep: Endpoint, what: 'answer' | 'connect' = 'answer'): RpcTransportError {
  return what === 'connect'
    ? new RpcTransportError('timeout', `${ep.url}: could not connect within ${ep.connectTimeoutMs} ms`)
    : new RpcTransportError('timeout', `${ep.url}: no answer within ${ep.timeoutMs} ms`);
}

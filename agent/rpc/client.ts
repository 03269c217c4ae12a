// XML-RPC client over inet (http://host:port) or a unix socket (unix:///path), as supervisorctl's
// transport: one keep-alive connection, POST /RPC2, Basic auth only with both credentials.
// Imports node:http and the codec; never the daemon. Credentials never appear in messages.
import http from 'node:http';
import { decodeResponse, encodeMethodCall, XmlRpcResponseError } from './xmlrpc.js';
import type { XmlRpcValue } from './value.js';

export interface RpcClientOptions {
  url: string;
  username?: string | null;
  password?: string | null;
  timeoutMs?: number;
}

export type RpcTransportErrorKind = 'refused' | 'nofile' | 'timeout' | 'http' | 'protocol' | 'io';

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
/** A response larger than this is refused (a 1000-process getAllProcessInfo is about 1.3 MB). */
export const MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

/** Where to connect, resolved once from the options. */
export interface Endpoint {
  /** The server URL without any user:password part, safe to show. */
  readonly url: string;
  readonly connect: { socketPath: string } | { host: string; port: number };
  /** Host header: `localhost` for a unix socket, as supervisorctl sends. */
  readonly hostHeader: string | null;
  readonly authorization: string | null;
  readonly timeoutMs: number;
}

/** Parses a server URL as supervisorctl does: `unix://` + path, or http://host[:port] (path ignored). */
export function resolveEndpoint(opts: RpcClientOptions): Endpoint {
  let username = opts.username ?? null;
  let password = opts.password ?? null;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const auth = (): string | null => (username !== null && password !== null
    ? `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
    : null);
  if (opts.url.startsWith('unix://')) {
    const socketPath = opts.url.slice('unix://'.length);
    if (socketPath === '') throw new TypeError('unix:// server URL without a socket path');
    return { url: opts.url, connect: { socketPath }, hostHeader: 'localhost', authorization: auth(), timeoutMs };
  }
  let parsed: URL;
  try {
    parsed = new URL(opts.url);
  } catch {
    throw new TypeError(`invalid server URL: ${redact(opts.url)}`);
  }
  if (parsed.protocol !== 'http:') throw new TypeError(`unknown protocol for server URL: ${redact(opts.url)}`);
  // Credentials written into the URL are used when none are given, and removed from it.
  if (parsed.username !== '' || parsed.password !== '') {
    username ??= decodeURIComponent(parsed.username);
    password ??= decodeURIComponent(parsed.password);
    parsed.username = '';
    parsed.password = '';
  }
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  const port = parsed.port === '' ? 80 : Number(parsed.port);
  const url = `http://${parsed.host}`;
  return { url, connect: { host, port }, hostHeader: null, authorization: auth(), timeoutMs };
}

/** A URL for messages, with anything between :// and @ dropped. */
function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** The request headers for an endpoint (Host is added by node for inet). */
export function baseHeaders(ep: Endpoint): Record<string, string> {
  const h: Record<string, string> = {};
  if (ep.hostHeader !== null) h.Host = ep.hostHeader;
  if (ep.authorization !== null) h.Authorization = ep.authorization;
  return h;
}

/** Maps a socket-level failure to the error supervisorctl would report, in its words. */
export function toTransportError(ep: Endpoint, err: unknown): RpcTransportError {
  if (err instanceof RpcTransportError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ECONNREFUSED') return new RpcTransportError('refused', `${ep.url} refused connection`, { cause: err });
  if (code === 'ENOENT') return new RpcTransportError('nofile', `${ep.url} no such file`, { cause: err });
  const what = code ?? (err instanceof Error ? err.message : String(err));
  return new RpcTransportError('io', `${ep.url}: ${what}`, { cause: err });
}

export function timeoutError(ep: Endpoint): RpcTransportError {
  return new RpcTransportError('timeout', `${ep.url}: no answer within ${ep.timeoutMs} ms`);
}

interface RawResponse { status: number; reason: string; body: Buffer }

export class RpcClient {
  readonly url: string;
  private readonly ep: Endpoint;
  private readonly agent: http.Agent;

  constructor(opts: RpcClientOptions) {
    this.ep = resolveEndpoint(opts);
    this.url = this.ep.url;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  /** Calls a method; resolves with its value, rejects with RpcFault or RpcTransportError. */
  async call(methodName: string, params: readonly XmlRpcValue[] = []): Promise<XmlRpcValue> {
    const body = encodeMethodCall(methodName, params);
    const res = await this.post(body);
    if (res.status !== 200) {
      throw new RpcTransportError('http', `${this.url}: HTTP ${res.status} ${res.reason}`.trimEnd(), { status: res.status });
    }
    try {
      return decodeResponse(res.body);
    } catch (err) {
      if (err instanceof XmlRpcResponseError) throw new RpcTransportError('protocol', `${this.url}: ${err.message}`, { cause: err });
      throw err;
    }
  }

  /** Drops the connection; later calls open a new one. */
  close(): void {
    this.agent.destroy();
  }

  /**
   * One request on the kept-alive connection. A connection the server closed while idle fails
   * at once with ECONNRESET before any answer; that request is sent again once, on a new one.
   */
  private post(body: Buffer, mayRetry = true): Promise<RawResponse> {
    const ep = this.ep;
    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      let answered = false;
      const finish = (err: Error | null, res?: RawResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err !== null) reject(err);
        else resolve(res as RawResponse);
      };
      const req = http.request({
        ...ep.connect,
        agent: this.agent,
        method: 'POST',
        path: '/RPC2',
        headers: {
          ...baseHeaders(ep),
          'Accept-Encoding': 'identity',
          'User-Agent': USER_AGENT,
          'Content-Type': 'text/xml',
          Accept: 'text/xml',
          'Content-Length': String(body.length),
        },
      });
      const timer = setTimeout(() => {
        finish(timeoutError(ep));
        req.destroy();
      }, ep.timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (mayRetry && !settled && !answered && req.reusedSocket && err.code === 'ECONNRESET') {
          settled = true;
          clearTimeout(timer);
          resolve(this.post(body, false));
          return;
        }
        finish(toTransportError(ep, err));
      });
      req.on('response', (res) => {
        answered = true;
        const status = res.statusCode ?? 0;
        const reason = res.statusMessage ?? '';
        if (status !== 200) {
          // supervisord swallows everything after a 401 on the same connection: never reuse it.
          res.resume();
          req.destroy();
          finish(null, { status, reason, body: Buffer.alloc(0) });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            finish(new RpcTransportError('protocol', `${ep.url}: response larger than ${MAX_RESPONSE_BYTES} bytes`));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => finish(null, { status, reason, body: Buffer.concat(chunks, size) }));
        res.on('error', (err) => finish(toTransportError(ep, err)));
        res.on('close', () => {
          if (!res.complete) finish(new RpcTransportError('io', `${ep.url}: connection closed during the response`));
        });
      });
      req.end(body);
    });
  }
}

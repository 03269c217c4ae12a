// Opens every configured [unix_http_server]/[inet_http_server] with one request handler
// (auth, then /RPC2, /logtail, /mainlogtail, extra routes, 404), over node:https for an inet
// server with tls_cert/tls_key, and closes them all.
// Imports the HTTP layer's parts and config/log types; the daemon passes its RPC and logs in.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HttpServerConfig, InetTlsConfig } from '../config/types.js';
import { pyStrRepr } from '../python/repr.js';
import { makeAuthCheck, type AuthCheck } from './auth.js';
import { errorCode, HttpServerStartError } from './errors.js';
import { listenInet } from './listen-inet.js';
import { listenUnix, type UnixListening } from './listen-unix.js';
import { closeServer } from './listen.js';
import { discardBody } from './discard-body.js';
import { handleLogtail, handleMainLogtail, isLogtailUri, NOSNIFF, TailStreams, type LogtailContext } from './logtail.js';
import { replyAndDestroy, sendError } from './responses.js';
import { handleRpc, type RpcRouteContext } from './rpc-route.js';
import type { HttpDeps, HttpLimits, HttpServerOptions } from './types.js';
import { decodeRequestUri } from './uri.js';

export { HttpServerStartError } from './errors.js';

export const DEFAULT_LIMITS: HttpLimits = Object.freeze({
  // supervisord reads any body; the largest real request (a multicall of a few hundred calls,
  // or an addProcessGroup) is a few KiB, so 8 MiB only ever stops abuse.
  maxBodyBytes: 8 * 1024 * 1024,
  // A whole request (headers and body) must arrive within 30 s: ends slow-loris clients.
  requestTimeoutMs: 30_000,
  connectionsCheckingIntervalMs: 5_000,
  // supervisorctl keeps one connection for a command; idle ones are closed after 3 minutes.
  keepAliveTimeoutMs: 180_000,
  // The daemon's own writes wake /logtail streams at once; this look (one stat per followed file,
  // whatever the number of its streams) is only for bytes another process writes to it.
  logtailPollMs: 500,
  // A browser tab or a `tail -f` is one stream; hundreds from one address are a leak or abuse.
  logtailPerClient: 64,
  logtailTotal: 1024,
  closeGraceMs: 2_000,
  probeTimeoutMs: 5_000,
});

const REALM = 'default';

export interface OpenedHttpServer {
  readonly config: HttpServerConfig;
  /** The bound address: host/port (with the real port when 0 was asked) or the socket path. */
  readonly address: AddressInfo | string;
}

export interface HttpServers {
  readonly servers: readonly OpenedHttpServer[];
  /** Stop listening, end logtail streams, give requests in flight closeGraceMs, remove our socket files. */
  close(): Promise<void>;
}

interface Shared {
  readonly deps: HttpDeps;
  readonly limits: HttpLimits;
  readonly streams: TailStreams;
  /** The response in progress on each connection, so a late parse error does not write over it. */
  readonly active: WeakMap<Duplex, ServerResponse>;
  closing: boolean;
}

interface Listener {
  readonly opened: OpenedHttpServer;
  readonly server: Server | HttpsServer;
  readonly unix: UnixListening | null;
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

async function route(req: IncomingMessage, res: ServerResponse, auth: AuthCheck | null, shared: Shared): Promise<void> {
  const closing = (): boolean => shared.closing;
  if (auth !== null) {
    const verdict = auth(req.headers.authorization);
    if (verdict === 'malformed') {
      sendError(req, res, 400, { closing: shared.closing });
      return;
    }
    if (verdict === 'unauthorized') {
      // supervisord says `Connection: close` but keeps the socket, swallowing what follows; we close it,
      // once the body is in: closing on unread bytes resets the connection, and a client still
      // sending would see a broken pipe instead of the 401. The body bound holds here too.
      const body = await discardBody(req, shared.limits.maxBodyBytes);
      if (body === 'gone') return;
      if (body === 'too-large') {
        sendError(req, res, 413, { close: true });
        return;
      }
      const headers: [string, string][] = [['WWW-Authenticate', `Basic realm="${REALM}"`]];
      if (isLogtailUri(decodeRequestUri(req.url ?? '/'))) headers.push(NOSNIFF);
      sendError(req, res, 401, { close: true, headers });
      return;
    }
  }
  const uri = decodeRequestUri(req.url ?? '/');
  if (uri.startsWith('/RPC2')) {
    const ctx: RpcRouteContext = { deps: shared.deps, maxBodyBytes: shared.limits.maxBodyBytes, closing };
    await handleRpc(req, res, ctx);
    return;
  }
  const tailCtx: LogtailContext = { deps: shared.deps, streams: shared.streams, limits: shared.limits, closing };
  if (uri.startsWith('/logtail')) {
    await handleLogtail(req, res, uri, tailCtx);
    return;
  }
  if (uri.startsWith('/mainlogtail')) {
    await handleMainLogtail(req, res, tailCtx);
    return;
  }
  if (shared.deps.routes && await shared.deps.routes(req, res)) return;
  sendError(req, res, 404, { closing: shared.closing });
}

/** node:https options of an [inet_http_server] with tls_cert/tls_key (and tls_client_ca: client certificates required). */
function tlsOptions(tls: InetTlsConfig, limits: HttpLimits): { cert: string; key: string; handshakeTimeout: number; ca?: string; requestCert?: boolean; rejectUnauthorized?: boolean } {
  const base = { cert: tls.cert, key: tls.key, handshakeTimeout: limits.requestTimeoutMs };
  return tls.clientCa === null ? base : { ...base, ca: tls.clientCa, requestCert: true, rejectUnauthorized: true };
}

/** One server with the shared handler: node:http, or node:https when the section has TLS (same routes, same auth). */
function createHttpServer(auth: AuthCheck | null, shared: Shared, tls: InetTlsConfig | null = null): Server | HttpsServer {
  const { limits, deps } = shared;
  const httpOptions = {
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.connectionsCheckingIntervalMs,
    // medusa does not insist on Host; supervisorctl's streaming client sends an empty one on unix sockets.
    requireHostHeader: false,
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const socket = req.socket;
    shared.active.set(socket, res);
    res.once('finish', () => {
      if (shared.active.get(socket) === res) shared.active.delete(socket);
    });
    route(req, res, auth, shared).catch((err: unknown) => {
      deps.log.error(`Server Error: ${describe(err)}`);
      if (res.headersSent) res.destroy();
      else sendError(req, res, 500, { closing: shared.closing });
    });
  };
  // A failed handshake (wrong CA, no client certificate) just ends its connection (node's default).
  const server = tls === null ? createServer(httpOptions, handler) : createHttpsServer({ ...httpOptions, ...tlsOptions(tls, limits) }, handler);

  // Requests node could not take (bad request line, huge headers, too slow): medusa-style reply, close.
  server.on('clientError', (err: Error, socket: Duplex) => {
    const code = errorCode(err);
    const active = shared.active.get(socket);
    if (code === 'ECONNRESET' || code === 'EPIPE' || (active !== undefined && active.headersSent)) {
      socket.destroy();
      return;
    }
    const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    replyAndDestroy(socket, status);
  });
  return server;
}

async function closeListener(listener: Listener, graceMs: number): Promise<void> {
  const { server } = listener;
  const closed = closeServer(server);
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearTimeout(timer);
  }
  await listener.unix?.removeSocketFile();
}

/**
 * Opens the servers in config order. On a failure the ones already open are closed again and
 * the HttpServerStartError (supervisord's message) is thrown.
 */
export async function openHttpServers(
  configs: readonly HttpServerConfig[], deps: HttpDeps, options: HttpServerOptions = {},
): Promise<HttpServers> {
  const limits: HttpLimits = { ...DEFAULT_LIMITS, ...definedOnly(options) };
  const shared: Shared = { deps, limits, streams: new TailStreams(), active: new WeakMap(), closing: false };
  const stderr = options.stderr ?? ((text: string) => void process.stderr.write(text));
  const interfaces = options.rpcInterfaces ?? ['supervisor'];
  const listeners: Listener[] = [];

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      shared.closing = true;
      shared.streams.endAll();
      await Promise.all(listeners.map((l) => closeListener(l, limits.closeGraceMs)));
    })();
    return closing;
  };

  try {
    for (const config of configs) {
      const auth = makeAuthCheck(config.username, config.password);
      const tls = config.kind === 'inet' ? config.tls ?? null : null;
      const server = createHttpServer(auth, shared, tls);
      if (config.kind === 'unix') {
        const unix = await listenUnix(server, config, { stderr, probeTimeoutMs: limits.probeTimeoutMs });
        listeners.push({ opened: { config, address: unix.path }, server, unix });
      } else {
        const address = await listenInet(server, config);
        listeners.push({ opened: { config, address }, server, unix: null });
      }
      // Accept failures (EMFILE ...) arrive here once listening; they must not crash the daemon.
      server.on('error', (err: Error) => deps.log.error(`Server Error: ${err.message}`));
      for (const name of interfaces) deps.log.info(`RPC interface ${pyStrRepr(name)} initialized`);
      if (auth === null) deps.log.critical(`Server ${pyStrRepr(config.section)} running without any HTTP authentication checking`);
      if (tls !== null) {
        deps.log.info(`Server ${pyStrRepr(config.section)} serving HTTPS with certificate ${tls.certFile}`
          + (tls.clientCaFile === null ? '' : `, client certificates signed by ${tls.clientCaFile} required`));
      }
    }
  } catch (err) {
    await close();
    if (err instanceof HttpServerStartError) throw err;
    throw new HttpServerStartError(`Cannot open an HTTP server: ${err instanceof Error ? err.message : String(err)}`, '', { cause: err });
  }

  return { servers: listeners.map((l) => l.opened), close };
}

/** The limits the caller set, without the undefined ones (they must not override defaults). */
function definedOnly(options: HttpServerOptions): Partial<HttpLimits> {
  const out: Partial<Record<keyof HttpLimits, number>> = {};
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof HttpLimits)[]) {
    const v = options[key];
    if (typeof v === 'number') out[key] = v;
  }
  return out;
}

// The seams between the HTTP layer and the daemon: what the servers need from it (RPC dispatch,
// log paths, the main log) and the tunable limits. Types only; imports no runtime code.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LogWriteListener } from '../logging/log-writes.js';
import type { Logger } from '../logging/types.js';
import type { XmlRpcValue } from '../rpc/value.js';

export interface RpcHandler {
  /** Resolves with the method's value; rejects with RpcFault (-> fault response) or anything else (-> 500 + CRIT log). */
  call(methodName: string, params: XmlRpcValue[]): Promise<XmlRpcValue>;
}

export interface LogLocator {
  /** The current log file path of a process channel. 'BAD_NAME' when no such process/group; null when the channel has no log (NONE, redirected stderr). */
  processLog(namespec: string, channel: 'stdout' | 'stderr'): string | null | 'BAD_NAME';
  /** The main log path, or null when it is syslog. */
  mainLog(): string | null;
  /**
   * Calls `listener` for each write, rotation or reopening the daemon itself makes on the file at
   * `path`, until the returned function is called. Without it, /logtail streams only poll.
   */
  watchWrites?(path: string, listener: LogWriteListener): () => void;
}

/** An extra route (web UI, /metrics): resolve true when it answered the request, false to fall through to 404. */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface HttpDeps {
  rpc: RpcHandler;
  logs: LogLocator;
  log: Logger;
  /** Consulted after /RPC2, /logtail and /mainlogtail, behind authentication. */
  routes?: HttpRoute;
}

/** Bounds supervisord does not have; every one is a defence against a misbehaving client. */
export interface HttpLimits {
  /** Largest accepted /RPC2 body; a bigger Content-Length gets 413 and the connection is closed. */
  readonly maxBodyBytes: number;
  /** Headers and body of one request must arrive within this; otherwise 408 and close (slow clients). */
  readonly requestTimeoutMs: number;
  /** How often node checks requestTimeoutMs; the effective bound is up to the sum of both. */
  readonly connectionsCheckingIntervalMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** How often the /logtail streams of one file look at it, for bytes another process writes (the daemon's own writes wake them at once). */
  readonly logtailPollMs: number;
  /** Open /logtail and /mainlogtail streams allowed per client address (all clients of a unix socket count as one); beyond, 429. */
  readonly logtailPerClient: number;
  /** Open /logtail and /mainlogtail streams allowed in all; beyond, 503. */
  readonly logtailTotal: number;
  /** close() waits this long for requests in flight before cutting every connection. */
  readonly closeGraceMs: number;
  /** How long the stale-socket probe waits for an answer before deciding the socket is in use. */
  readonly probeTimeoutMs: number;
}

export interface HttpServerOptions extends Partial<HttpLimits> {
  /** Where "Unlinking stale socket ..." goes; process.stderr by default. */
  readonly stderr?: (text: string) => void;
  /** The [rpcinterface:x] names logged as initialized for each server; ['supervisor'] by default. */
  readonly rpcInterfaces?: readonly string[];
}

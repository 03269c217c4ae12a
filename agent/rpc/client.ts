// XML-RPC client over inet (http://host:port, https://), or a unix socket (unix:///path), as
// supervisorctl's transport: keep-alive connections (one by default), POST to /RPC2, Basic auth only
// with both credentials. Imports node:http(s) and the codec; never the daemon. Credentials never
// appear in messages.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { decodeResponse, encodeMethodCall, XmlRpcResponseError } from './xmlrpc.js';
import type { XmlRpcValue } from './value.js';
import {
  baseHeaders, resolveEndpoint, RpcTransportError, timeoutError, toTransportError, USER_AGENT,
  type Endpoint, type RpcClientOptions,
} from './endpoint.js';

export {
  baseHeaders, DEFAULT_TIMEOUT_MS, resolveEndpoint, RpcTransportError, timeoutError, toTransportError, USER_AGENT,
  type Endpoint, type RpcClientOptions, type RpcTransportErrorKind,
} from './endpoint.js';

/** A response larger than this is refused (far more than a getAllProcessInfo of thousands of processes). */
export const MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

interface RawResponse { status: number; reason: string; body: Buffer }

export class RpcClient {
  readonly url: string;
  private readonly ep: Endpoint;
  private readonly agent: http.Agent;

  /** `maxSockets`: how many calls may be in flight at once, each on its own connection (default 1). */
  constructor(opts: RpcClientOptions & { maxSockets?: number }) {
    this.ep = resolveEndpoint(opts);
    this.url = this.ep.url;
    const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets ?? 1 };
    this.agent = this.ep.secure ? new https.Agent({ ...agentOpts, ...this.ep.tls }) : new http.Agent(agentOpts);
  }

  /**
   * Calls a method; resolves with its value, rejects with RpcFault or RpcTransportError.
   * `timeoutMs` replaces the client's call limit for this call (a long poll needs more).
   */
  async call(methodName: string, params: readonly XmlRpcValue[] = [], opts: { timeoutMs?: number } = {}): Promise<XmlRpcValue> {
    return this.decode(await this.callRaw(methodName, params, opts));
  }

  /** The response body of a call, undecoded (a caller that can tell an unchanged answer skips decoding it). */
  async callRaw(methodName: string, params: readonly XmlRpcValue[] = [], opts: { timeoutMs?: number } = {}): Promise<Buffer> {
    const body = encodeMethodCall(methodName, params);
    const res = await this.post(body, opts.timeoutMs ?? this.ep.timeoutMs);
    if (res.status !== 200) {
      throw new RpcTransportError('http', `${this.url}: HTTP ${res.status} ${res.reason}`.trimEnd(), { status: res.status });
    }
    return res.body;
  }

  /** decodeResponse with a malformed answer reported as this server's protocol error. */
  decode(body: Buffer): XmlRpcValue {
    try {
      return decodeResponse(body);
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
  private post(body: Buffer, timeoutMs: number, mayRetry = true): Promise<RawResponse> {
    const ep = this.ep;
    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      let answered = false;
      let connectTimer: NodeJS.Timeout | undefined;
      const finish = (err: Error | null, res?: RawResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(connectTimer);
        if (err !== null) reject(err);
        else resolve(res as RawResponse);
      };
      const req = (ep.secure ? https : http).request({
        ...ep.connect,
        agent: this.agent,
        method: 'POST',
        path: ep.rpcPath,
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
      }, timeoutMs);
      // A host that drops the SYN (or stalls the TLS handshake) fails after the connect limit.
      req.on('socket', (socket: Socket) => {
        // A new socket is handed over on the next tick, before any I/O could have connected it.
        if (req.reusedSocket || !socket.connecting) return;
        connectTimer = setTimeout(() => {
          finish(timeoutError(ep, 'connect'));
          req.destroy();
        }, ep.connectTimeoutMs);
        socket.once(ep.secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (mayRetry && !settled && !answered && req.reusedSocket && err.code === 'ECONNRESET') {
          settled = true;
          clearTimeout(timer);
          clearTimeout(connectTimer);
          resolve(this.post(body, timeoutMs, false));
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

// GET of supervisord's streaming endpoints (/logtail/NAME[/stderr], /mainlogtail) on its own
// connection, with the same URL and auth handling as the RPC client. The body has no timeout.
// Imports node:http and the client's endpoint helpers only.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { baseHeaders, resolveEndpoint, timeoutError, toTransportError, USER_AGENT, type RpcClientOptions } from './client.js';

export interface HttpStream {
  readonly status: number;
  /** The (dechunked) body; it ends only when the server or close() ends it. */
  readonly body: Readable;
  /** Ends the stream and its connection (always call it); the body then just closes (no error). */
  close(): void;
}

/** Opens `path`; resolves once the status line and headers arrived (within timeoutMs). */
export function openStream(opts: RpcClientOptions, path: string): Promise<HttpStream> {
  const ep = resolveEndpoint(opts);
  return new Promise<HttpStream>((resolve, reject) => {
    const req = (ep.secure ? https : http).request({
      ...ep.connect,
      ...(ep.tls ?? {}),
      agent: false,
      method: 'GET',
      path,
      // Medusa holds a streamed body back until it ends when asked to close the connection
      // (node's default without an agent), so ask for a persistent one, as supervisorctl does.
      headers: { ...baseHeaders(ep), Accept: '*/*', 'User-Agent': USER_AGENT, Connection: 'keep-alive' },
    });
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(timeoutError(ep));
      req.destroy();
    }, ep.timeoutMs);
    req.on('error', (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(toTransportError(ep, err));
    });
    req.on('response', (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve({
        status: res.statusCode ?? 0,
        body: res,
        close: () => {
          res.destroy();
          req.destroy();
        },
      });
    });
    req.end();
  });
}

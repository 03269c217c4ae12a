// The /RPC2 transport: method and length checks, bounded body reading, decode, dispatch through
// the daemon's RpcHandler, and the reply (value, fault, 400 or 500) as supervisord frames it.
// Imports the codec, the fault class and the main-log repr helper; never the supervisor.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pyStrRepr } from '../python/repr.js';
import { isRpcFault } from '../rpc/faults.js';
import type { XmlRpcValue } from '../rpc/value.js';
import { decodeMethodCall, encodeFault, encodeResponse, XmlRpcRequestError } from '../rpc/xmlrpc.js';
import { applyPersistence, sendError, setCommonHeaders } from './responses.js';
import type { HttpDeps } from './types.js';

/** How much of a request body is quoted in the main log. supervisord quotes all of it. */
const LOGGED_BODY_BYTES = 200;

export interface RpcRouteContext {
  readonly deps: HttpDeps;
  readonly maxBodyBytes: number;
  /** True once the servers are closing: replies do not keep the connection. */
  closing(): boolean;
}

/** repr() of the start of a body, an ellipsis inside the quotes when it was cut. */
export function quoteBody(body: Buffer): string {
  if (body.length <= LOGGED_BODY_BYTES) return pyStrRepr(body.toString('utf8'));
  const r = pyStrRepr(body.subarray(0, LOGGED_BODY_BYTES).toString('utf8'));
  return r.slice(0, -1) + '...' + r.slice(-1);
}

/** Resolves with the whole body, or null when the client went away (or was cut off) first. */
function readBody(req: IncomingMessage, length: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (value: Buffer | null): void => {
      if (done) return;
      done = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => finish(req.complete ? Buffer.concat(chunks, length) : null));
    req.once('error', () => finish(null));
    req.once('close', () => finish(req.complete ? Buffer.concat(chunks, length) : null));
  });
}

/** Content-Length as a number; null when missing or empty (411); node has already rejected non-digits. */
function declaredLength(req: IncomingMessage): number | null {
  const raw = req.headers['content-length'];
  if (raw === undefined || raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

export async function handleRpc(req: IncomingMessage, res: ServerResponse, ctx: RpcRouteContext): Promise<void> {
  const closing = ctx.closing();
  if (req.method !== 'POST') {
    sendError(req, res, 400, { closing });
    return;
  }
  // Chunked request bodies are not supported, as in supervisord: no length, no service.
  const length = declaredLength(req);
  if (length === null) {
    sendError(req, res, 411, { closing });
    return;
  }
  if (length > ctx.maxBodyBytes) {
    // Close rather than drain: reading an unwanted body of any size is what this bound prevents.
    sendError(req, res, 413, { close: true });
    return;
  }
  const body = await readBody(req, length);
  if (body === null) return;

  const log = ctx.deps.log;
  let methodName: string;
  let params: XmlRpcValue[];
  try {
    ({ methodName, params } = decodeMethodCall(body));
  } catch (err) {
    const reason = err instanceof XmlRpcRequestError ? err.reason : 'unmarshallable';
    log.error(`XML-RPC request data ${quoteBody(body)} is invalid: ${reason}`);
    sendError(req, res, 400, { closing: ctx.closing() });
    return;
  }

  let reply: Buffer;
  try {
    try {
      log.trace(`XML-RPC method called: ${methodName}()`);
      const value = await ctx.deps.rpc.call(methodName, params);
      log.trace(`XML-RPC method ${methodName}() returned successfully`);
      reply = encodeResponse(value);
    } catch (err) {
      if (!isRpcFault(err)) throw err;
      log.trace(`XML-RPC method ${methodName}() returned fault: [${err.code}] ${err.faultString}`);
      reply = encodeFault(err.code, err.faultString);
    }
  } catch (err) {
    const tb = err instanceof Error ? (err.stack ?? String(err)) : String(err);
    log.critical(`Handling XML-RPC request with data ${quoteBody(body)} raised an unexpected exception: ${tb}`);
    sendError(req, res, 500, { closing: ctx.closing() });
    return;
  }

  // The client may have gone while the method ran (deferred calls can take seconds).
  if (res.destroyed || res.headersSent) return;
  setCommonHeaders(res);
  res.setHeader('Content-Type', 'text/xml');
  res.setHeader('Content-Length', reply.length);
  applyPersistence(req, res, true, ctx.closing());
  res.end(reply);
}

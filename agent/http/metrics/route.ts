// GET/HEAD /metrics: the Prometheus text format on every listener, behind the servers' auth.
// While the daemon shuts down or restarts the API refuses (SHUTDOWN_STATE): 503, so the scrape
// fails visibly instead of reporting a half-stopped daemon as healthy.
import { Faults, isRpcFault } from '../../rpc/faults.js';
import { sendError } from '../responses.js';
import type { HttpRoute, RpcHandler } from '../types.js';
import { decodeRequestUri, uriPath } from '../uri.js';
import { sendBody } from '../ui/respond.js';
import { collect } from './collect.js';
import { exposition } from './exposition.js';

export const METRICS_PATH = '/metrics';

export function createMetricsRoute(opts: { readonly rpc: RpcHandler }): HttpRoute {
  return async (req, res) => {
    if (uriPath(decodeRequestUri(req.url ?? '/')) !== METRICS_PATH) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(req, res, 400);
      return true;
    }
    let body: { text: string; contentType: string };
    try {
      body = await exposition(await collect(opts.rpc));
    } catch (err) {
      if (isRpcFault(err) && err.code === Faults.SHUTDOWN_STATE) {
        sendError(req, res, 503);
        return true;
      }
      throw err;
    }
    sendBody(req, res, 200, body.contentType, body.text, [['Cache-Control', 'no-cache']]);
    return true;
  };
}

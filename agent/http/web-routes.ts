// The routes served behind auth after /RPC2 and the logtails: /metrics, then the web UI (views
// and static files). Both reach the daemon only through the RpcHandler they are given.
import type { Logger } from '../logging/types.js';
import { createMetricsRoute } from './metrics/route.js';
import type { HttpRoute, RpcHandler } from './types.js';
import { createWebUi, type WebUiOptions } from './ui/route.js';

export interface WebRoutesOptions extends Partial<Omit<WebUiOptions, 'rpc' | 'log'>> {
  readonly rpc: RpcHandler;
  readonly log: Logger;
}

export function createWebRoutes(opts: WebRoutesOptions): HttpRoute {
  const metrics = createMetricsRoute({ rpc: opts.rpc });
  const ui = createWebUi(opts);
  return async (req, res) => (await metrics(req, res)) || ui(req, res);
}

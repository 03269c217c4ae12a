// Wires the API into one daemon life: the RPC registry over the Supervisor, the log locator for
// /logtail, and the HTTP servers of [unix_http_server] / [inet_http_server].
import type { LoadedConfig } from '../config/types.js';
import { openHttpServers, type HttpServers } from '../http/server.js';
import type { HttpRoute, LogLocator, RpcHandler } from '../http/types.js';
import { createWebRoutes } from '../http/web-routes.js';
import { logWrites } from '../logging/log-writes.js';
import type { MainLogger } from '../logging/main-log.js';
import { createRegistry } from '../rpc/index.js';
import { splitNamespec } from '../rpc/names.js';
import type { Supervisor } from '../supervisor.js';

const MAIN_FACTORY = 'supervisor.rpcinterface:make_main_rpcinterface';

export interface ApiOptions {
  readonly supervisor: Supervisor;
  readonly mainLog: MainLogger;
  readConfig(): LoadedConfig;
  readonly routes?: HttpRoute;
}

function logLocator(sup: Supervisor, mainLog: MainLogger): LogLocator {
  return {
    processLog(namespec, channel) {
      const [groupName, procName] = splitNamespec(namespec);
      const group = sup.group(groupName);
      const proc = group?.processes.find((p) => p.config.name === procName);
      if (group === undefined || proc === undefined) return 'BAD_NAME';
      const path = sup.logfileOf(group.config, proc.config, channel);
      return path === 'AUTO' ? null : path;
    },
    mainLog: () => (mainLog.path === 'syslog' ? null : mainLog.path),
    // Every log file the daemon writes goes through RotatingFile, which announces its writes here.
    watchWrites: (path, listener) => logWrites.subscribe(path, listener),
  };
}

/** Opens the servers (throws HttpServerStartError with supervisord's message); null when none is configured. */
export async function openApi(config: LoadedConfig, opts: ApiOptions): Promise<HttpServers | null> {
  if (config.httpServers.length === 0) return null;
  const known = config.rpcinterfaces.filter((r) => r.factory.trim() === MAIN_FACTORY);
  for (const r of config.rpcinterfaces) {
    if (r.factory.trim() !== MAIN_FACTORY) {
      opts.mainLog.warn(`Could not make ${r.name} rpc interface: ${r.factory} is a Python factory; fleetvisord only provides the standard supervisor interface`);
    }
  }
  const ctx = { supervisor: opts.supervisor, mainLog: opts.mainLog, pid: process.pid, readConfig: opts.readConfig };
  const registry = createRegistry(ctx, { supervisorNamespace: known.length > 0 });
  const rpc: RpcHandler = { call: (name, params) => registry.call(name, params) };
  // supervisord's web UI builds its own supervisor interface, so it works without [rpcinterface:supervisor].
  const uiRegistry = known.length > 0 ? registry : createRegistry(ctx, { supervisorNamespace: true });
  const uiRpc: RpcHandler = { call: (name, params) => uiRegistry.call(name, params) };
  const routes = opts.routes ?? createWebRoutes({ rpc: uiRpc, log: opts.mainLog });
  return openHttpServers(config.httpServers, {
    rpc, logs: logLocator(opts.supervisor, opts.mainLog), log: opts.mainLog, routes,
  }, { rpcInterfaces: known.map((r) => r.name) });
}

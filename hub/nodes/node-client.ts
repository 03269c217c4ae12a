// The connections of the hub to one node, built from its [node:x] config: one for polls, one for
// the fleetvisord long poll (which holds its connection for up to a minute), and a small pool for
// actions, logs and stats, so a slow action never delays a poll. Credentials go only into the
// Authorization header of the agent's RPC client.
import { readFileSync } from 'node:fs';
import { RpcClient, type RpcClientOptions } from '../../agent/rpc/client.js';
import { RpcFault } from '../../agent/rpc/faults.js';
import { isStruct, type XmlRpcValue } from '../../agent/rpc/value.js';
import { WireShapeError } from '../../agent/rpc/wire-types.js';
import type { HubNodeConfig } from '../config/types.js';

/** Concurrent action calls per node (bulk actions on one node run this many at once). */
export const ACTION_SOCKETS = 8;

export interface ClientTimeouts {
  readonly connectTimeoutMs: number;
  readonly callTimeoutMs: number;
}

/** Where the RPC endpoint is for a node URL: unix sockets and plain hosts at /RPC2, a prefix before it. */
export function rpcOptions(cfg: HubNodeConfig, t: ClientTimeouts): RpcClientOptions {
  const opts: RpcClientOptions = {
    url: cfg.url, username: cfg.username, password: cfg.password,
    connectTimeoutMs: t.connectTimeoutMs, timeoutMs: t.callTimeoutMs,
  };
  if (cfg.url.startsWith('unix://')) return opts;
  // A URL written with the RPC path itself (…/RPC2) means the same endpoint.
  const prefix = new URL(cfg.url).pathname.replace(/\/+$/, '').replace(/\/RPC2$/, '');
  opts.rpcPath = `${prefix}/RPC2`;
  if (cfg.url.startsWith('https:') && cfg.tlsCa !== null) opts.tls = { ca: readFileSync(cfg.tlsCa) };
  return opts;
}

export class NodeClient {
  readonly poll: RpcClient;
  readonly wait: RpcClient;
  readonly act: RpcClient;

  constructor(cfg: HubNodeConfig, t: ClientTimeouts) {
    const opts = rpcOptions(cfg, t);
    this.poll = new RpcClient(opts);
    this.wait = new RpcClient(opts);
    this.act = new RpcClient({ ...opts, maxSockets: ACTION_SOCKETS });
  }

  close(): void {
    this.poll.close();
    this.wait.close();
    this.act.close();
  }
}

export interface Call { readonly method: string; readonly params?: readonly XmlRpcValue[] }

/**
 * system.multicall: one round trip for several calls. Each entry is the value or the RpcFault the
 * server gave for that call; a fault of multicall itself (or a transport error) rejects.
 */
export async function multicall(client: RpcClient, calls: readonly Call[], opts: { timeoutMs?: number } = {}): Promise<(XmlRpcValue | RpcFault)[]> {
  return multicallResults(await client.call('system.multicall', multicallParams(calls), opts), calls.length);
}

export function multicallParams(calls: readonly Call[]): XmlRpcValue[] {
  return [calls.map((c) => ({ methodName: c.method, params: [...(c.params ?? [])] }))];
}

/** The decoded answer of system.multicall as one entry per call (its value, or an RpcFault). */
export function multicallResults(result: XmlRpcValue, count: number): (XmlRpcValue | RpcFault)[] {
  if (!Array.isArray(result) || result.length !== count) throw new WireShapeError('system.multicall result', result);
  return result.map((r) => {
    if (isStruct(r) && typeof r.faultCode === 'number' && typeof r.faultString === 'string') return RpcFault.fromWire(r.faultCode, r.faultString);
    // supervisord gives each result bare (Python's standard multicall would wrap it in a list).
    return r;
  });
}

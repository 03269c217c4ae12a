// Real nodes for hub tests: fleetvisord and Debian's supervisord 4.2.5 with an inet server (with
// credentials) or a unix socket in a temp dir, and bad nodes: a port nobody listens on, a socket
// that accepts and never answers (a black hole), an HTTP server that is not a supervisor.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { RpcClient } from '../../../agent/rpc/client.js';
import { toProcessInfoList } from '../../../agent/rpc/wire-types.js';
import type { HubNodeConfig } from '../../../hub/config/types.js';
import { startDaemon, writeConf, type DaemonKind, type RunningDaemon } from '../../helpers/daemon.js';
import { freePort } from '../../helpers/ports.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';

interface HasAfter { after(fn: () => void | Promise<void>): void }

export interface TestNode {
  readonly kind: DaemonKind;
  readonly name: string;
  readonly daemon: RunningDaemon;
  readonly config: HubNodeConfig;
  /** A client of the node's own API, for checking what the hub did. */
  readonly rpc: RpcClient;
  state(namespec: string): Promise<string>;
  waitState(namespec: string, statename: string, timeoutMs?: number): Promise<void>;
}

export const NODE_USER = 'hubuser';
export const NODE_PASSWORD = 'p@ss:w/rd;1';

/** A daemon of `kind` running `programs` (config sections), reachable over inet with credentials. */
export async function startNode(t: HasAfter, kind: DaemonKind, name: string, programs: string,
  opts: { unix?: boolean; credentials?: boolean } = {}): Promise<TestNode> {
  const dir = makeTmpDir(t, `fv-hubnode-${name}-`);
  const creds = opts.credentials === false ? '' : `username=${NODE_USER}\npassword=${NODE_PASSWORD}\n`;
  let server: string;
  let url: string;
  if (opts.unix === true) {
    const sock = join(dir, 'rpc.sock');
    server = `[unix_http_server]\nfile=${sock}\n${creds}`;
    url = `unix://${sock}`;
  } else {
    const port = await freePort();
    server = `[inet_http_server]\nport=127.0.0.1:${port}\n${creds}`;
    url = `http://127.0.0.1:${port}`;
  }
  const conf = writeConf(dir, `${server}
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

${programs}`, `identifier=${name}-ident`);
  const daemon = startDaemon(t, kind, dir, conf);
  const withCreds = opts.credentials === false ? {} : { username: NODE_USER, password: NODE_PASSWORD };
  const rpc = new RpcClient({ url, ...withCreds, timeoutMs: 30_000 });
  t.after(() => rpc.close());
  const state = async (namespec: string): Promise<string> => {
    const all = toProcessInfoList(await rpc.call('supervisor.getAllProcessInfo'));
    return all.find((p) => `${p.group}:${p.name}` === namespec)?.statename ?? 'ABSENT';
  };
  await waitFor(async () => { try { await rpc.call('supervisor.getState'); return true; } catch { return false; } },
    { timeoutMs: 30_000, what: `${kind} ${name} answering` });
  return {
    kind, name, daemon, rpc, state,
    config: {
      name, url, username: withCreds.username ?? null, password: withCreds.password ?? null, tlsCa: null, environments: [],
    },
    waitState: (namespec, statename, timeoutMs = 30_000) => waitFor(async () => (await state(namespec)) === statename,
      { timeoutMs, what: `${namespec} ${statename} on ${name}` }),
  };
}

/** A port on 127.0.0.1 that refuses connections. */
export async function refusedUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

/** A listener that accepts connections and never answers; closed when the test ends. */
export async function blackHole(t: HasAfter): Promise<string> {
  const sockets = new Set<Socket>();
  const srv = createServer((s) => { sockets.add(s); s.on('error', () => undefined); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); srv.close(() => resolve()); }));
  const addr = srv.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
}

/** An HTTP server that answers every request with 404 HTML (a wrong port or path). */
export async function notASupervisor(t: HasAfter): Promise<string> {
  const srv = createHttpServer((_req, res) => { res.writeHead(404, { 'Content-Type': 'text/html' }); res.end('<h1>Not Found</h1>'); });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { srv.closeAllConnections(); srv.close(() => resolve()); }));
  const addr = srv.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
}

export function nodeConfig(name: string, url: string, extra: Partial<HubNodeConfig> = {}): HubNodeConfig {
  return { name, url, username: null, password: null, tlsCa: null, environments: [], ...extra };
}

/** Every process of a node that is RUNNING now. */
export async function runningOn(node: TestNode): Promise<string[]> {
  const all = toProcessInfoList(await node.rpc.call('supervisor.getAllProcessInfo'));
  return all.filter((p) => p.statename === 'RUNNING').map((p) => `${p.group}:${p.name}`);
}

// RpcClient and openStream against real servers: Debian's supervisord 4.2.5 over inet and a
// unix socket, with and without credentials; small node servers for headers, keep-alive,
// errors and timeouts; and the xmlrpc npm package as an independent client of our codec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import xmlrpc from 'xmlrpc';
import { RpcClient, RpcTransportError, USER_AGENT, type RpcClientOptions } from '../../../agent/rpc/client.js';
import { openStream } from '../../../agent/rpc/http-stream.js';
import { RpcFault } from '../../../agent/rpc/faults.js';
import { decodeMethodCall, encodeResponse } from '../../../agent/rpc/xmlrpc.js';
import type { XmlRpcValue } from '../../../agent/rpc/value.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { startDaemon, writeConf } from '../../helpers/daemon.js';
import { waitFor } from '../../helpers/wait-for.js';

interface HasAfter { after(fn: () => void | Promise<void>): void }

const USER = 'alice';
const PASSWORD = 's3cret-Pa55';
const PROCESS_KEYS = ['name', 'group', 'start', 'stop', 'now', 'state', 'statename', 'spawnerr', 'exitstatus',
  'logfile', 'stdout_logfile', 'stderr_logfile', 'pid', 'description'];

async function freePort(): Promise<number> {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as net.AddressInfo;
  srv.close();
  await once(srv, 'close');
  return port;
}

function client(t: HasAfter, opts: RpcClientOptions): RpcClient {
  const c = new RpcClient(opts);
  t.after(() => c.close());
  return c;
}

async function rejectsWith(p: Promise<unknown>, kind: RpcTransportError['kind'], status?: number): Promise<RpcTransportError> {
  let caught: unknown;
  try { await p; } catch (err) { caught = err; }
  assert.ok(caught instanceof RpcTransportError, `expected RpcTransportError ${kind}, got ${String(caught)}`);
  assert.equal(caught.kind, kind, caught.message);
  if (status !== undefined) assert.equal(caught.status, status);
  assert.ok(!caught.message.includes(PASSWORD) && !String(caught.stack).includes(PASSWORD), 'password in the error');
  return caught;
}

interface Supervisord { inet: string; unix: string; dir: string }

/** Debian's supervisord with one inet and one unix server; `auth` says which one wants credentials. */
async function supervisord(t: HasAfter, auth: 'inet' | 'unix'): Promise<Supervisord> {
  const dir = makeTmpDir(t, 'fv-rpc-');
  const port = await freePort();
  const creds = `username=${USER}\npassword=${PASSWORD}\n`;
  const conf = writeConf(dir, `
[inet_http_server]
port=127.0.0.1:${port}
${auth === 'inet' ? creds : ''}
[unix_http_server]
file=${dir}/sv.sock
${auth === 'unix' ? creds : ''}
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:sleeper]
command=/bin/sleep 1000
process_name=%(program_name)s_%(process_num)d
numprocs=3
startsecs=0

[program:talker]
command=/bin/sh -c 'while true; do echo hello-from-talker; sleep 0.2; done'
startsecs=0
`);
  startDaemon(t, 'supervisord', dir, conf);
  const sv = { inet: `http://127.0.0.1:${port}`, unix: `unix://${dir}/sv.sock`, dir };
  const probe = new RpcClient({ url: auth === 'inet' ? sv.unix : sv.inet, timeoutMs: 2000 });
  try {
    await waitFor(async () => {
      try {
        const infos = await probe.call('supervisor.getAllProcessInfo') as { statename: string }[];
        return infos.length === 4 && infos.every((p) => p.statename === 'RUNNING');
      } catch {
        return false;
      }
    }, { timeoutMs: 20_000, what: 'supervisord with 4 running processes' });
  } finally {
    probe.close();
  }
  return sv;
}

test('against Debian supervisord 4.2.5', async (t) => {
  const [a, b] = await Promise.all([supervisord(t, 'inet'), supervisord(t, 'unix')]);

  await t.test('getState over inet with credentials', async (t) => {
    const c = client(t, { url: a.inet, username: USER, password: PASSWORD });
    assert.deepEqual(await c.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
  });

  await t.test('getAllProcessInfo over inet and over the unix socket agree', async (t) => {
    const inet = await client(t, { url: a.inet, username: USER, password: PASSWORD }).call('supervisor.getAllProcessInfo');
    const unix = await client(t, { url: a.unix }).call('supervisor.getAllProcessInfo');
    for (const infos of [inet, unix] as Record<string, XmlRpcValue>[][]) {
      assert.deepEqual(infos.map((p) => `${p.group}:${p.name}`), ['sleeper:sleeper_0', 'sleeper:sleeper_1', 'sleeper:sleeper_2', 'talker:talker']);
      for (const p of infos) assert.deepEqual(Object.keys(p), PROCESS_KEYS);
    }
    const strip = (infos: XmlRpcValue): XmlRpcValue => (infos as Record<string, XmlRpcValue>[]).map(({ now: _n, description: _d, ...rest }) => rest);
    assert.deepEqual(strip(inet), strip(unix));
  });

  await t.test('a fault is an RpcFault, and the connection stays usable', async (t) => {
    const c = client(t, { url: a.inet, username: USER, password: PASSWORD });
    await assert.rejects(c.call('supervisor.getProcessInfo', ['nope']), (err: unknown) =>
      err instanceof RpcFault && err.code === 10 && err.faultString === 'BAD_NAME: nope');
    await assert.rejects(c.call('supervisor.noSuchMethod'), (err: unknown) => err instanceof RpcFault && err.code === 1);
    assert.equal(await c.call('supervisor.getAPIVersion'), '3.0');
    const pid = await c.call('supervisor.getPID');
    assert.ok(typeof pid === 'number' && pid > 1);
  });

  await t.test('bad credentials give HTTP 401, every time (the connection is not reused)', async (t) => {
    const c = client(t, { url: a.inet, username: USER, password: 'wrong-password', timeoutMs: 5000 });
    const err = await rejectsWith(c.call('supervisor.getState'), 'http', 401);
    assert.ok(!err.message.includes('wrong-password'));
    await rejectsWith(c.call('supervisor.getState'), 'http', 401);
    await rejectsWith(client(t, { url: a.inet }).call('supervisor.getState'), 'http', 401);
    // A username alone sends no Authorization at all.
    await rejectsWith(client(t, { url: a.inet, username: USER }).call('supervisor.getState'), 'http', 401);
  });

  await t.test('credentials in the URL are used and never shown', async (t) => {
    const c = client(t, { url: a.inet.replace('http://', `http://${USER}:${PASSWORD}@`) });
    assert.equal(c.url, a.inet);
    assert.deepEqual(await c.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
  });

  await t.test('unix socket with credentials, and inet without', async (t) => {
    assert.deepEqual(await client(t, { url: b.unix, username: USER, password: PASSWORD }).call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
    await rejectsWith(client(t, { url: b.unix }).call('supervisor.getState'), 'http', 401);
    // Credentials a server does not ask for are ignored.
    assert.equal(await client(t, { url: b.inet, username: USER, password: 'anything' }).call('supervisor.getAPIVersion'), '3.0');
  });

  await t.test('openStream follows /logtail/NAME over the unix socket', async () => {
    const s = await openStream({ url: a.unix }, '/logtail/talker');
    try {
      assert.equal(s.status, 200);
      let seen = '';
      s.body.on('data', (d: Buffer) => { seen += d.toString(); });
      await waitFor(() => seen.split('hello-from-talker').length > 3, { what: 'three talker lines', timeoutMs: 10_000 });
    } finally {
      s.close();
    }
  });

  await t.test('openStream of /mainlogtail needs the credentials', async () => {
    const denied = await openStream({ url: a.inet }, '/mainlogtail');
    denied.close();
    assert.equal(denied.status, 401);
    const s = await openStream({ url: a.inet, username: USER, password: PASSWORD }, '/mainlogtail');
    try {
      assert.equal(s.status, 200);
      let seen = '';
      s.body.on('data', (d: Buffer) => { seen += d.toString(); });
      await waitFor(() => seen.includes('supervisord started'), { what: 'the main log', timeoutMs: 10_000 });
    } finally {
      s.close();
    }
  });
});

test('a closed port is refused, a missing socket is nofile, a non-socket file is refused', async (t) => {
  const port = await freePort();
  const err = await rejectsWith(client(t, { url: `http://127.0.0.1:${port}`, username: USER, password: PASSWORD }).call('supervisor.getState'), 'refused');
  assert.equal(err.message, `http://127.0.0.1:${port} refused connection`);
  const dir = makeTmpDir(t);
  const missing = `unix://${dir}/missing.sock`;
  assert.equal((await rejectsWith(client(t, { url: missing }).call('supervisor.getState'), 'nofile')).message, `${missing} no such file`);
  writeFileSync(join(dir, 'plain-file'), '');
  await rejectsWith(client(t, { url: `unix://${dir}/plain-file` }).call('supervisor.getState'), 'refused');
  await rejectsWith(openStream({ url: `http://127.0.0.1:${port}` }, '/mainlogtail'), 'refused');
  await rejectsWith(openStream({ url: missing }, '/mainlogtail'), 'nofile');
});

test('a server that accepts and never answers times out, and the socket is destroyed', async (t) => {
  const sockets: net.Socket[] = [];
  const srv = net.createServer((s) => { sockets.push(s); s.resume(); });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  t.after(() => { for (const s of sockets) s.destroy(); srv.close(); });
  const url = `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}`;
  const err = await rejectsWith(client(t, { url, timeoutMs: 300, username: USER, password: PASSWORD }).call('supervisor.getState'), 'timeout');
  assert.match(err.message, /300 ms/);
  await waitFor(() => sockets.length === 1 && sockets[0]?.destroyed === true, { what: 'the server side to see the close' });
  await rejectsWith(openStream({ url, timeoutMs: 300 }, '/mainlogtail'), 'timeout');
});

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }

/** A node XML-RPC server on 127.0.0.1:0 or a unix socket; `answer` may write any response. */
async function fakeServer(t: HasAfter, answer: (req: Seen, res: http.ServerResponse) => void, socketPath?: string): Promise<{ url: string; seen: Seen[]; connections: () => number }> {
  const seen: Seen[] = [];
  let connections = 0;
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      answer(s, res);
    });
  });
  srv.on('connection', () => { connections++; });
  if (socketPath === undefined) srv.listen(0, '127.0.0.1');
  else srv.listen(socketPath);
  await once(srv, 'listening');
  t.after(() => { srv.closeAllConnections(); srv.close(); });
  const url = socketPath === undefined ? `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}` : `unix://${socketPath}`;
  return { url, seen, connections: () => connections };
}

/** Answers every call with its own method name and params, as a struct. */
function echo(req: Seen, res: http.ServerResponse): void {
  const call = decodeMethodCall(req.body);
  const body = encodeResponse({ method: call.methodName, params: call.params });
  res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': body.length });
  res.end(body);
}

test('requests carry the headers supervisorctl sends', async (t) => {
  const inet = await fakeServer(t, echo);
  const dir = makeTmpDir(t);
  const unix = await fakeServer(t, echo, join(dir, 'fake.sock'));
  assert.deepEqual(await client(t, { url: inet.url, username: USER, password: PASSWORD }).call('supervisor.startProcess', ['web', true]),
    { method: 'supervisor.startProcess', params: ['web', true] });
  await client(t, { url: unix.url, username: USER }).call('supervisor.getState');
  const [a] = inet.seen;
  const [u] = unix.seen;
  assert.ok(a !== undefined && u !== undefined);
  assert.equal(a.method, 'POST');
  assert.equal(a.url, '/RPC2');
  assert.equal(a.headers['user-agent'], USER_AGENT);
  assert.equal(a.headers['content-type'], 'text/xml');
  assert.equal(a.headers.accept, 'text/xml');
  assert.equal(a.headers['content-length'], String(a.body.length));
  assert.equal(a.headers.authorization, `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`);
  assert.equal(a.headers.host, inet.url.slice('http://'.length));
  assert.equal(u.headers.host, 'localhost');
  assert.equal(u.headers.authorization, undefined);
  assert.equal(u.url, '/RPC2');
});

test('one kept-alive connection serves sequential and concurrent calls; close() drops it', async (t) => {
  const srv = await fakeServer(t, echo);
  const c = client(t, { url: srv.url });
  for (let i = 0; i < 5; i++) assert.deepEqual(await c.call('m', [i]), { method: 'm', params: [i] });
  const many = await Promise.all(Array.from({ length: 5 }, (_, i) => c.call('n', [i])));
  assert.deepEqual(many, Array.from({ length: 5 }, (_, i) => ({ method: 'n', params: [i] })));
  assert.equal(srv.connections(), 1);
  c.close();
  assert.deepEqual(await c.call('after'), { method: 'after', params: [] });
  assert.equal(srv.connections(), 2);
});

test('a kept-alive connection the server reset is replaced transparently', async (t) => {
  const perSocket = new Map<net.Socket, number>();
  let firstSocket: net.Socket | null = null;
  const srv = await fakeServer(t, (req, res) => {
    // The second request on the first connection meets a close, as after an idle timeout.
    const sock = res.socket as net.Socket;
    firstSocket ??= sock;
    const n = (perSocket.get(sock) ?? 0) + 1;
    perSocket.set(sock, n);
    if (sock === firstSocket && n === 2) { sock.destroy(); return; }
    echo(req, res);
  });
  const c = client(t, { url: srv.url });
  assert.deepEqual(await c.call('one'), { method: 'one', params: [] });
  assert.deepEqual(await c.call('two'), { method: 'two', params: [] });
  assert.equal(srv.connections(), 2);
});

test('non-200 answers are http errors with the status; bad bodies are protocol errors', async (t) => {
  const srv = await fakeServer(t, (req, res) => {
    const name = decodeMethodCall(req.body).methodName;
    if (name === 'e500') { res.writeHead(500); res.end('<html>boom</html>'); return; }
    if (name === 'e404') { res.writeHead(404); res.end(); return; }
    const bodies: Record<string, string> = {
      garbage: 'not xml at all',
      truncated: "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><int>1",
      twoParams: '<methodResponse><params><param><value>1</value></param><param><value>2</value></param></params></methodResponse>',
    };
    res.writeHead(200, { 'Content-Type': 'text/xml' });
    res.end(bodies[name] ?? '');
  });
  const c = client(t, { url: srv.url, username: USER, password: PASSWORD });
  assert.match((await rejectsWith(c.call('e500'), 'http', 500)).message, /HTTP 500 Internal Server Error/);
  await rejectsWith(c.call('e404'), 'http', 404);
  for (const name of ['garbage', 'truncated', 'twoParams', 'empty']) await rejectsWith(c.call(name), 'protocol');
  assert.equal(srv.seen.length, 6);
});

test('a response cut off mid-body is an io error', async (t) => {
  const srv = await fakeServer(t, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': 1000 });
    res.write('<?xml version=');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  await rejectsWith(client(t, { url: srv.url }).call('x'), 'io');
});

test('bad server URLs are refused up front without echoing credentials', () => {
  assert.throws(() => new RpcClient({ url: `ftp://${USER}:${PASSWORD}@example.com` }), (err: unknown) =>
    err instanceof TypeError && !err.message.includes(PASSWORD) && /ftp:\/\/example\.com/.test(err.message));
  assert.equal(new RpcClient({ url: `https://${USER}:${PASSWORD}@example.com:8443/x` }).url, 'https://example.com:8443');
  assert.throws(() => new RpcClient({ url: 'not a url' }), TypeError);
  assert.throws(() => new RpcClient({ url: 'unix://' }), TypeError);
  assert.equal(new RpcClient({ url: 'http://localhost' }).url, 'http://localhost');
  assert.equal(new RpcClient({ url: 'http://127.0.0.1:9001/RPC2' }).url, 'http://127.0.0.1:9001');
});

test('the xmlrpc npm package, as an independent client, reads what our codec serves', async (t) => {
  const srv = await fakeServer(t, echo);
  const pkg = xmlrpc.createClient({ url: `${srv.url}/RPC2` });
  const params = ['ünï <&>', 42, true, [1, [2]], { k: 'v', n: -1 }];
  const got = await new Promise<unknown>((resolve, reject) => {
    pkg.methodCall('supervisor.echo', params, (err, value) => (err ? reject(err) : resolve(value)));
  });
  assert.deepEqual(got, { method: 'supervisor.echo', params });
});

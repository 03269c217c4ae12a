// Opening and closing the servers: the unix socket dance (temp name, chmod, link, stale probe),
// "Another program ..." for a live socket or port, bind errors, cleanup, start-up log lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, lstatSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { HttpServerConfig, UnixHttpServerConfig } from '../../../agent/config/types.js';
import { ADDRESS_IN_USE_MESSAGE } from '../../../agent/http/errors.js';
import { HttpServerStartError, openHttpServers } from '../../../agent/http/server.js';
import { RecordingLogger } from '../../helpers/process-config.js';
import { repoRoot } from '../../helpers/paths.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { exchange, FakeLogs, FakeRpc, rpcRequest, startServer } from './harness.js';

function listening(server: Server, where: string | number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof where === 'string') server.listen(where, () => resolve());
    else server.listen(where, '127.0.0.1', () => resolve());
  });
}

function closed(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function unixConfig(file: string, over: Partial<UnixHttpServerConfig> = {}): UnixHttpServerConfig {
  return { section: 'unix_http_server', kind: 'unix', file, chmod: 0o700, chown: null, username: null, password: null, ...over };
}

function deps(): { rpc: FakeRpc; logs: FakeLogs; log: RecordingLogger } {
  return { rpc: new FakeRpc(), logs: new FakeLogs(), log: new RecordingLogger() };
}

async function startFails(configs: HttpServerConfig[], stderr: string[] = []): Promise<HttpServerStartError> {
  const d = deps();
  try {
    const s = await openHttpServers(configs, d, { stderr: (x) => stderr.push(x), probeTimeoutMs: 300 });
    await s.close();
  } catch (err) {
    assert.ok(err instanceof HttpServerStartError, String(err));
    // The daemon prints the message; the servers add nothing of their own to the main log.
    assert.deepEqual(d.log.lines.filter((l) => l.startsWith('ERRO')), []);
    return err;
  }
  assert.fail('the servers opened');
}

/** A socket file nobody listens on: bound, linked elsewhere, then the listener closed. */
async function staleSocket(dir: string, file: string): Promise<void> {
  const s = createServer();
  const tmp = join(dir, 'stale-tmp');
  await listening(s, tmp);
  linkSync(tmp, file);
  await closed(s);
}

test('the unix socket gets its chmod, no temp name is left, and it serves requests', async (t) => {
  const h = await startServer(t, { unix: true, chmod: 0o640 });
  const file = join(h.dir, 'sock');
  const st = lstatSync(file);
  assert.ok(st.isSocket());
  assert.equal(st.mode & 0o777, 0o640);
  assert.deepEqual(readdirSync(h.dir), ['sock']);
  assert.equal((await exchange(h.target, rpcRequest('test.echo'))).status, 200);
  assert.deepEqual(h.log.visible, [
    "INFO RPC interface 'supervisor' initialized",
    "CRIT Server 'unix_http_server' running without any HTTP authentication checking",
  ]);
});

test('the socket file is removed at close, unless another server has replaced it since', async (t) => {
  const dir = makeTmpDir(t);
  const file = join(dir, 'sock');
  const a = await openHttpServers([unixConfig(file)], deps());
  await a.close();
  assert.equal(existsSync(file), false);

  const b = await openHttpServers([unixConfig(file)], deps());
  // A successor took the path over (as after an unlink-stale): b must not delete its socket.
  renameSync(file, join(dir, 'old'));
  writeFileSync(file, 'successor');
  await b.close();
  assert.equal(existsSync(file), true);
  await b.close(); // idempotent
});

test('a stale socket is unlinked with a note on stderr, then replaced', async (t) => {
  const dir = makeTmpDir(t);
  const file = join(dir, 'sock');
  await staleSocket(dir, file);
  const stderr: string[] = [];
  const s = await openHttpServers([unixConfig(file)], deps(), { stderr: (x) => stderr.push(x) });
  t.after(() => s.close());
  assert.deepEqual(stderr, [`Unlinking stale socket ${file}\n`]);
  assert.equal((await exchange({ path: file }, rpcRequest('test.echo'))).status, 200);
});

test('a live server on the socket: "Another program ...", and its socket is left alone', async (t) => {
  const dir = makeTmpDir(t);
  const file = join(dir, 'sock');
  const first = await openHttpServers([unixConfig(file)], deps());
  t.after(() => first.close());
  const stderr: string[] = [];
  const err = await startFails([unixConfig(file)], stderr);
  assert.equal(err.message, ADDRESS_IN_USE_MESSAGE);
  assert.equal(err.message, 'Another program is already listening on a port that one of our HTTP servers is configured to use.  Shut this program down first before starting supervisord.');
  assert.deepEqual(stderr, []);
  assert.deepEqual(readdirSync(dir), ['sock']);
  assert.equal((await exchange({ path: file }, rpcRequest('test.echo'))).status, 200);
});

test('a peer that accepts the probe but never answers counts as live', async (t) => {
  const dir = makeTmpDir(t);
  const file = join(dir, 'sock');
  const silent = createServer((s) => s.resume()); // reads, never answers
  await listening(silent, file);
  t.after(() => closed(silent));
  const err = await startFails([unixConfig(file)]);
  assert.equal(err.message, ADDRESS_IN_USE_MESSAGE);
});

test('an inet port in use: "Another program ..."', async (t) => {
  const other = createServer();
  await listening(other, 0);
  t.after(() => closed(other));
  const address = other.address();
  assert.ok(address !== null && typeof address !== 'string');
  const err = await startFails([{ section: 'inet_http_server', kind: 'inet', host: '127.0.0.1', port: address.port, username: null, password: null }]);
  assert.equal(err.message, ADDRESS_IN_USE_MESSAGE);
  assert.equal(err.section, 'inet_http_server');
});

test('other bind errors use supervisord\'s socket.error text', async (t) => {
  const dir = makeTmpDir(t);
  const err = await startFails([unixConfig(join(dir, 'missing', 'sock'))]);
  assert.equal(err.message, 'Cannot open an HTTP server: socket.error reported errno.ENOENT (2)');
  const notLocal = await startFails([{ section: 'inet_http_server', kind: 'inet', host: '192.0.2.1', port: 0, username: null, password: null }]);
  assert.equal(notLocal.message, 'Cannot open an HTTP server: socket.error reported errno.EADDRNOTAVAIL (99)');
  const noName = await startFails([{ section: 'inet_http_server', kind: 'inet', host: 'no-such-host.invalid', port: 0, username: null, password: null }]);
  assert.equal(noName.message, 'Cannot open an HTTP server: socket.error reported -2');
});

test('when a later server fails, the ones already open are closed and their socket removed', async (t) => {
  const dir = makeTmpDir(t);
  const file = join(dir, 'sock');
  const other = createServer();
  await listening(other, 0);
  t.after(() => closed(other));
  const address = other.address();
  assert.ok(address !== null && typeof address !== 'string');
  const err = await startFails([
    unixConfig(file),
    { section: 'inet_http_server', kind: 'inet', host: '127.0.0.1', port: address.port, username: null, password: null },
  ]);
  assert.equal(err.message, ADDRESS_IN_USE_MESSAGE);
  assert.deepEqual(readdirSync(dir), []);
});

test('every configured server serves the same handlers, each with its own credentials', async (t) => {
  const dir = makeTmpDir(t);
  const file = join(dir, 'sock');
  const d = deps();
  const s = await openHttpServers([
    { section: 'inet_http_server', kind: 'inet', host: '127.0.0.1', port: 0, username: 'u', password: 'p' },
    unixConfig(file),
  ], d, { rpcInterfaces: ['supervisor', 'extra'] });
  t.after(() => s.close());
  const inet = s.servers[0]?.address;
  assert.ok(inet !== undefined && typeof inet !== 'string');
  assert.equal((await exchange({ port: inet.port }, rpcRequest('test.echo'))).status, 401);
  assert.equal((await exchange({ path: file }, rpcRequest('test.echo'))).status, 200);
  assert.deepEqual(d.log.visible, [
    "INFO RPC interface 'supervisor' initialized",
    "INFO RPC interface 'extra' initialized",
    "INFO RPC interface 'supervisor' initialized",
    "INFO RPC interface 'extra' initialized",
    "CRIT Server 'unix_http_server' running without any HTTP authentication checking",
  ]);
});

const asNobody = process.getuid?.() === 0 ? false : 'needs root to run a child as nobody';

test('as an unprivileged user: chown EPERM and a privileged port give supervisord\'s messages', { skip: asNobody }, (t) => {
  const dir = makeTmpDir(t);
  chmodSync(dir, 0o777);
  const server = new URL(`file://${join(repoRoot, 'dist', 'agent', 'http', 'server.js')}`).href;
  const script = `
    import { openHttpServers } from ${JSON.stringify(server)};
    const log = { critical() {}, error() {}, warn() {}, info() {}, debug() {}, trace() {}, blather() {}, level: 20 };
    const deps = { rpc: { call: async () => 1 }, logs: { processLog: () => null, mainLog: () => null }, log };
    const out = [];
    for (const config of [
      { section: 'unix_http_server', kind: 'unix', file: ${JSON.stringify(join(dir, 'sock'))}, chmod: 0o700, chown: { uid: 0, gid: 0 }, username: null, password: null },
      { section: 'inet_http_server', kind: 'inet', host: '127.0.0.1', port: 80, username: null, password: null },
    ]) {
      try { const s = await openHttpServers([config], deps); await s.close(); out.push('opened'); }
      catch (err) { out.push(err.name + ': ' + err.message); }
    }
    console.log(JSON.stringify(out));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const nobody = spawnSync('id', ['-nu', '65534'], { encoding: 'utf8' }).stdout.trim();
  assert.deepEqual(JSON.parse(r.stdout), [
    `HttpServerStartError: Not permitted to chown ${join(dir, 'sock')} to uid/gid (0, 0); adjust "sockchown" value in config file `
    + `or on command line to values that the current user (${nobody}) can successfully chown`,
    'HttpServerStartError: Cannot open an HTTP server: socket.error reported errno.EACCES (13)',
  ]);
  assert.deepEqual(readdirSync(dir), []);
});

// FcgiSocket: reference counting and its log lines (fake opener), then real sockets: mode, backlog,
// removal, a child serving on the fd while this process accepts nothing, and error texts compared
// with supervisord's own create_and_bind() (Debian's python3 as the oracle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { FcgiSocketError } from '../../../agent/process/errors.js';
import { DEFAULT_BACKLOG, FcgiSocket, fcgiSocketSpec, type FcgiSocketSpec } from '../../../agent/process/fcgi-socket.js';
import { openServerSocket, SocketOsError, type SocketAddress } from '../../../agent/process/os-socket.js';
import type { FcgiGroupConfig } from '../../../agent/config/types.js';
import { askPid } from '../../helpers/fcgi.js';
import { programsDir, PYTHON } from '../../helpers/paths.js';
import { freePort } from '../../helpers/ports.js';
import { RecordingLogger } from '../../helpers/process-config.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';

const UNIX: FcgiSocketSpec = {
  url: 'unix:///tmp/x.sock', address: { kind: 'unix', path: '/tmp/x.sock', owner: null, mode: 0o700 }, backlog: 5,
};

function fakeOpener() {
  const calls: (number | null)[] = [];
  const closed: number[] = [];
  let next = 40;
  let failWith: string | null = null;
  const open = (_addr: SocketAddress, backlog: number | null) => {
    calls.push(backlog);
    if (failWith !== null) throw new SocketOsError(failWith);
    const fd = next++;
    return { fd, close: () => { closed.push(fd); } };
  };
  return { open, calls, closed, fail: (msg: string | null) => { failWith = msg; } };
}

test('check() binds once without listening and closes again, logging both like supervisord', () => {
  const log = new RecordingLogger();
  const o = fakeOpener();
  const sock = new FcgiSocket(UNIX, log, o.open);
  sock.check();
  assert.deepEqual(o.calls, [null]);
  assert.deepEqual(o.closed, [40]);
  assert.equal(sock.refCount, 0);
  assert.equal(sock.fd, null);
  assert.deepEqual(log.lines, ['INFO Creating socket unix:///tmp/x.sock', 'INFO Closing socket unix:///tmp/x.sock']);
});

test('the first acquire creates and listens, later ones share the fd, the last release closes', () => {
  const log = new RecordingLogger();
  const o = fakeOpener();
  const sock = new FcgiSocket(UNIX, log, o.open);
  assert.equal(sock.acquire(), 40);
  assert.equal(sock.acquire(), 40);
  assert.deepEqual(o.calls, [5]);
  assert.equal(sock.refCount, 2);
  sock.release();
  assert.deepEqual(o.closed, []);
  assert.equal(sock.fd, 40);
  sock.release();
  assert.deepEqual(o.closed, [40]);
  assert.equal(sock.refCount, 0);
  assert.deepEqual(log.lines, ['INFO Creating socket unix:///tmp/x.sock', 'INFO Closing socket unix:///tmp/x.sock']);
  // A new lifetime makes a new socket.
  assert.equal(sock.acquire(), 41);
  assert.equal(log.lines.length, 3);
});

test('release() without a holder is a bug, not a silent no-op', () => {
  const sock = new FcgiSocket(UNIX, new RecordingLogger(), fakeOpener().open);
  assert.throws(() => sock.release(), /release\(\) without acquire\(\)/);
});

test('a failed create is an FcgiSocketError naming the url; nothing stays held and a retry creates again', () => {
  const log = new RecordingLogger();
  const o = fakeOpener();
  const sock = new FcgiSocket(UNIX, log, o.open);
  o.fail('[Errno 2] No such file or directory');
  assert.throws(() => sock.check(), (err: unknown) => err instanceof FcgiSocketError
    && err.message === 'Could not create FastCGI socket unix:///tmp/x.sock: [Errno 2] No such file or directory'
    && err.url === 'unix:///tmp/x.sock');
  assert.equal(sock.refCount, 0);
  assert.deepEqual(log.lines, ['INFO Creating socket unix:///tmp/x.sock']);
  o.fail(null);
  assert.equal(sock.acquire(), 40);
  assert.equal(sock.refCount, 1);
});

function group(over: Partial<FcgiGroupConfig>): FcgiGroupConfig {
  return { kind: 'fcgi-program', name: 'f', priority: 999, processes: [], socket: 'tcp://localhost:9000',
    socket_backlog: null, socket_owner: null, socket_mode: null, ...over };
}

test('fcgiSocketSpec splits the loader\'s URL; the backlog defaults to Python\'s SOMAXCONN', () => {
  assert.deepEqual(fcgiSocketSpec(group({})), {
    url: 'tcp://localhost:9000', address: { kind: 'tcp', host: 'localhost', port: 9000 }, backlog: DEFAULT_BACKLOG,
  });
  assert.deepEqual(fcgiSocketSpec(group({ socket: 'unix:///run/a.sock', socket_backlog: 7, socket_mode: 0o660, socket_owner: { uid: 1, gid: -1 } })), {
    url: 'unix:///run/a.sock', address: { kind: 'unix', path: '/run/a.sock', owner: { uid: 1, gid: -1 }, mode: 0o660 }, backlog: 7,
  });
});

// ---- real sockets -------------------------------------------------------------------------------

function listenOnce(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** Starts fcgi-echo on `fd` as its fd 0, once it printed what its fd 0 is. */
async function echoChild(t: { after(fn: () => void): void }, fd: number): Promise<{ pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(programsDir, 'fcgi-echo.js')], { stdio: [fd, 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(() => { child.kill('SIGKILL'); });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  await waitFor(() => out.includes('fd0 socket:['), { what: 'fcgi-echo start' });
  return { pid: child.pid ?? 0, stop: async () => { child.kill('SIGKILL'); await exited; } };
}

function socketRefused(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(path);
    c.on('connect', () => { c.destroy(); resolve(false); });
    c.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

test('a unix socket gets socket_mode, is listening only once acquired, is served by the child, and is removed', async (t) => {
  const dir = makeTmpDir(t, 'fv-fcgi-');
  const path = join(dir, 'f.sock');
  writeFileSync(path, 'stale'); // supervisord unlinks whatever is at the path first
  const log = new RecordingLogger();
  const sock = new FcgiSocket({ url: `unix://${path}`, address: { kind: 'unix', path, owner: null, mode: 0o640 }, backlog: 8 }, log);
  sock.check();
  assert.equal(existsSync(path), false);
  const fd = sock.acquire();
  const st = lstatSync(path);
  assert.ok(st.isSocket());
  assert.equal(st.mode & 0o777, 0o640);
  // This process never accepts: with no child yet, a connection waits in the backlog unanswered.
  const early = askPid(path);
  const { pid } = await echoChild(t, fd);
  assert.equal(await early, pid);
  for (let i = 0; i < 5; i++) assert.equal(await askPid(path), pid);
  sock.release();
  assert.equal(existsSync(path), false);
  assert.deepEqual(log.lines.filter((l) => l.includes('socket')), [
    `INFO Creating socket unix://${path}`, `INFO Closing socket unix://${path}`,
    `INFO Creating socket unix://${path}`, `INFO Closing socket unix://${path}`,
  ]);
});

test('the check binds without listening: nobody can connect in between', async (t) => {
  const dir = makeTmpDir(t, 'fv-fcgi-');
  const path = join(dir, 'c.sock');
  // Bind-only socket kept open by hand, as check() has it between bind and close.
  const bound = openServerSocket({ kind: 'unix', path, owner: null, mode: null }, null);
  t.after(() => bound.close());
  assert.equal(await socketRefused(path), true);
});

test('the backlog given is the one listen(2) gets (ss shows it as Send-Q)', { skip: !existsSync('/usr/bin/ss') && 'ss not installed' }, async (t) => {
  const dir = makeTmpDir(t, 'fv-fcgi-');
  const path = join(dir, 'b.sock');
  const sock = new FcgiSocket({ url: `unix://${path}`, address: { kind: 'unix', path, owner: null, mode: null }, backlog: 7 }, new RecordingLogger());
  sock.acquire();
  t.after(() => sock.release());
  const out = spawnSync('/usr/bin/ss', ['-xlnH'], { encoding: 'utf8' }).stdout;
  const line = out.split('\n').find((l) => l.includes(path)) ?? '';
  assert.match(line, /LISTEN\s+0\s+7\s/);
});

test('a tcp socket on 127.0.0.1 is served by the child that got it as fd 0', async (t) => {
  const port = await freePort();
  const sock = new FcgiSocket({ url: `tcp://127.0.0.1:${port}`, address: { kind: 'tcp', host: '127.0.0.1', port }, backlog: 16 }, new RecordingLogger());
  sock.check();
  const fd = sock.acquire();
  t.after(() => { if (sock.refCount > 0) sock.release(); });
  const child = await echoChild(t, fd);
  for (let i = 0; i < 5; i++) assert.equal(await askPid(port), child.pid);
  await child.stop();
  sock.release();
  await assert.rejects(askPid(port), /ECONNREFUSED/);
});

/** str(e) of supervisord's own create_and_bind() for each address (null = it worked). */
function supervisordBindErrors(addrs: readonly SocketAddress[]): (string | null)[] {
  const script = `
import json, sys
from supervisor.datatypes import InetStreamSocketConfig, UnixStreamSocketConfig
out = []
for a in json.loads(sys.argv[1]):
    cfg = UnixStreamSocketConfig(a['path']) if a['kind'] == 'unix' else InetStreamSocketConfig(a['host'], a['port'])
    try:
        cfg.create_and_bind().close()
        out.append(None)
    except Exception as e:
        out.append(str(e))
print(json.dumps(out))
`;
  const r = spawnSync(PYTHON, ['-c', script, JSON.stringify(addrs)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as (string | null)[];
}

function ourBindErrors(addrs: readonly SocketAddress[]): (string | null)[] {
  return addrs.map((a) => {
    const sock = new FcgiSocket({ url: 'x', address: a, backlog: 1 }, new RecordingLogger());
    try {
      sock.check();
      return null;
    } catch (err) {
      if (!(err instanceof FcgiSocketError)) throw err;
      return err.message.replace(/^Could not create FastCGI socket x: /, '');
    }
  });
}

test('bind errors read exactly as supervisord\'s create_and_bind() prints them', { skip: !existsSync(PYTHON) && 'no python3' }, async (t) => {
  const dir = makeTmpDir(t, 'fv-fcgi-');
  writeFileSync(join(dir, 'file'), '');
  const busy = createServer();
  await listenOnce(busy, 0, '127.0.0.1');
  t.after(() => { busy.close(); });
  const busyAddr = busy.address();
  const busyPort = typeof busyAddr === 'object' && busyAddr !== null ? busyAddr.port : 0;
  const unix = (path: string): SocketAddress => ({ kind: 'unix', path, owner: null, mode: null });
  const tcp = (host: string, port: number): SocketAddress => ({ kind: 'tcp', host, port });
  const addrs: SocketAddress[] = [
    unix(join(dir, 'missing', 'f.sock')),
    unix(join(dir, 'file', 'f.sock')),
    unix(join(dir, 'x'.repeat(120))),
    unix(join(dir, 'ok.sock')),
    tcp('127.0.0.1', busyPort),
    tcp('192.0.2.1', busyPort),
    tcp('nonexistent.invalid', busyPort),
  ];
  const theirs = supervisordBindErrors(addrs);
  assert.equal(theirs[0], '[Errno 2] No such file or directory');
  assert.equal(theirs[3], null);
  assert.deepEqual(ourBindErrors(addrs), theirs);
});

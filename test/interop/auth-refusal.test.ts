// A wrong password against fleetvisord and against supervisord 4.2.5, over the unix socket and
// TCP: Debian's supervisorctl prints the same text and exits the same, run after run and many at
// once, and also when its request body leaves only after the server has handled the headers (the
// timing that gave `BrokenPipeError` on a loaded machine, made certain); python's xmlrpc.client
// sending a large call gets the 401 too, and so do a hundred clients sending bodies at once (the
// daemon reads the body before it answers and closes, so no client meets a broken pipe).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startDaemon, supervisordAvailable, writeConf, type DaemonKind } from '../helpers/daemon.js';
import { PYTHON, SUPERVISORCTL } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

const skip = supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed';

/** Large calls with the wrong password through supervisor's own transport; one line per call. */
const BIG_CALLS = `
import sys, xmlrpc.client
from supervisor.xmlrpc import SupervisorTransport
url, size, times = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(times):
    proxy = xmlrpc.client.ServerProxy('http://127.0.0.1', transport=SupervisorTransport('user', 'wrong', url))
    try:
        proxy.supervisor.startProcess('x' * size)
        print('no error')
    except Exception as e:
        print(type(e).__name__, e)
`;

/**
 * Debian's supervisorctl, unchanged but for one thing: http.client sends a request's headers and
 * its body in two send() calls, and here the body waits until the server has handled the headers.
 * That is known without a clock: a second connection's request is answered only after the server
 * has read, and handled, what was sent to it before that connection was opened (it reads
 * connections in turn, in one thread; node parses and routes a request as soon as it reads it).
 * A server that answers and closes on the headers alone is thereby always caught.
 */
const BODY_AFTER_HEADERS = `
import http.client, runpy, socket, sys

def barrier(conn):
    if hasattr(conn, 'socketfile'):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(conn.socketfile)
    else:
        s = socket.create_connection((conn.host, conn.port))
    s.sendall(b'GET /barrier HTTP/1.0\\r\\n\\r\\n')
    while s.recv(65536):
        pass
    s.close()

plain_send = http.client.HTTPConnection.send

def send(self, data):
    plain_send(self, data)
    if isinstance(data, (bytes, bytearray)) and data.startswith(b'POST '):
        barrier(self)

http.client.HTTPConnection.send = send
sys.argv = ['/usr/bin/supervisorctl'] + sys.argv[1:]
runpy.run_path('/usr/bin/supervisorctl', run_name='__main__')
`;

interface Run { readonly status: number | null; readonly stdout: string; readonly stderr: string }

function run(cmd: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

interface Site { readonly kind: DaemonKind; readonly conf: string; readonly urls: Record<'unix' | 'tcp', string>; readonly port: number }

async function startSite(t: Parameters<typeof makeTmpDir>[0], kind: DaemonKind): Promise<Site> {
  const dir = makeTmpDir(t, `fv-auth-${kind}-`);
  const port = await freePort();
  const sock = join(dir, 'api.sock');
  const conf = writeConf(dir, `
[unix_http_server]
file=${sock}
username=user
password=123

[inet_http_server]
port=127.0.0.1:${port}
username=user
password=123

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]

[program:sleeper]
command=/bin/sleep 600
`);
  const d = startDaemon(t, kind, dir, conf);
  const site: Site = { kind, conf, port, urls: { unix: `unix://${sock}`, tcp: `http://127.0.0.1:${port}` } };
  await waitFor(async () => {
    const r = await run(SUPERVISORCTL, ['-c', conf, '-s', site.urls.unix, '-u', 'user', '-p', '123', 'pid']);
    if (d.proc.exitCode !== null) throw new Error(`${kind} exited: ${d.stderr()}`);
    return r.status === 0 && /^\d+\n$/.test(r.stdout);
  }, { timeoutMs: 20_000, what: `${kind} to answer` });
  return site;
}

/** The ports differ between the daemons; nothing else may. */
function normalised(r: Run, site: Site): Run {
  const port = new RegExp(`:${site.port}\\b`, 'g');
  return { status: r.status, stdout: r.stdout.replace(port, ':PORT'), stderr: r.stderr.replace(port, ':PORT') };
}

test('supervisorctl with a wrong password: the same text and status as against supervisord, every time', { skip, timeout: 240_000 }, async (t) => {
  const [ours, theirs] = await Promise.all([startSite(t, 'fleetvisord'), startSite(t, 'supervisord')]);
  const names = Array.from({ length: 300 }, (_, i) => `program${i}`);
  for (const transport of ['unix', 'tcp'] as const) {
    for (const command of [['status'], ['start', ...names], ['tail', '-f', 'sleeper']]) {
      const ctl = (site: Site): Promise<Run> =>
        run(SUPERVISORCTL, ['-c', site.conf, '-s', site.urls[transport], '-u', 'user', '-p', 'wrong', ...command]).then((r) => normalised(r, site));
      const expected = await ctl(theirs);
      const what = `${transport}: ${command.slice(0, 2).join(' ')}`;
      assert.match(expected.stdout + expected.stderr, /Server requires authentication|401 Unauthorized/, `${what}: supervisord's own answer`);
      for (let i = 0; i < 8; i++) assert.deepEqual(await ctl(ours), expected, `${what}, run ${i}`);
      const together = await Promise.all(Array.from({ length: 6 }, () => ctl(ours)));
      for (const r of together) assert.deepEqual(r, expected, `${what}, at once`);
    }
  }
});

test('supervisorctl with a wrong password, its body sent once the server has handled the headers: the same as against supervisord', { skip, timeout: 240_000 }, async (t) => {
  const [ours, theirs] = await Promise.all([startSite(t, 'fleetvisord'), startSite(t, 'supervisord')]);
  for (const transport of ['unix', 'tcp'] as const) {
    for (const command of [['status'], ['stop', 'all'], ['start', ...Array.from({ length: 300 }, (_, i) => `program${i}`)]]) {
      const ctl = (site: Site): Promise<Run> =>
        run(PYTHON, ['-c', BODY_AFTER_HEADERS, '-c', site.conf, '-s', site.urls[transport], '-u', 'user', '-p', 'wrong', ...command]).then((r) => normalised(r, site));
      const expected = await ctl(theirs);
      const what = `${transport}: ${command.slice(0, 2).join(' ')}`;
      assert.match(expected.stdout + expected.stderr, /Server requires authentication/, `${what}: supervisord's own answer`);
      for (let i = 0; i < 3; i++) assert.deepEqual(await ctl(ours), expected, `${what}, run ${i}`);
    }
  }
  // Right credentials through the same client still work: the barrier changes nothing else.
  const ok = await run(PYTHON, ['-c', BODY_AFTER_HEADERS, '-c', ours.conf, '-s', ours.urls.unix, '-u', 'user', '-p', '123', 'status', 'sleeper']);
  assert.match(ok.stdout, /^sleeper\s+RUNNING\s+pid \d+/, ok.stdout + ok.stderr);
});

/**
 * One POST with `bodyBytes` of body and a wrong password; the whole request is written and the
 * answer read (to its Content-Length: supervisord leaves the connection open after a 401).
 */
function refusedPost(site: Site, transport: 'unix' | 'tcp', bodyBytes: number): Promise<{ answer: string; error: string | null }> {
  const body = Buffer.alloc(bodyBytes, 'x');
  const head = `POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nAuthorization: Basic ${Buffer.from('user:wrong').toString('base64')}\r\n`
    + `Content-Length: ${body.length}\r\n\r\n`;
  return new Promise((resolve) => {
    const socket = transport === 'unix' ? connect(site.urls.unix.slice('unix://'.length)) : connect(site.port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let error: string | null = null;
    let sent = false;
    const done = (): void => resolve({ answer: received.toString('latin1'), error });
    // Complete once the whole request has gone out and the whole answer is in.
    const check = (): void => {
      const end = received.indexOf('\r\n\r\n');
      if (!sent || end < 0) return;
      const length = /\r\nContent-Length: (\d+)\r\n/i.exec(received.subarray(0, end + 2).toString('latin1'));
      if (length !== null && received.length >= end + 4 + Number(length[1])) socket.destroy();
    };
    socket.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      check();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => { error ??= err.code ?? err.message; });
    socket.on('close', done);
    socket.write(head);
    socket.write(body, (err) => {
      if (err) return;
      sent = true;
      check();
    });
  });
}

test('a hundred clients at once sending bodies with a wrong password all read the 401, as from supervisord', { skip, timeout: 240_000 }, async (t) => {
  const [ours, theirs] = await Promise.all([startSite(t, 'fleetvisord'), startSite(t, 'supervisord')]);
  for (const site of [theirs, ours]) {
    for (const transport of ['unix', 'tcp'] as const) {
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => refusedPost(site, transport, (i % 4 + 1) * 64 * 1024)));
      const what = `${site.kind} over ${transport}`;
      assert.deepEqual(results.map((r) => r.error).filter((e) => e !== null), [], `${what}: socket errors`);
      for (const r of results) assert.match(r.answer, /^HTTP\/1\.[01] 401 Unauthorized\r\n/, what);
    }
  }
});

test('a large call with a wrong password gets the 401, as from supervisord, not a broken pipe', { skip, timeout: 240_000 }, async (t) => {
  const [ours, theirs] = await Promise.all([startSite(t, 'fleetvisord'), startSite(t, 'supervisord')]);
  for (const transport of ['unix', 'tcp'] as const) {
    const calls = (site: Site): Promise<Run> =>
      run(PYTHON, ['-c', BIG_CALLS, site.urls[transport], String(2 * 1024 * 1024), '10']).then((r) => normalised(r, site));
    const expected = await calls(theirs);
    assert.equal(expected.stdout, 'ProtocolError <ProtocolError for 127.0.0.1/RPC2: 401 Unauthorized>\n'.repeat(10), `${transport}: supervisord`);
    const got = await Promise.all(Array.from({ length: 3 }, () => calls(ours)));
    for (const r of got) assert.deepEqual(r, expected, transport);
  }
});

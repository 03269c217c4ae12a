// A wrong password against fleetvisord and against supervisord 4.2.5, over the unix socket and
// TCP: Debian's supervisorctl prints the same text and exits the same, run after run and many at
// once; python's xmlrpc.client sending a large call gets the 401 too (the daemon reads the body
// before it answers and closes, so the client never meets a broken pipe).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
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

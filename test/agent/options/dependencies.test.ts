// depends_on with real processes: a three-level chain (c -> b -> a, each with a readiness check)
// starts in dependency order although its priorities say the opposite, and stops in reverse
// dependency order at stopAllProcesses, `fleetvisorctl stop all` and shutdown; `start c` with a and
// b stopped starts a, then b, then c (fleetvisorctl, supervisorctl and the XML-RPC API alike); a
// group can be depended on; a FATAL dependency leaves its dependents not started, with the reason
// in getProcessInfo and in `fleetvisorctl status`; a cycle and an unknown name stop fleetvisord
// with exit 2 and a message naming the file, the section, the key and the programs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RpcFault } from '../../../agent/rpc/faults.js';
import { writeConf } from '../../helpers/daemon.js';
import { fleetvisordBin, SUPERVISORCTL } from '../../helpers/paths.js';
import { freePort } from '../../helpers/ports.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { assertLineOrder, program, startOptionsDaemon, type OptionsDaemon } from './harness.js';

/** The lines of one start of the chain: a ready, then b spawned and ready, then c. */
const START_ORDER = [
  /^INFO spawned: 'a' with pid \d+$/,
  /^INFO success: a entered RUNNING state, process is ready \(ready_tcp 127\.0\.0\.1:\d+\)$/,
  /^INFO spawned: 'b' with pid \d+$/,
  /^INFO success: b entered RUNNING state, process is ready \(ready_http http:\/\/127\.0\.0\.1:\d+\/ready\)$/,
  /^INFO spawned: 'c' with pid \d+$/,
  /^INFO success: c entered RUNNING state, process is ready \(ready_log\)$/,
];

/** c first; b and then a are each signalled only once their dependent has stopped. */
const STOP_ORDER = [
  /^DEBG killing c \(pid \d+\) with signal SIGTERM$/,
  /^(INFO|WARN) stopped: c \(terminated by SIGTERM\)$/,
  /^DEBG killing b \(pid \d+\) with signal SIGTERM$/,
  /^(INFO|WARN) stopped: b \(terminated by SIGTERM\)$/,
  /^DEBG killing a \(pid \d+\) with signal SIGTERM$/,
  /^(INFO|WARN) stopped: a \(terminated by SIGTERM\)$/,
];

async function chainDaemon(t: { after(fn: () => void | Promise<void>): void }): Promise<OptionsDaemon> {
  const [pa, pb] = [await freePort(), await freePort()];
  // Priorities alone would start c first and stop a first: depends_on must win.
  return startOptionsDaemon(t, `
[program:a]
command=${program('late-port.js', pa, '+300')}
priority=30
startsecs=0
ready_tcp=127.0.0.1:${pa}
ready_timeout=30

[program:b]
command=${program('http-503-then-200.js', pb, 1)}
priority=20
startsecs=0
depends_on=a
ready_http=http://127.0.0.1:${pb}/ready
ready_timeout=30

[program:c]
command=${program('ready-line.js', '/', 'c-is-ready')}
priority=10
startsecs=0
depends_on = b
ready_log=^c-is-ready$
ready_timeout=30
`, { loglevel: 'debug' });
}

async function allStopped(fv: OptionsDaemon): Promise<void> {
  for (const n of ['a', 'b', 'c']) await fv.waitState(n, 'STOPPED');
}

/** Debian's supervisorctl on the daemon's config: its output (stdout and stderr) and exit status. */
function supervisorctl(fv: { conf: string; dir: string }, ...args: string[]): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(SUPERVISORCTL, ['-c', fv.conf, ...args], { cwd: fv.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    child.on('close', (code) => resolve({ out, code }));
  });
}

describe('depends_on', { concurrency: true }, () => {
  test('a three-level chain starts in dependency order, stops in reverse, and `start c` starts a and b first', { timeout: 180_000 }, async (t) => {
    const fv = await chainDaemon(t);
    await fv.waitState('c', 'RUNNING');
    assertLineOrder(fv.lines(), START_ORDER);
    // b and c were not spawned before what they depend on was ready (not merely spawned).
    assert.equal(fv.lines().filter((l) => l.startsWith('INFO spawned:')).length, 3);

    // stopAllProcesses: c, then b, then a, each once its dependent has stopped.
    let from = fv.lines().length;
    const results = await fv.rpc.call('supervisor.stopAllProcesses', [true]) as { name: string; description: string }[];
    assert.deepEqual(results.map((r) => `${r.name}:${r.description}`).sort(), ['a:OK', 'b:OK', 'c:OK']);
    await allStopped(fv);
    assertLineOrder(fv.lines(), STOP_ORDER, from);

    // `fleetvisorctl start c` with a and b stopped: a, then b, then c.
    from = fv.lines().length;
    const started = await fv.ctl('start', 'c');
    assert.deepEqual([started.stdout, started.stderr, started.code], ['c: started\n', '', 0]);
    for (const n of ['a', 'b', 'c']) assert.equal((await fv.info(n)).statename, 'RUNNING', n);
    assertLineOrder(fv.lines(), START_ORDER, from);

    // `fleetvisorctl stop all` goes through stopAllProcesses in the same order.
    from = fv.lines().length;
    const stopped = await fv.ctl('stop', 'all');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.deepEqual(stopped.stdout.trim().split('\n').sort(), ['a: stopped', 'b: stopped', 'c: stopped']);
    await allStopped(fv);
    assertLineOrder(fv.lines(), STOP_ORDER, from);

    // The XML-RPC API: startProcess('c', wait) answers true once all three run, in order.
    from = fv.lines().length;
    assert.equal(await fv.rpc.call('supervisor.startProcess', ['c', true]), true);
    for (const n of ['a', 'b', 'c']) assert.equal((await fv.info(n)).statename, 'RUNNING', n);
    assertLineOrder(fv.lines(), START_ORDER, from);

    // Shutdown (SIGTERM): c, b, a, in that order.
    from = fv.lines().length;
    assert.equal(await fv.d.stop(), 0);
    assertLineOrder(fv.lines(), STOP_ORDER, from);
  });

  test('the real supervisorctl `start c` against fleetvisord starts the dependencies first too', {
    timeout: 180_000, skip: existsSync(SUPERVISORCTL) ? false : 'Debian supervisorctl 4.2.5 is not installed',
  }, async (t) => {
    const fv = await chainDaemon(t);
    await fv.waitState('c', 'RUNNING');
    await fv.rpc.call('supervisor.stopAllProcesses', [true]);
    await allStopped(fv);
    const from = fv.lines().length;
    const r = await supervisorctl(fv, 'start', 'c');
    assert.deepEqual(r, { out: 'c: started\n', code: 0 });
    assertLineOrder(fv.lines(), START_ORDER, from);

    // `start all`: priorities would start c first; each program is still started on its own turn
    // and listed, dependencies first.
    await fv.rpc.call('supervisor.stopAllProcesses', [true]);
    await allStopped(fv);
    const all = await supervisorctl(fv, 'start', 'all');
    assert.deepEqual(all, { out: 'a: started\nb: started\nc: started\n', code: 0 });
  });

  test('a group in depends_on: the dependent starts after every process of the group is ready, and stops before them', { timeout: 180_000 }, async (t) => {
    const [p1, p2] = [await freePort(), await freePort()];
    const fv = await startOptionsDaemon(t, `
[program:db1]
command=${program('late-port.js', p1, '+200')}
startsecs=0
ready_tcp=127.0.0.1:${p1}

[program:db2]
command=${program('late-port.js', p2, '+400')}
startsecs=0
ready_tcp=127.0.0.1:${p2}

[group:dbs]
programs=db1,db2
priority=900

[program:app]
command=${program('forever.js')}
priority=1
startsecs=0
depends_on=dbs
`, { loglevel: 'debug' });
    await fv.waitState('app', 'RUNNING');
    const lines = fv.lines();
    assertLineOrder(lines, [/^INFO success: db1 entered RUNNING state, process is ready/, /^INFO spawned: 'app' with pid/]);
    assertLineOrder(lines, [/^INFO success: db2 entered RUNNING state, process is ready/, /^INFO spawned: 'app' with pid/]);
    assert.equal((await fv.info('dbs:db1')).statename, 'RUNNING');
    assert.equal((await fv.info('dbs:db2')).statename, 'RUNNING');

    // Shutdown: app (priority 1, a group of its own) stops before either process of dbs is signalled.
    const from = fv.lines().length;
    assert.equal(await fv.d.stop(), 0);
    const after = fv.lines();
    assertLineOrder(after, [/^(INFO|WARN) stopped: app /, /^DEBG killing db1 /], from);
    assertLineOrder(after, [/^(INFO|WARN) stopped: app /, /^DEBG killing db2 /], from);
  });

  test('a FATAL dependency leaves its dependents not started, with the reason in getProcessInfo and status', { timeout: 180_000 }, async (t) => {
    const fv = await startOptionsDaemon(t, `
[program:broken]
command=/bin/false
startsecs=10
startretries=0

[program:web]
command=${program('forever.js')}
startsecs=0
depends_on=broken

[program:worker]
command=${program('forever.js')}
startsecs=0
depends_on=web
`);
    await fv.waitState('broken', 'FATAL');
    const web = await fv.waitInfo('web', (i) => i.description !== 'Not started', 'a reason for not starting');
    assert.equal(web.statename, 'STOPPED');
    assert.equal(web.description, 'Not started: dependency broken:broken is FATAL');
    assert.equal(web.spawnerr, 'dependency broken:broken is FATAL');
    await fv.waitLine(/^WARN not starting web: dependency broken:broken is FATAL$/);
    // worker's own dependency (web) is not FATAL but never runs: it simply waits, not started.
    const worker = await fv.info('worker');
    assert.deepEqual([worker.statename, worker.description], ['STOPPED', 'Not started']);
    assert.ok(!fv.lines().some((l) => /^INFO spawned: '(web|worker)'/.test(l)), fv.lines().join('\n'));

    const status = await fv.ctl('status');
    assert.equal(status.code, 3, status.stderr);
    const rows = status.stdout.trimEnd().split('\n');
    assert.ok(rows.some((r) => /^web\s+STOPPED\s+Not started: dependency broken:broken is FATAL$/.test(r)), status.stdout);
    assert.ok(rows.some((r) => /^worker\s+STOPPED\s+Not started$/.test(r)), status.stdout);
    assert.ok(rows.some((r) => /^broken\s+FATAL\s+Exited too quickly/.test(r)), status.stdout);

    // Starting web tries broken first; broken fails again, so web is a spawn error naming it.
    await assert.rejects(fv.rpc.call('supervisor.startProcess', ['web', true]), (err: unknown) => {
      assert.ok(err instanceof RpcFault, String(err));
      assert.equal(err.code, 50);
      assert.match(err.faultString, /^SPAWN_ERROR: web: dependency broken:broken did not start \(/);
      return true;
    });
    assert.equal((await fv.info('web')).statename, 'STOPPED');
    const ctlStart = await fv.ctl('start', 'web');
    assert.equal(ctlStart.stdout, 'web: ERROR (spawn error)\n');
    assert.notEqual(ctlStart.code, 0);
  });

  test('a cycle and an unknown name make fleetvisord exit 2 naming the file, section, key, value and programs', (t) => {
    const dir = makeTmpDir(t, 'fv-dep-err-');
    const run = (conf: string) => spawnSync(process.execPath, [fleetvisordBin, '-c', conf], { cwd: dir, encoding: 'utf8', timeout: 20_000 });

    const cycle = writeConf(dir, `
[program:a]
command=/bin/sleep 100
depends_on=c
[program:b]
command=/bin/sleep 100
depends_on=a
[program:c]
command=/bin/sleep 100
depends_on = b
`);
    const r1 = run(cycle);
    assert.equal(r1.status, 2, r1.stderr);
    assert.match(r1.stderr, /^Error: depends_on makes a cycle: a -> c -> b -> a\n/);
    assert.ok(r1.stderr.includes(`(in ${cycle}, [program:a] depends_on = 'c')`), r1.stderr);
    assert.ok(!existsSync(join(dir, 'daemon.pid')), 'nothing started');

    // An unknown name in an included file: the message names that file.
    mkdirSync(join(dir, 'conf.d'));
    const included = join(dir, 'conf.d', 'app.conf');
    writeFileSync(included, '[program:app]\ncommand=/bin/sleep 100\ndepends_on = db, nosuch\n[program:db]\ncommand=/bin/sleep 100\n');
    const unknown = writeConf(dir, `[include]\nfiles = conf.d/*.conf\n`);
    const r2 = run(unknown);
    assert.equal(r2.status, 2, r2.stderr);
    assert.match(r2.stderr, /^Error: depends_on names "nosuch", which is no program or group\n/);
    assert.ok(r2.stderr.includes(`(in ${included}, [program:app] depends_on = 'db, nosuch')`), r2.stderr);
  });
});

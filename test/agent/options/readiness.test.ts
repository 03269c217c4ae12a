// ready_tcp, ready_http, ready_command and ready_log with real programs: each stays STARTING while
// its check fails (with startsecs=0 it would otherwise be RUNNING at once) and is RUNNING only once
// the check passes; a program never ready within ready_timeout is stopped, goes BACKOFF, and FATAL
// after startretries, with the reason as its spawnerr.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { isAlive } from '../../helpers/daemon.js';
import { freePort } from '../../helpers/ports.js';
import { waitFor } from '../../helpers/wait-for.js';
import { program, startOptionsDaemon } from './harness.js';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

describe('ready_* checks', { concurrency: true }, () => {
  test('ready_tcp: a program that opens its port late is RUNNING only after the port opens', { timeout: 120_000 }, async (t) => {
    const port = await freePort();
    const fv = await startOptionsDaemon(t, `
[program:late]
command=${program('late-port.js', port, '{DIR}/open')}
startsecs=0
ready_tcp=127.0.0.1:${port}
ready_timeout=60
stdout_logfile={DIR}/late.out
`);
    // The program runs (it said so) and its port is closed: it must still be STARTING.
    await waitFor(() => fv.read('late.out').includes('waiting\n'), { timeoutMs: 60_000, what: 'late-port to run' });
    const before = await fv.info('late');
    assert.equal(before.statename, 'STARTING');
    assert.ok(before.pid > 0);
    assert.equal(await portOpen(port), false);

    writeFileSync(join(fv.dir, 'open'), '');
    const running = await fv.waitState('late', 'RUNNING');
    assert.equal(running.pid, before.pid, 'the same process, not a restart');
    assert.equal(await portOpen(port), true);
    await fv.waitLine(new RegExp(`^INFO success: late entered RUNNING state, process is ready \\(ready_tcp 127\\.0\\.0\\.1:${port}\\)$`));
  });

  test('ready_http: a server answering 503 and then 200 is RUNNING only after the 200', { timeout: 120_000 }, async (t) => {
    const port = await freePort();
    const fv = await startOptionsDaemon(t, `
[program:web]
command=${program('http-503-then-200.js', port, 3)}
startsecs=0
ready_http=http://127.0.0.1:${port}/health
ready_timeout=60
stdout_logfile={DIR}/web.out
`);
    await fv.waitState('web', 'RUNNING');
    await fv.waitLine(new RegExp(`^INFO success: web entered RUNNING state, process is ready \\(ready_http http://127\\.0\\.0\\.1:${port}/health\\)$`));
    await waitFor(() => fv.read('web.out').includes('GET /health 200\n'), { timeoutMs: 60_000, what: 'the 200 in the log' });
    // Three 503 answers were not taken for ready: the checks went on until the first 200 (a check
    // that overran its own time limit on a loaded machine may add another 200, nothing else).
    const requests = fv.read('web.out').split('\n').filter((l) => l.startsWith('GET '));
    assert.deepEqual(requests.slice(0, 4), ['GET /health 503', 'GET /health 503', 'GET /health 503', 'GET /health 200']);
    assert.deepEqual(requests.slice(4).filter((r) => r !== 'GET /health 200'), []);
  });

  test('ready_command: tried with the child\'s environment until it exits 0', { timeout: 120_000 }, async (t) => {
    const fv = await startOptionsDaemon(t, `
[program:svc]
command=${program('forever.js')}
startsecs=0
environment=READY_TOKEN="tok-123"
ready_command=echo "$READY_TOKEN" >> {DIR}/tries && test -f {DIR}/go
ready_timeout=60
`);
    // Two failed tries (exit 1) and still STARTING.
    await waitFor(() => fv.read('tries').split('\n').filter((l) => l !== '').length >= 2, { timeoutMs: 60_000, what: 'two ready_command tries' });
    const before = await fv.info('svc');
    assert.equal(before.statename, 'STARTING');
    assert.deepEqual([...new Set(fv.read('tries').trim().split('\n'))], ['tok-123']);

    writeFileSync(join(fv.dir, 'go'), '');
    const running = await fv.waitState('svc', 'RUNNING');
    assert.equal(running.pid, before.pid);
    await fv.waitLine(/^INFO success: svc entered RUNNING state, process is ready \(ready_command\)$/);
  });

  test('ready_log: a matching line on stdout (or on stderr) makes the program RUNNING', { timeout: 120_000 }, async (t) => {
    const fv = await startOptionsDaemon(t, `
[program:out]
command=${program('ready-line.js', '{DIR}/go-out', 'out-is-ready')}
startsecs=0
ready_log=^out-is-ready$
ready_timeout=60
stdout_logfile={DIR}/out.log

[program:err]
command=${program('ready-line.js', '{DIR}/go-err', 'err-is-ready', '--stderr')}
startsecs=0
ready_log=^err-is-ready$
ready_timeout=60
stdout_logfile={DIR}/err.out
stderr_logfile={DIR}/err.err
`);
    await waitFor(() => fv.read('out.log').includes('booting\n') && fv.read('err.out').includes('booting\n'), { timeoutMs: 60_000, what: 'both programs to boot' });
    assert.equal((await fv.info('out')).statename, 'STARTING');
    assert.equal((await fv.info('err')).statename, 'STARTING');

    writeFileSync(join(fv.dir, 'go-out'), '');
    await fv.waitState('out', 'RUNNING');
    await fv.waitLine(/^INFO success: out entered RUNNING state, process is ready \(ready_log\)$/);
    assert.equal((await fv.info('err')).statename, 'STARTING', 'the other program still waits for its line');

    writeFileSync(join(fv.dir, 'go-err'), '');
    await fv.waitState('err', 'RUNNING');
    await fv.waitLine(/^INFO success: err entered RUNNING state, process is ready \(ready_log\)$/);
    await waitFor(() => fv.read('err.err').includes('err-is-ready\n'), { timeoutMs: 60_000, what: 'the line in the stderr log' });
  });

  test('a program never ready within ready_timeout is stopped, goes BACKOFF, then FATAL after startretries', { timeout: 120_000 }, async (t) => {
    const port = await freePort(); // nothing will listen there
    const fv = await startOptionsDaemon(t, `
[program:never]
command=${program('forever.js')}
startsecs=0
startretries=1
ready_tcp=127.0.0.1:${port}
ready_timeout=1
`);
    await fv.waitState('never', 'BACKOFF');
    const fatal = await fv.waitState('never', 'FATAL');
    const reason = new RegExp(`^not ready within 1 seconds \\(last try: 127\\.0\\.0\\.1:${port}: ECONNREFUSED\\)$`);
    assert.match(fatal.spawnerr, reason);
    assert.match(fatal.description, reason);
    assert.equal(fatal.pid, 0);
    const lines = fv.lines();
    const spawned = lines.filter((l) => l.startsWith("INFO spawned: 'never' with pid ")).map((l) => Number(l.split(' ').at(-1)));
    assert.equal(spawned.length, 2, 'the first try and startretries=1 retry');
    for (const pid of spawned) assert.equal(isAlive(pid), false, `pid ${pid} was stopped`);
    assert.equal(lines.filter((l) => new RegExp(`^WARN never was not ready within 1 seconds \\(last try: .*\\); stopping it$`).test(l)).length, 2);
    assert.ok(lines.includes('INFO gave up: never entered FATAL state, too many start retries too quickly'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.startsWith('INFO success: never')), lines.join('\n'));
  });
});

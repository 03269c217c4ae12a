// healthcheck_* with real programs: an HTTP server that starts failing its check is restarted
// after healthcheck_retries failures in a row (counted in fleetvisor.getProcessStats and /metrics,
// logged, and told to a listener that asked for FLEETVISOR_PROCESS_HEALTH, not to one that
// subscribed to EVENT); with healthcheck_action=report a failing command check only reports:
// `unhealthy (reason)` in getProcessInfo and `fleetvisorctl status`, the process left running.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../helpers/ports.js';
import { waitFor } from '../../helpers/wait-for.js';
import { metric, program, startOptionsDaemon, toStats } from './harness.js';

interface Recorded { headers: Record<string, string>; payload: string }

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function recorded(text: string): Recorded[] {
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Recorded);
}

describe('healthcheck_*', { concurrency: true }, () => {
  test('healthcheck_http failing healthcheck_retries times in a row restarts the program; counted, logged, in /metrics and events', { timeout: 120_000 }, async (t) => {
    const port = await freePort();
    const fv = await startOptionsDaemon(t, `
[program:web]
command=${program('http-sick-when-flagged.js', port, '{DIR}/sick')}
startsecs=0
ready_tcp=127.0.0.1:${port}
healthcheck_http=http://127.0.0.1:${port}/health
healthcheck_interval=1
healthcheck_timeout=2
healthcheck_retries=2

[eventlistener:healthrec]
command=${program('listener-record.js', '{DIR}/health-events.jsonl')}
events=FLEETVISOR_PROCESS_HEALTH

[eventlistener:allrec]
command=${program('listener-record.js', '{DIR}/all-events.jsonl')}
events=EVENT
`, { inet: true });
    const first = await fv.waitStats('web', (s) => s.health === 'healthy', 'healthy');
    assert.deepEqual([first.health_failures, first.health_reason, first.health_restarts], [0, '', 0]);
    const pid1 = (await fv.info('web')).pid;
    assert.equal(first.pid, pid1);
    const before = await fv.metrics();
    assert.equal(metric(before, 'fleetvisor_process_healthy', { group: 'web', name: 'web' }), 1);
    assert.equal(metric(before, 'fleetvisor_process_health_restarts_total', { group: 'web', name: 'web' }), 0);

    // This instance starts failing its check (HTTP 500); the restarted one is healthy again.
    writeFileSync(join(fv.dir, 'sick'), String(pid1));
    const restarted = await fv.waitStats('web', (s) => s.health_restarts === 1 && s.pid !== 0 && s.pid !== pid1 && s.health === 'healthy',
      'restarted by its health check and healthy again');
    assert.equal(restarted.memory_restarts, 0);
    assert.equal((await fv.info('web')).statename, 'RUNNING');
    const reason = `http://127.0.0.1:${port}/health: HTTP 500`;
    const lines = fv.lines();
    assert.ok(lines.includes(`WARN healthcheck: web failed 2 times in a row (${reason}); restarting it`), lines.join('\n'));
    assert.ok(lines.includes('INFO starting web again (health check failed)'), lines.join('\n'));
    assert.equal(lines.filter((l) => l.startsWith("INFO spawned: 'web' with pid ")).length, 2);

    const after = await fv.metrics();
    assert.equal(metric(after, 'fleetvisor_process_health_restarts_total', { group: 'web', name: 'web' }), 1);
    assert.equal(metric(after, 'fleetvisor_process_healthy', { group: 'web', name: 'web' }), 1);

    // The listener that named FLEETVISOR_PROCESS_HEALTH heard the failure and both recoveries.
    await waitFor(() => recorded(fv.read('health-events.jsonl')).filter((e) => e.headers.eventname === 'FLEETVISOR_PROCESS_HEALTH_OK').length >= 2,
      { timeoutMs: 60_000, what: 'two HEALTH_OK events' });
    const health = recorded(fv.read('health-events.jsonl'));
    const names = health.map((e) => e.headers.eventname);
    assert.ok(names.indexOf('FLEETVISOR_PROCESS_HEALTH_FAILED') > names.indexOf('FLEETVISOR_PROCESS_HEALTH_OK'), names.join());
    assert.ok(names.every((n) => n === 'FLEETVISOR_PROCESS_HEALTH_OK' || n === 'FLEETVISOR_PROCESS_HEALTH_FAILED'), names.join());
    const failed = health.find((e) => e.headers.eventname === 'FLEETVISOR_PROCESS_HEALTH_FAILED');
    assert.ok(failed?.payload.includes('processname:web'), failed?.payload);
    assert.ok(failed?.payload.includes(`pid:${pid1}`), failed?.payload);

    // A listener of EVENT (everything supervisord has) saw the restart but none of these events.
    const restartedRunning = (e: Recorded) => e.headers.eventname === 'PROCESS_STATE_RUNNING' && e.payload.includes(`pid:${restarted.pid}`);
    await waitFor(() => recorded(fv.read('all-events.jsonl')).some(restartedRunning), { timeoutMs: 60_000, what: 'EVENT listener to see the restart' });
    const all = recorded(fv.read('all-events.jsonl'));
    assert.ok(all.some((e) => e.headers.eventname === 'PROCESS_STATE_STOPPING' && e.payload.includes(`pid:${pid1}`)));
    assert.deepEqual(all.filter((e) => e.headers.eventname?.startsWith('FLEETVISOR_')), []);
  });

  test('healthcheck_action=report: a failing healthcheck_command shows `unhealthy` and leaves the process running', { timeout: 120_000 }, async (t) => {
    const fv = await startOptionsDaemon(t, `
[program:worker]
command=${program('forever.js')}
startsecs=0
healthcheck_command=test ! -e {DIR}/sick
healthcheck_interval=1
healthcheck_retries=2
healthcheck_action=report
`);
    await fv.waitStats('worker', (s) => s.health === 'healthy', 'healthy');
    const pid = (await fv.info('worker')).pid;
    assert.match((await fv.info('worker')).description, /^pid \d+, uptime \d+:\d\d:\d\d$/);

    writeFileSync(join(fv.dir, 'sick'), '');
    const sick = await fv.waitStats('worker', (s) => s.health === 'unhealthy', 'unhealthy');
    const reason = `"test ! -e ${fv.dir}/sick" exited with status 1`;
    assert.equal(sick.health_reason, reason);
    assert.ok(sick.health_failures >= 2, String(sick.health_failures));
    assert.equal(sick.health_restarts, 0);
    const all = (await fv.rpc.call('fleetvisor.getAllProcessStats') as unknown[]).map((v) => toStats(v as never));
    assert.deepEqual(all.map((s) => [s.health, s.health_reason, s.health_restarts]), [['unhealthy', reason, 0]]);
    const info = await fv.info('worker');
    assert.equal(info.statename, 'RUNNING');
    assert.equal(info.pid, pid, 'not restarted');
    assert.match(info.description, new RegExp(`^pid ${pid}, uptime \\d+:\\d\\d:\\d\\d, unhealthy \\(${escapeRe(reason)}\\)$`));
    const status = await fv.ctl('status', 'worker');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^worker\s+RUNNING\s+pid \d+, uptime \d+:\d\d:\d\d, unhealthy \("test ! -e .*\/sick" exited with status 1\)\n$/);
    const lines = fv.lines();
    assert.ok(lines.includes(`WARN healthcheck: worker failed 2 times in a row (${reason})`), lines.join('\n'));
    assert.ok(!lines.some((l) => l.startsWith('INFO starting worker again')), lines.join('\n'));

    // The check passes again: healthy, and the status line reads as under supervisord again.
    rmSync(join(fv.dir, 'sick'));
    await fv.waitStats('worker', (s) => s.health === 'healthy', 'healthy again');
    const healed = await fv.info('worker');
    assert.equal(healed.pid, pid);
    assert.match(healed.description, /^pid \d+, uptime \d+:\d\d:\d\d$/);
    assert.equal(fv.lines().filter((l) => l === 'INFO healthcheck: worker is healthy').length, 2);
    assert.equal(fv.lines().filter((l) => l.startsWith("INFO spawned: 'worker'")).length, 1);
  });
});

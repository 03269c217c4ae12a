// /metrics of a real fleetvisord: valid text exposition format, the series for a running and a
// stopped process, output byte counters per channel, restarts, daemon info, and the HTTP rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../helpers/wait-for.js';
import { forever, parseExposition, startUiDaemon, tokenOf, type Exposition, type UiDaemon } from './helpers.js';

const STATES = ['STOPPED', 'STARTING', 'RUNNING', 'BACKOFF', 'STOPPING', 'EXITED', 'FATAL', 'UNKNOWN'];

async function scrape(ui: UiDaemon): Promise<Exposition> {
  const r = await ui.get('/metrics');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(r.body);
}

test('the exposition checker itself rejects malformed text', () => {
  const bad = [
    'x 1\n', // no TYPE
    '# TYPE x gauge\nx{a="1} 1\n', // unterminated label
    '# TYPE x gauge\nx 1\nx 2\n', // duplicate series
    '# TYPE x counter\nx 1\n', // counter without _total
    '# TYPE x gauge\nx one\n', // bad value
    '# TYPE x gauge\n# TYPE y gauge\nx{a="1"} 1\ny 1\nx{a="2"} 1\n', // family split
    '# TYPE x gauge\nx 1', // no final newline
  ];
  for (const text of bad) assert.throws(() => parseExposition(text), Error, JSON.stringify(text));
  assert.equal(parseExposition('# HELP x a \\\\ b\n# TYPE x gauge\nx{a="q\\"\\\\\\n"} 1.5e3\n').value('x', { a: 'q"\\\n' }), 1500);
});

test('/metrics reports per-process and daemon series in the Prometheus text format', { timeout: 60_000 }, async (t) => {
  const ui = await startUiDaemon(t, `
${forever('web')}

${forever('idle', 'autostart=false')}

[program:chatty]
command=/bin/sh -c "echo out; echo err >&2; exec sleep 600"

[program:merged]
command=/bin/sh -c "echo out; echo err >&2; exec sleep 600"
redirect_stderr=true
`);
  for (const name of ['web', 'chatty', 'merged']) await ui.waitState(name, 'RUNNING');
  const web = { group: 'web', name: 'web' };
  const idle = { group: 'idle', name: 'idle' };
  const chatty = { group: 'chatty', name: 'chatty' };
  const merged = { group: 'merged', name: 'merged' };
  await waitFor(async () => {
    const m = await scrape(ui);
    return m.value('supervisord_process_output_bytes_total', { ...chatty, channel: 'stderr' }) === 4
      && m.value('supervisord_process_output_bytes_total', { ...merged, channel: 'stdout' }) === 8;
  }, { what: 'the output counters' });
  const m = await scrape(ui);

  const types: Record<string, string> = {
    supervisord_up: 'gauge', supervisord_state: 'gauge', supervisord_exit_status: 'gauge', supervisord_start_time_seconds: 'gauge',
    supervisord_process_state: 'gauge', supervisord_process_uptime_seconds: 'gauge', supervisord_process_restarts_total: 'counter',
    supervisord_process_cpu_seconds_total: 'counter', supervisord_process_resident_memory_bytes: 'gauge',
    supervisord_process_output_bytes_total: 'counter', supervisord_daemon_up: 'gauge', supervisord_daemon_info: 'gauge',
    supervisord_daemon_state: 'gauge', supervisord_processes: 'gauge',
    fleetvisor_process_healthy: 'gauge', fleetvisor_process_health_restarts_total: 'counter',
    fleetvisor_process_memory_restarts_total: 'counter',
  };
  assert.deepEqual(Object.fromEntries(m.types), types);

  // The running process.
  assert.equal(m.value('supervisord_up', web), 1);
  assert.equal(m.value('supervisord_state', web), 20);
  assert.equal(m.value('supervisord_exit_status', web), 0);
  const start = m.value('supervisord_start_time_seconds', web) ?? 0;
  assert.ok(Math.abs(start - Date.now() / 1000) < 3600, `start ${start}`);
  for (const s of STATES) assert.equal(m.value('supervisord_process_state', { ...web, state: s }), s === 'RUNNING' ? 1 : 0, s);
  assert.ok((m.value('supervisord_process_uptime_seconds', web) ?? -1) >= 0);
  assert.equal(m.value('supervisord_process_restarts_total', web), 0);
  // Without healthcheck_* there is no verdict to report; the restart counters are still 0.
  assert.equal(m.value('fleetvisor_process_healthy', web), undefined);
  assert.equal(m.value('fleetvisor_process_health_restarts_total', web), 0);
  assert.equal(m.value('fleetvisor_process_memory_restarts_total', web), 0);
  assert.ok((m.value('supervisord_process_cpu_seconds_total', web) ?? -1) >= 0);
  assert.ok((m.value('supervisord_process_resident_memory_bytes', web) ?? 0) > 1024 * 1024);
  assert.ok((m.value('supervisord_process_output_bytes_total', { ...web, channel: 'stdout' }) ?? 0) >= 'pid 1\n'.length);
  assert.equal(m.value('supervisord_process_output_bytes_total', { ...web, channel: 'stderr' }), 0);

  // The stopped one.
  assert.equal(m.value('supervisord_up', idle), 0);
  assert.equal(m.value('supervisord_state', idle), 0);
  assert.equal(m.value('supervisord_start_time_seconds', idle), undefined);
  for (const s of STATES) assert.equal(m.value('supervisord_process_state', { ...idle, state: s }), s === 'STOPPED' ? 1 : 0, s);
  assert.equal(m.value('supervisord_process_uptime_seconds', idle), 0);
  assert.equal(m.value('supervisord_process_cpu_seconds_total', idle), 0);
  assert.equal(m.value('supervisord_process_resident_memory_bytes', idle), 0);

  // Output bytes per pipe; with redirect_stderr everything arrives on stdout.
  assert.equal(m.value('supervisord_process_output_bytes_total', { ...chatty, channel: 'stdout' }), 4);
  assert.equal(m.value('supervisord_process_output_bytes_total', { ...chatty, channel: 'stderr' }), 4);
  assert.equal(m.value('supervisord_process_output_bytes_total', { ...merged, channel: 'stderr' }), 0);

  // The daemon.
  assert.equal(m.value('supervisord_daemon_up'), 1);
  assert.equal(m.value('supervisord_daemon_state'), 1);
  const info = m.samples.find((s) => s.name === 'supervisord_daemon_info');
  assert.equal(info?.labels.version, '4.2.5');
  assert.match(info?.labels.fleetvisor_version ?? '', /^\d+\.\d+\.\d+/);
  assert.equal(info?.labels.identification, 'supervisor');
  assert.equal(m.value('supervisord_processes', { state: 'RUNNING' }), 3);
  assert.equal(m.value('supervisord_processes', { state: 'STOPPED' }), 1);
  assert.equal(STATES.reduce((n, s) => n + (m.value('supervisord_processes', { state: s }) ?? NaN), 0), 4);

  // A restart from the page counts, and the new pid is measured.
  const token = tokenOf((await ui.get('/')).body);
  assert.equal((await ui.post('/index.html?processname=web', { action: 'restart', csrf_token: token })).status, 303);
  const after = await scrape(ui);
  assert.equal(after.value('supervisord_process_restarts_total', web), 1);
  assert.ok((after.value('supervisord_process_output_bytes_total', { ...web, channel: 'stdout' }) ?? 0)
    > (m.value('supervisord_process_output_bytes_total', { ...web, channel: 'stdout' }) ?? 0));
});

test('/metrics answers GET and HEAD; other methods are 400; only the exact path is metrics', { timeout: 60_000 }, async (t) => {
  const ui = await startUiDaemon(t, '');
  const head = await ui.get('/metrics', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal((await ui.get('/metrics?x=1')).status, 200);
  assert.equal((await ui.post('/metrics', {})).status, 400);
  assert.equal((await ui.get('/metricsx')).status, 404);
  const m = await scrape(ui);
  assert.equal(m.value('supervisord_processes', { state: 'RUNNING' }), 0);
  assert.equal(m.samples.filter((s) => s.name === 'supervisord_up').length, 0);
});

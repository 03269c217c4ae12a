// memory_limit with real programs: a program whose process tree (here its child holds the memory,
// the program itself stays far below the limit) passes memory_limit is restarted, logged, counted
// in fleetvisor.getProcessStats and /metrics, and told to a FLEETVISOR_PROCESS_MEMORY_LIMIT
// listener; a program under its limit, checked in the same passes, is left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../helpers/wait-for.js';
import { metric, program, startOptionsDaemon } from './harness.js';

const LIMIT = 150 * 1024 * 1024;

test('a memory hog over memory_limit (RSS of its process tree) is restarted, logged and counted', { timeout: 120_000 }, async (t) => {
  const fv = await startOptionsDaemon(t, `
[program:hog]
command=${program('memory-hog.js', 250, '--in-child')}
startsecs=0
memory_limit=150MB
stdout_logfile={DIR}/hog.out

[program:small]
command=${program('forever.js')}
startsecs=0
memory_limit=150MB

[eventlistener:memrec]
command=${program('listener-record.js', '{DIR}/memory-events.jsonl')}
events=FLEETVISOR_PROCESS_MEMORY_LIMIT
`, { inet: true });
  // The hog's child holds the memory (the stdout log says so, with the child's pid).
  await waitFor(() => /holding 250 MB in \d+/.test(fv.read('hog.out')), { timeoutMs: 60_000, what: 'the hog to hold its memory' });
  const pid1 = (await fv.waitState('hog', 'RUNNING')).pid;
  const childPid = Number(/holding 250 MB in (\d+)/.exec(fv.read('hog.out'))?.[1]);
  assert.notEqual(childPid, pid1, 'the memory is held by a descendant');

  const stats = await fv.waitStats('hog', (s) => s.memory_restarts >= 1 && s.pid !== 0 && s.pid !== pid1, 'restarted for its memory', 90_000);
  assert.equal(stats.health_restarts, 0);
  const line = await fv.waitLine(/^WARN memory_limit: hog uses \d+ bytes, over its limit of \d+; restarting it$/);
  const [used, limit] = (/uses (\d+) bytes, over its limit of (\d+)/.exec(line) ?? []).slice(1).map(Number);
  assert.equal(limit, LIMIT);
  assert.ok((used ?? 0) > LIMIT, line);
  assert.ok(fv.lines().includes('INFO starting hog again (memory limit)'), fv.lines().join('\n'));
  await fv.waitState('hog', 'RUNNING');

  // The program under its limit was checked in the same passes and never restarted.
  const small = await fv.stats('small');
  assert.equal(small.memory_restarts, 0);
  assert.equal(fv.lines().filter((l) => l.startsWith("INFO spawned: 'small'")).length, 1);

  const m = await fv.metrics();
  assert.ok((metric(m, 'fleetvisor_process_memory_restarts_total', { group: 'hog', name: 'hog' }) ?? 0) >= 1, m);
  assert.equal(metric(m, 'fleetvisor_process_memory_restarts_total', { group: 'small', name: 'small' }), 0);

  await waitFor(() => fv.read('memory-events.jsonl').includes('FLEETVISOR_PROCESS_MEMORY_LIMIT'), { timeoutMs: 60_000, what: 'the memory limit event' });
  const event = JSON.parse(fv.read('memory-events.jsonl').split('\n')[0] ?? '{}') as { headers: Record<string, string>; payload: string };
  assert.equal(event.headers.eventname, 'FLEETVISOR_PROCESS_MEMORY_LIMIT');
  assert.ok(event.payload.includes('processname:hog') && event.payload.includes(`pid:${pid1}`), event.payload);
});

// ProcessGroup: priority orderings, stop-all with shutdown semantics, unstopped, deadlines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../../agent/events/bus.js';
import { ProcessGroup, sortByPriority } from '../../../agent/process/group.js';
import { Subprocess } from '../../../agent/process/subprocess.js';
import { ProcessState as S } from '../../../agent/process/states.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeSpawner } from '../../helpers/fake-spawner.js';
import { makeProcessConfig, RecordingLogger } from '../../helpers/process-config.js';

function makeGroup(specs: { name: string; priority: number; command?: string }[]) {
  const clock = new FakeClock(1000);
  const spawner = new FakeSpawner();
  const procs = specs.map((s) => new Subprocess({
    config: makeProcessConfig({ name: s.name, priority: s.priority, command: s.command ?? '/bin/true' }),
    groupName: 'g', spawner, clock, bus: new EventBus(), log: new RecordingLogger(), openOutput: () => null,
    baseEnv: {}, serverUrl: null, isDaemonRunning: () => true, requestTick: () => {},
  }));
  const group = new ProcessGroup({ kind: 'group', name: 'g', priority: 999, processes: procs.map((p) => p.config) }, procs);
  return { group, clock, spawner };
}

test('sortByPriority: ascending for start, descending for stop, ties in config order', () => {
  const { group } = makeGroup([{ name: 'a', priority: 5 }, { name: 'b', priority: 1 }, { name: 'c', priority: 5 }]);
  assert.deepEqual(sortByPriority(group.processes, 'start').map((p) => p.config.name), ['b', 'a', 'c']);
  // supervisord sorts ascending and reverses, so equal priorities stop in reverse config order.
  assert.deepEqual(sortByPriority(group.processes, 'stop').map((p) => p.config.name), ['c', 'a', 'b']);
});

test('stopAll stops running processes in descending priority and gives up BACKOFF ones', () => {
  const { group, clock, spawner } = makeGroup([
    { name: 'low', priority: 1 }, { name: 'high', priority: 9 }, { name: 'bad', priority: 5, command: '/nonexistent' },
  ]);
  for (const p of group.processes) p.tick(clock.now());
  assert.deepEqual(group.processes.map((p) => p.state), [S.STARTING, S.STARTING, S.BACKOFF]);
  assert.equal(group.nextDeadline(), 1000 + 1 + 0.001);
  group.stopAll();
  assert.deepEqual(spawner.kills.map((k) => k.pid), [101, 100]);
  assert.deepEqual(group.processes.map((p) => p.state), [S.STOPPING, S.STOPPING, S.FATAL]);
  assert.deepEqual(group.unstopped().map((p) => p.config.name), ['low', 'high']);
});

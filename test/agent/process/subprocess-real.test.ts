// Subprocess driven by a tiny real loop (tick when nextDeadline passes or a tick is requested),
// with NodeSpawner and realClock: crash -> restart, and SIGKILL escalation for a TERM-ignorer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventBus } from '../../../agent/events/bus.js';
import type { ProcessConfig } from '../../../agent/config/types.js';
import { realClock } from '../../../agent/process/clock.js';
import { NodeSpawner } from '../../../agent/process/node-spawner.js';
import { Subprocess } from '../../../agent/process/subprocess.js';
import { ProcessState as S } from '../../../agent/process/states.js';
import { makeProcessConfig, RecordingLogger } from '../../helpers/process-config.js';
import { waitFor } from '../../helpers/wait-for.js';
import { SpawnRoute } from '../../../agent/process/spawn-route.js';

/** One fv-spawn for the file, as a daemon has one for its life. */
const route = new SpawnRoute();

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const fixture = (name: string): string => join(repoRoot(), 'test', 'fixtures', 'programs', name);

function run(t: { after(fn: () => void): void }, over: Partial<ProcessConfig>) {
  const log = new RecordingLogger();
  const out: string[] = [];
  const pids = new Set<number>();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const proc: Subprocess = new Subprocess({
    config: makeProcessConfig(over), groupName: 'g', spawner: new NodeSpawner(route), clock: realClock,
    bus: new EventBus(), log, baseEnv: { PATH: process.env['PATH'] ?? '' }, serverUrl: null,
    openOutput: () => ({ write: (c: Buffer) => { out.push(c.toString()); }, close: () => {} }),
    isDaemonRunning: () => !stopped, requestTick: () => schedule(0),
  });
  // The loop: one pending timer, aimed at the earliest deadline.
  function schedule(ms: number): void {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(loop, ms);
  }
  function loop(): void {
    timer = null;
    proc.tick(realClock.now());
    if (proc.pid) pids.add(proc.pid);
    const next = proc.nextDeadline();
    if (next !== null) schedule(Math.max(0, (next - realClock.now()) * 1000));
  }
  t.after(() => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
    for (const pid of pids) {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    }
  });
  schedule(0);
  return { proc, log, out };
}

test('a crashing program is restarted within milliseconds and ends FATAL after its retries', async (t) => {
  const { proc, log } = run(t, { command: `${fixture('exit-with.js')} 3`, startsecs: 0.5, startretries: 1 });
  await waitFor(() => proc.state === S.FATAL, { what: 'FATAL', timeoutMs: 8000 });
  assert.deepEqual(log.visible.filter((l) => !l.startsWith("INFO spawned")), [
    'WARN exited: x (exit status 3; not expected)',
    'WARN exited: x (exit status 3; not expected)',
    'INFO gave up: x entered FATAL state, too many start retries too quickly',
  ]);
});

test('a program ignoring SIGTERM is SIGKILLed after stopwaitsecs', async (t) => {
  const { proc, log, out } = run(t, { command: fixture('ignore-sigterm.js'), startsecs: 0, stopwaitsecs: 0.3 });
  await waitFor(() => out.join('').includes('ready'), { what: 'ready' });
  const pid = proc.pid;
  assert.equal(proc.stop(), null);
  await waitFor(() => proc.state === S.STOPPED, { what: 'STOPPED' });
  assert.ok(out.join('').includes('got SIGTERM'));
  assert.deepEqual(log.visible.slice(-2), [`WARN killing 'x' (${pid}) with SIGKILL`, 'WARN stopped: x (terminated by SIGKILL)']);
});

test('env of a real child holds the SUPERVISOR_ variables and program environment', async (t) => {
  const { proc, out } = run(t, {
    command: fixture('print-env.js'), startsecs: 0, autorestart: false, environment: { FOO: 'bar' },
  });
  await waitFor(() => proc.state === S.EXITED, { what: 'EXITED' });
  const env = JSON.parse(out.join('')) as Record<string, string>;
  assert.equal(env['SUPERVISOR_ENABLED'], '1');
  assert.equal(env['SUPERVISOR_PROCESS_NAME'], 'x');
  assert.equal(env['SUPERVISOR_GROUP_NAME'], 'g');
  assert.equal(env['SUPERVISOR_SERVER_URL'], undefined);
  assert.equal(env['FOO'], 'bar');
});

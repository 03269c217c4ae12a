// The spawner cases through fv-spawn, the daemon's spawn helper, and what is the helper's own:
// children are its children, get exactly fds 0-2, their wait statuses decode as node's do, it
// survives the signals a terminal sends the daemon's group, ends at EOF, and when it is killed
// the daemon falls back to node's spawn and still learns that the orphaned children ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeSpawner } from '../../../agent/process/node-spawner.js';
import { decodeWaitStatus, HELPER_PATH, SpawnHelper } from '../../../agent/process/spawn-helper.js';
import type { SpawnOutcome, SpawnRequest, SpawnedChild } from '../../../agent/process/spawner.js';
import { SpawnError } from '../../../agent/process/errors.js';
import { waitFor } from '../../helpers/wait-for.js';
import { spawnerCases } from './spawner-cases.js';
import { SpawnRoute } from '../../../agent/process/spawn-route.js';

const helper = SpawnHelper.start();
test.after(() => helper?.close());
assert.ok(helper !== null, `fv-spawn is built by npm run build (${HELPER_PATH})`);

spawnerCases('fv-spawn', () => helper);

function request(over: Partial<SpawnRequest>): SpawnRequest {
  return { file: '/bin/sleep', argv: ['sleep', '30'], env: { PATH: '/usr/bin:/bin' }, cwd: null, user: null,
    umask: null, redirectStderr: false, ...over };
}

function ppidOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function exitOf(child: SpawnedChild): Promise<{ code: number | null; signal: number | null }> {
  child.stdout.resume();
  child.stderr?.resume();
  return new Promise((resolve) => child.onExit((code, signal) => resolve({ code, signal })));
}

function killAfter(t: { after(fn: () => void): void }, pid: number): void {
  t.after(() => { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } });
}

test('wait statuses decode as node reports them: exit codes, signals, core dumps', () => {
  const cases: [number, ReturnType<typeof decodeWaitStatus>][] = [
    [0, { code: 0, signal: null, core: false }],
    [1 << 8, { code: 1, signal: null, core: false }],
    [127 << 8, { code: 127, signal: null, core: false }],
    [255 << 8, { code: 255, signal: null, core: false }],
    [constants.signals.SIGTERM, { code: null, signal: 'SIGTERM', core: false }],
    [constants.signals.SIGKILL, { code: null, signal: 'SIGKILL', core: false }],
    [constants.signals.SIGSEGV | 0x80, { code: null, signal: 'SIGSEGV', core: true }],
  ];
  for (const [status, want] of cases) assert.deepEqual(decodeWaitStatus(status), want, `status ${status}`);
});

test('children are the helper\'s, each in its own session, with exactly fds 0, 1 and 2', async (t) => {
  assert.ok(helper !== null);
  const spawner = new NodeSpawner(new SpawnRoute(() => helper));
  const child = spawner.spawn(request({ file: '/bin/sh', argv: ['sh', '-c', 'ls /proc/self/fd; ps -o sid= -p $$; exit 3'] }));
  killAfter(t, child.pid);
  let out = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  const ppid = ppidOf(child.pid);
  assert.equal(ppid, helper.pid);
  assert.deepEqual(await exitOf(child), { code: 3, signal: null });
  const [fds, sid] = [out.split('\n').slice(0, -2), out.split('\n').at(-2)?.trim()];
  // fd 3 is ls's own, reading /proc/self/fd; nothing the daemon had open leaks into the child.
  assert.deepEqual(fds, ['0', '1', '2', '3']);
  assert.equal(sid, String(child.pid));
});

test('a signal death arrives as the signal number', async (t) => {
  assert.ok(helper !== null);
  const child = new NodeSpawner(new SpawnRoute(() => helper)).spawn(request({}));
  killAfter(t, child.pid);
  const done = exitOf(child);
  child.kill(constants.signals.SIGTERM, false);
  assert.deepEqual(await done, { code: null, signal: constants.signals.SIGTERM });
});

test('the helper ignores the signals a terminal sends the daemon\'s group, and exits at EOF', async () => {
  const own = SpawnHelper.start();
  assert.ok(own !== null);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const) process.kill(own.pid, sig);
  const child = new NodeSpawner(new SpawnRoute(() => own)).spawn(request({ file: '/bin/true', argv: ['true'] }));
  assert.deepEqual(await exitOf(child), { code: 0, signal: null }, 'still spawning and reaping');
  const pid = own.pid;
  own.close();
  await waitFor(() => !readdirSync('/proc').includes(String(pid)), { what: 'helper gone after EOF' });
});

test('a killed helper: its orphaned children are still reported as ended, and node\'s spawn takes over', async (t) => {
  const own = SpawnHelper.start();
  assert.ok(own !== null);
  const spawner = new NodeSpawner(new SpawnRoute(() => own));
  const orphan = spawner.spawn(request({}));
  killAfter(t, orphan.pid);
  const ended = exitOf(orphan);
  process.kill(own.pid, 'SIGKILL');
  await waitFor(() => !own.alive, { what: 'helper death noticed' });
  const next = spawner.spawn(request({}));
  killAfter(t, next.pid);
  assert.equal(ppidOf(next.pid), process.pid, 'spawned by node now');
  process.kill(orphan.pid, 'SIGKILL');
  assert.deepEqual(await ended, { code: null, signal: null }, 'the status was lost with the helper');
  next.kill(constants.signals.SIGKILL, false);
  await exitOf(next);
});

const corePattern = (() => { try { return readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim(); } catch { return ''; } })();

test('a core dump is reported, as supervisord\'s "(core dumped)" needs', { skip: corePattern === 'core' ? false : `core_pattern is ${JSON.stringify(corePattern)}` }, async (t) => {
  assert.ok(helper !== null);
  const dir = mkdtempSync(join(tmpdir(), 'fv-core-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const child = new NodeSpawner(new SpawnRoute(() => helper)).spawn(request({ file: '/bin/sh', argv: ['sh', '-c', 'ulimit -c unlimited && kill -SEGV $$'], cwd: dir }));
  killAfter(t, child.pid);
  child.stdout.resume();
  child.stderr?.resume();
  const got = await new Promise<unknown[]>((resolve) => child.onExit((...a) => resolve(a)));
  assert.deepEqual(got, [null, constants.signals.SIGSEGV, true]);
  assert.ok(readdirSync(dir).some((f) => f.startsWith('core')), 'the kernel wrote a core file');
});

function childOf(outcome: SpawnOutcome | undefined): SpawnedChild {
  assert.ok(outcome !== undefined && !(outcome instanceof SpawnError), `a child, not ${String(outcome)}`);
  return outcome;
}

function firstLine(child: SpawnedChild): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    child.stdout.on('data', (b: Buffer) => {
      text += b.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0] ?? '');
    });
  });
}

test('in a batch, spawns go to the helper at once and are settled at endBatch, in order, each with its own pipes', async (t) => {
  assert.ok(helper !== null);
  const spawner = new NodeSpawner(new SpawnRoute(() => helper));
  const settled: SpawnOutcome[] = [];
  spawner.beginBatch();
  for (let i = 0; i < 5; i++) {
    spawner.spawnDeferred(request({ file: '/bin/sh', argv: ['sh', '-c', `echo child-${i}; exec sleep 30`] }), (o) => settled.push(o));
  }
  assert.equal(settled.length, 0, 'nothing settles before the batch ends');
  spawner.endBatch();
  assert.equal(settled.length, 5);
  const children = settled.map(childOf);
  for (const c of children) killAfter(t, c.pid);
  assert.equal(new Set(children.map((c) => c.pid)).size, 5, 'five different pids');
  for (const c of children) assert.equal(ppidOf(c.pid), helper.pid, 'forked by the helper');
  assert.deepEqual(await Promise.all(children.map(firstLine)), [0, 1, 2, 3, 4].map((i) => `child-${i}`));
  const ended = children.map(exitOf);
  for (const c of children) c.kill(constants.signals.SIGKILL, false);
  for (const e of await Promise.all(ended)) assert.deepEqual(e, { code: null, signal: constants.signals.SIGKILL });
});

test('a FIFO batch asked for while spawns are in flight: every answer reaches its own request', async (t) => {
  assert.ok(helper !== null);
  const dir = mkdtempSync(join(tmpdir(), 'fv-helper-fifo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const nul = openSync('/dev/null', 'r+');
  t.after(() => closeSync(nul));
  const req = { file: '/bin/sleep', argv: ['sleep', '30'], env: { PATH: '/usr/bin:/bin' }, cwd: null, umask: null,
    stdinFd: nul, stdoutFd: nul, stderrFd: nul };
  const a = helper.submit(req);
  const b = helper.submit(req);
  assert.ok(a !== null && b !== null);
  helper.makeFifos([join(dir, 'f1'), join(dir, 'f2')]);
  assert.ok(statSync(join(dir, 'f1')).isFIFO() && existsSync(join(dir, 'f2')), 'the FIFOs were made');
  const ra = helper.collect(a);
  const rb = helper.collect(b);
  assert.ok('pid' in ra && 'pid' in rb, `pids: ${JSON.stringify([ra, rb])}`);
  for (const r of [ra, rb]) {
    killAfter(t, r.pid);
    assert.equal(ppidOf(r.pid), helper.pid);
  }
  assert.notEqual(ra.pid, rb.pid);
  const ends = [ra.pid, rb.pid].map((pid) => new Promise((resolve) => helper.exitsOf(pid).once('exit', (code, sig) => resolve([code, sig]))));
  for (const r of [ra, rb]) process.kill(r.pid, 'SIGKILL');
  assert.deepEqual(await Promise.all(ends), [[null, 'SIGKILL'], [null, 'SIGKILL']]);
});

test('a helper that dies with spawns in flight: node\'s spawn starts them when the batch ends', async (t) => {
  const own = SpawnHelper.start();
  assert.ok(own !== null);
  const spawner = new NodeSpawner(new SpawnRoute(() => own));
  // Stopped, it reads nothing: both requests are still unanswered when it is killed.
  process.kill(own.pid, 'SIGSTOP');
  const settled: SpawnOutcome[] = [];
  spawner.beginBatch();
  spawner.spawnDeferred(request({}), (o) => settled.push(o));
  spawner.spawnDeferred(request({}), (o) => settled.push(o));
  process.kill(own.pid, 'SIGKILL');
  spawner.endBatch();
  const children = settled.map(childOf);
  for (const c of children) killAfter(t, c.pid);
  assert.equal(own.alive, false);
  for (const c of children) assert.equal(ppidOf(c.pid), process.pid, 'spawned by node');
  const ended = children.map(exitOf);
  for (const c of children) c.kill(constants.signals.SIGKILL, false);
  await Promise.all(ended);
});

// NodeSpawner with real children: environment, argv0, cwd/umask, supervisord's chdir failure,
// redirect_stderr ordering, process-group kills reaching grandchildren, and parent-death signals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeSpawner } from '../../../agent/process/node-spawner.js';
import type { SpawnRequest, SpawnedChild } from '../../../agent/process/spawner.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const ROOT = repoRoot();
const fixture = (name: string): string => join(ROOT, 'test', 'fixtures', 'programs', name);

function request(over: Partial<SpawnRequest>): SpawnRequest {
  return { file: '/bin/true', argv: ['/bin/true'], env: { PATH: process.env['PATH'] ?? '' }, cwd: null, user: null,
    umask: null, redirectStderr: false, parentDeathSignal: null, ...over };
}

/** A zombie waiting for init to reap it counts as gone: it runs nothing any more. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/s.test(stat);
  } catch {
    return false;
  }
}

function killGroupAfter(t: { after(fn: () => void): void }, pid: number): void {
  t.after(() => {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  });
}

interface Outcome { code: number | null; signal: number | null; out: string; err: string }

function collect(child: SpawnedChild): Promise<Outcome> {
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { err += c.toString(); });
  return new Promise((resolve) => child.onExit((code, signal) => resolve({ code, signal, out, err })));
}

function start(t: { after(fn: () => void): void }, over: Partial<SpawnRequest>): SpawnedChild {
  const child = new NodeSpawner().spawn(request(over));
  killGroupAfter(t, child.pid);
  return child;
}

test('the child gets exactly the given environment and argv0', async (t) => {
  const env = { PATH: '/usr/bin:/bin', FOO: 'bar baz' };
  const r = await collect(start(t, { file: fixture('print-env.js'), argv: ['print-env.js'], env }));
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.out), env);
  const a = await collect(start(t, { file: process.execPath, argv: ['mynode', fixture('print-args.js'), 'x y'] }));
  assert.deepEqual(JSON.parse(a.out), { argv0: 'mynode', args: ['x y'] });
});

test('cwd and umask are applied to the child and the daemon umask is restored', async (t) => {
  const dir = makeTmpDir(t);
  const before = process.umask();
  const r = await collect(start(t, { file: fixture('print-cwd-umask.js'), argv: ['p'], cwd: dir, umask: 0o027 }));
  assert.equal(r.out, `cwd ${dir}\numask 027\n`);
  assert.equal(process.umask(), before);
});

test('a missing directory gives supervisord\'s chdir text on stderr (stdout when redirected) and exit 127', async (t) => {
  const text = "supervisor: couldn't chdir to /nonexistent-dir-fv: ENOENT\nsupervisor: child process was not spawned\n";
  const r = await collect(start(t, { file: fixture('forever.js'), argv: ['forever.js'], cwd: '/nonexistent-dir-fv' }));
  assert.deepEqual(r, { code: 127, signal: null, out: '', err: text });
  const red = await collect(start(t, { file: fixture('forever.js'), argv: ['f'], cwd: '/nonexistent-dir-fv', redirectStderr: true }));
  assert.deepEqual(red, { code: 127, signal: null, out: text, err: '' });
});

test('an exec failure gives supervisord\'s "couldn\'t exec" text and exit 127', async (t) => {
  const r = await collect(start(t, { file: '/nonexistent/prog', argv: ['prog'] }));
  assert.equal(r.code, 127);
  assert.equal(r.err, "supervisor: couldn't exec prog: ENOENT\nsupervisor: child process was not spawned\n");
});

test('redirect_stderr shares one pipe, so interleaved stdout/stderr keep their order', async (t) => {
  const child = start(t, { file: fixture('spew.js'), argv: ['spew.js', '400'], redirectStderr: true });
  assert.equal(child.stderr, null);
  const r = await collect(child);
  const expected = Array.from({ length: 400 }, (_, i) => `${i % 2 === 0 ? 'out' : 'err'} ${i}\n`).join('');
  assert.equal(r.out, expected);
});

test('a group kill reaches the grandchild; onExit does not wait for pipes it holds', async (t) => {
  const child = start(t, { file: fixture('spawn-grandchild.js'), argv: ['g'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  await waitFor(() => /grandchild \d+\n/.test(out), { what: 'grandchild pid' });
  const grandchild = Number(/grandchild (\d+)/.exec(out)?.[1]);
  killGroupAfter(t, grandchild);
  const exited = new Promise<number | null>((resolve) => child.onExit((_c, s) => resolve(s)));
  child.kill(15, true);
  assert.equal(await exited, 15);
  await waitFor(() => !alive(grandchild), { what: 'grandchild gone' });
});

test('a child whose grandchild keeps the pipe open still reports its exit', async (t) => {
  const child = start(t, { file: fixture('spawn-grandchild.js'), argv: ['g'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  await waitFor(() => /grandchild \d+\n/.test(out), { what: 'grandchild pid' });
  const exited = new Promise<number | null>((resolve) => child.onExit((_c, s) => resolve(s)));
  child.kill(9, false);
  assert.equal(await exited, 9);
});

test('kill of a gone process throws ESRCH', async (t) => {
  const child = start(t, { file: '/bin/true', argv: ['true'] });
  await collect(child);
  assert.throws(() => child.kill(15, false), { code: 'ESRCH' });
});

test('with parentDeathSignal the child dies when the daemon is SIGKILLed', async (t) => {
  const daemon = spawn(process.execPath, [fixture('daemon-with-pdeathsig.js'), join(ROOT, 'dist', 'agent', 'process')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const daemonPid = daemon.pid ?? 0;
  t.after(() => { try { process.kill(daemonPid, 'SIGKILL'); } catch { /* gone */ } });
  let out = '';
  daemon.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  await waitFor(() => /child \d+\n/.test(out), { what: 'daemon to report its child' });
  const childPid = Number(/child (\d+)/.exec(out)?.[1]);
  killGroupAfter(t, childPid);
  assert.ok(alive(childPid));
  process.kill(daemonPid, 'SIGKILL');
  await waitFor(() => !alive(childPid), { what: 'orphaned child to die' });
});

// NodeSpawner with real children: environment, argv0, cwd/umask, supervisord's chdir and exec
// failures (ENOEXEC, user= access), real pipes as stdio, redirect_stderr ordering, process-group
// kills reaching grandchildren, and no fd leaks on any path. Run twice: through the spawn helper
// (spawner-helper.test.ts) and through node's own spawn (spawner-node.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpawnError } from '../../../agent/process/errors.js';
import { NodeSpawner } from '../../../agent/process/node-spawner.js';
import type { SpawnHelper } from '../../../agent/process/spawn-helper.js';
import type { SpawnRequest, SpawnedChild } from '../../../agent/process/spawner.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';
import { execedCmdline } from '../../helpers/proc.js';
import { SpawnRoute } from '../../../agent/process/spawn-route.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const ROOT = repoRoot();
const fixture = (name: string): string => join(ROOT, 'test', 'fixtures', 'programs', name);

function request(over: Partial<SpawnRequest>): SpawnRequest {
  return { file: '/bin/true', argv: ['/bin/true'], env: { PATH: process.env['PATH'] ?? '' }, cwd: null, user: null,
    umask: null, redirectStderr: false, ...over };
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

/** Every case, through `helper` (null: node's spawn); test names start with `label`. */
export function spawnerCases(label: string, helper: () => SpawnHelper | null): void {
  const named = (name: string): string => `${label}: ${name}`;

  function start(t: { after(fn: () => void): void }, over: Partial<SpawnRequest>): SpawnedChild {
    const child = new NodeSpawner(new SpawnRoute(helper)).spawn(request(over));
    killGroupAfter(t, child.pid);
    return child;
  }

  test(named('the child gets exactly the given environment and argv0'), async (t) => {
    const env = { PATH: '/usr/bin:/bin', FOO: 'bar baz' };
    const r = await collect(start(t, { file: fixture('print-env.js'), argv: ['print-env.js'], env }));
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.out), env);
    const a = await collect(start(t, { file: process.execPath, argv: ['mynode', fixture('print-args.js'), 'x y'] }));
    assert.deepEqual(JSON.parse(a.out), { argv0: 'mynode', args: ['x y'] });
  });

  test(named('cwd and umask are applied to the child and the daemon umask is restored'), async (t) => {
    const dir = makeTmpDir(t);
    const before = process.umask();
    const r = await collect(start(t, { file: fixture('print-cwd-umask.js'), argv: ['p'], cwd: dir, umask: 0o027 }));
    assert.equal(r.out, `cwd ${dir}\numask 027\n`);
    assert.equal(process.umask(), before);
  });

  test(named('a missing directory gives supervisord\'s chdir text on stderr (stdout when redirected) and exit 127'), async (t) => {
    const text = "supervisor: couldn't chdir to /nonexistent-dir-fv: ENOENT\nsupervisor: child process was not spawned\n";
    const r = await collect(start(t, { file: fixture('forever.js'), argv: ['forever.js'], cwd: '/nonexistent-dir-fv' }));
    assert.deepEqual(r, { code: 127, signal: null, out: '', err: text });
    const red = await collect(start(t, { file: fixture('forever.js'), argv: ['f'], cwd: '/nonexistent-dir-fv', redirectStderr: true }));
    assert.deepEqual(red, { code: 127, signal: null, out: text, err: '' });
  });

  test(named('an exec failure gives supervisord\'s "couldn\'t exec" text and exit 127'), async (t) => {
    const r = await collect(start(t, { file: '/nonexistent/prog', argv: ['prog'] }));
    assert.equal(r.code, 127);
    assert.equal(r.err, "supervisor: couldn't exec prog: ENOENT\nsupervisor: child process was not spawned\n");
  });

  test(named('redirect_stderr shares one pipe, so interleaved stdout/stderr keep their order'), async (t) => {
    const child = start(t, { file: fixture('spew.js'), argv: ['spew.js', '400'], redirectStderr: true });
    assert.equal(child.stderr, null);
    const r = await collect(child);
    const expected = Array.from({ length: 400 }, (_, i) => `${i % 2 === 0 ? 'out' : 'err'} ${i}\n`).join('');
    assert.equal(r.out, expected);
  });

  test(named('a group kill reaches the grandchild; onExit does not wait for pipes it holds'), async (t) => {
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

  test(named('a child whose grandchild keeps the pipe open still reports its exit'), async (t) => {
    const child = start(t, { file: fixture('spawn-grandchild.js'), argv: ['g'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    await waitFor(() => /grandchild \d+\n/.test(out), { what: 'grandchild pid' });
    const exited = new Promise<number | null>((resolve) => child.onExit((_c, s) => resolve(s)));
    child.kill(9, false);
    assert.equal(await exited, 9);
  });

  test(named('kill of a gone process throws ESRCH'), async (t) => {
    const child = start(t, { file: '/bin/true', argv: ['true'] });
    await collect(child);
    assert.throws(() => child.kill(15, false), { code: 'ESRCH' });
  });

  test(named('stdin, stdout and stderr are pipes (FIFOs), so /dev/stdout and /dev/stderr can be opened'), async (t) => {
    const script = 'echo out > /dev/stdout; echo err > /dev/stderr; for n in 0 1 2; do stat -L -c %F /proc/self/fd/$n; done; [ -p /dev/stdin ] && echo stdin-pipe';
    const r = await collect(start(t, { file: '/bin/sh', argv: ['sh', '-c', script] }));
    assert.deepEqual(r, { code: 0, signal: null, out: 'out\nfifo\nfifo\nfifo\nstdin-pipe\n', err: 'err\n' });
    const red = await collect(start(t, { file: '/bin/sh', argv: ['sh', '-c', script], redirectStderr: true }));
    assert.deepEqual(red, { code: 0, signal: null, out: 'out\nerr\nfifo\nfifo\nfifo\nstdin-pipe\n', err: '' });
    // Not sockets (Node's stdio 'pipe' is a socketpair): unlinked FIFOs of the daemon's private
    // directory, so readlink names that path (an os.pipe() would read pipe:[inode]).
    const links = await collect(start(t, { file: '/bin/sh', argv: ['sh', '-c', 'readlink /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2'] }));
    const lines = links.out.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 3);
    for (const l of lines) assert.match(l, new RegExp(`/fleetvisord-${process.pid}-\\w+/\\d+ \\(deleted\\)$`));
    assert.equal(new Set(lines).size, 3, 'three different pipes');
  });

  test(named('the child\'s pipe ends are blocking; the parent\'s own ends are separate, non-blocking descriptions'), async (t) => {
    const O_NONBLOCK = 0o4000;
    const flags = (text: string): number[] => [...text.matchAll(/^flags:\s+(\d+)$/gm)].map((m) => parseInt(m[1] ?? '0', 8));
    const child = start(t, { file: '/bin/sh', argv: ['sh', '-c', 'cat /proc/self/fdinfo/0 /proc/self/fdinfo/1 /proc/self/fdinfo/2; read line; echo "got $line"'] });
    const done = collect(child);
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
      const fd = (stream as unknown as { _handle?: { fd?: number } } | null)?._handle?.fd;
      assert.ok(typeof fd === 'number' && fd > 2);
      assert.notEqual((flags(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))[0] ?? 0) & O_NONBLOCK, 0, 'parent end is non-blocking');
    }
    child.stdin?.write('hello\n');
    const r = await done;
    assert.equal(r.code, 0);
    const got = flags(r.out);
    assert.equal(got.length, 3);
    for (const f of got) assert.equal(f & O_NONBLOCK, 0, 'child end is blocking');
    assert.match(r.out, /got hello\n$/);
  });

  test(named('stdin: what the parent writes reaches the child; closing it gives the child EOF'), async (t) => {
    const child = start(t, { file: '/bin/cat', argv: ['cat'] });
    const done = collect(child);
    child.stdin?.end('line one\nline two\n');
    assert.deepEqual(await done, { code: 0, signal: null, out: 'line one\nline two\n', err: '' });
  });

  test(named('argv[0] is the word written in command=: `sleep` stays `sleep`'), async (t) => {
    const child = start(t, { file: '/bin/sleep', argv: ['sleep', '30'] });
    assert.equal(await execedCmdline(child.pid, 'sleep'), 'sleep\u000030\u0000');
  });

  test(named('a script without #! is not run by /bin/sh: ENOEXEC, as supervisord\'s execve gives'), async (t) => {
    const dir = makeTmpDir(t);
    const script = join(dir, 'noshebang');
    writeFileSync(script, 'echo ran\n', { mode: 0o755 });
    const text = "supervisor: couldn't exec noshebang: ENOEXEC\nsupervisor: child process was not spawned\n";
    assert.deepEqual(await collect(start(t, { file: script, argv: ['noshebang'] })), { code: 127, signal: null, out: '', err: text });
    assert.deepEqual(await collect(start(t, { file: script, argv: ['noshebang'], redirectStderr: true })), { code: 127, signal: null, out: text, err: '' });
    writeFileSync(script, '', { mode: 0o755 });
    assert.equal((await collect(start(t, { file: script, argv: ['noshebang'] }))).err, text, 'an empty file too');
  });

  test(named('a #! naming a missing interpreter gives "couldn\'t exec ...: ENOENT"'), async (t) => {
    const dir = makeTmpDir(t);
    const script = join(dir, 'badinterp');
    writeFileSync(script, '#!/nonexistent/interpreter\necho ran\n', { mode: 0o755 });
    const r = await collect(start(t, { file: script, argv: [script] }));
    assert.deepEqual(r, { code: 127, signal: null, out: '', err: `supervisor: couldn't exec ${script}: ENOENT\nsupervisor: child process was not spawned\n` });
  });

  const nobody = (() => {
    try {
      const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'));
      const f = line?.split(':') ?? [];
      return line ? { name: 'nobody', uid: Number(f[2]), gid: Number(f[3]) } : null;
    } catch { return null; }
  })();
  const asRoot = process.getuid?.() === 0 && nobody !== null ? false : 'needs root and a user nobody';

  test(named('user=nobody: privileges are dropped before the chdir, so a 0700 root directory is EACCES'), { skip: asRoot }, async (t) => {
    const dir = makeTmpDir(t);
    chmodSync(dir, 0o700);
    const text = `supervisor: couldn't chdir to ${dir}: EACCES\nsupervisor: child process was not spawned\n`;
    assert.deepEqual(await collect(start(t, { file: '/bin/true', argv: ['true'], user: nobody, cwd: dir })), { code: 127, signal: null, out: '', err: text });
    const inner = join(dir, 'inner');
    mkdirSync(inner, { mode: 0o755 });
    const deep = await collect(start(t, { file: '/bin/true', argv: ['true'], user: nobody, cwd: inner }));
    assert.equal(deep.err, `supervisor: couldn't chdir to ${inner}: EACCES\nsupervisor: child process was not spawned\n`, 'a parent component counts');
    chmodSync(dir, 0o755);
    assert.deepEqual(await collect(start(t, { file: '/bin/true', argv: ['true'], user: nobody, cwd: inner })), { code: 0, signal: null, out: '', err: '' });
  });

  test(named('user=nobody: the child runs as the user, with argv[0] as written'), { skip: asRoot }, async (t) => {
    const child = start(t, { file: '/bin/sleep', argv: ['sleep', '30'], user: nobody, env: { PATH: '/usr/bin:/bin' } });
    assert.equal(await execedCmdline(child.pid, 'sleep'), 'sleep\u000030\u0000');
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    assert.match(status, new RegExp(`^Uid:\\t${nobody?.uid}\\t${nobody?.uid}\\t${nobody?.uid}\\t${nobody?.uid}$`, 'm'));
    assert.match(status, new RegExp(`^Gid:\\t${nobody?.gid}\\t`, 'm'));
    const dir = makeTmpDir(t);
    const own = join(dir, 'prog');
    writeFileSync(own, '#!/bin/sh\nexit 0\n', { mode: 0o700 });
    const r = await collect(start(t, { file: own, argv: [own], user: nobody }));
    assert.equal(r.err, `supervisor: couldn't exec ${own}: EACCES\nsupervisor: child process was not spawned\n`, 'exec access is the user\'s');
  });

  function openFds(): number {
    return readdirSync('/proc/self/fd').length;
  }

  /** The fd count once the streams of earlier children finished closing (they close asynchronously). */
  async function settledFds(): Promise<number> {
    await new Promise((r) => setTimeout(r, 300));
    return openFds();
  }

  test(named('no fd leaks: 200 spawns and exits (ok, exec failures, chdir failures) leave the fd count as it was'), async (t) => {
    await collect(start(t, { file: '/bin/true', argv: ['true'] })); // libuv's own first-spawn fds
    const before = await settledFds();
    for (let i = 0; i < 200; i++) {
      const kind = i % 4;
      const over: Partial<SpawnRequest> = kind === 0 ? { file: '/bin/true', argv: ['true'], redirectStderr: i % 8 === 0 }
        : kind === 1 ? { file: '/nonexistent/x', argv: ['x'] }
          : kind === 2 ? { file: '/bin/true', argv: ['true'], cwd: '/nonexistent-fv' }
            : { file: '/bin/cat', argv: ['cat'] };
      const child = start(t, over);
      const done = collect(child);
      child.stdin?.end('x');
      await done;
    }
    await waitFor(() => openFds() === before, { what: `fd count back to ${before} (now ${openFds()})`, timeoutMs: 5000 });
  });

  test(named('out of descriptors: the spawn fails with EMFILE and closes what it had opened'), async (t) => {
    await collect(start(t, { file: '/bin/true', argv: ['true'] }));
    const before = await settledFds();
    const soft = /^Max open files\s+(\d+)\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    assert.ok(soft);
    const setLimit = (n: string): void => {
      const r = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${n}:${soft[2]}`]);
      assert.equal(r.status, 0, String(r.stderr));
    };
    setLimit(String(before + 100));
    t.after(() => setLimit(soft[1] ?? '1024'));
    let failures = 0;
    let successes = 0;
    for (let room = 0; room < 16; room++) {
      // Fill the table, then leave `room` descriptors free for the spawn.
      const fillers: number[] = [];
      for (;;) {
        try { fillers.push(openSync('/dev/null', 'r')); } catch { break; }
      }
      for (const fd of fillers.splice(0, room)) closeSync(fd);
      let child: SpawnedChild | null = null;
      try {
        child = new NodeSpawner(new SpawnRoute(helper)).spawn(request({ file: '/bin/cat', argv: ['cat'] }));
      } catch (err) {
        assert.ok(err instanceof SpawnError, String(err));
        assert.match(err.code, /^E[MN]FILE$/);
        failures += 1;
      } finally {
        for (const fd of fillers) closeSync(fd);
      }
      if (child !== null) {
        killGroupAfter(t, child.pid);
        const done = collect(child);
        child.stdin?.end();
        await done;
        successes += 1;
      }
      await waitFor(() => openFds() === before, { what: `fd count back to ${before} (now ${openFds()}) with room ${room}`, timeoutMs: 5000 });
    }
    assert.ok(failures > 0 && successes > 0, `failures ${failures}, successes ${successes}`);
  });
}

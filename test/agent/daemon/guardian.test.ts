// The orphan guardian (layer 1): one /bin/sh per daemon that ends the daemon's child process groups
// the moment the daemon dies, whatever kills it (even a SIGKILL of the daemon's whole process
// group), and that goes away quietly after an orderly end. Driven through a stand-in daemon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../../helpers/daemon.js';
import { programsDir, repoRoot } from '../../helpers/paths.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';
import { GUARDIAN_NAME } from '../../../agent/daemon/guardian.js';
import { readProcStat } from '../../../agent/process/proc-stat.js';
import { pipeDirPrefix } from '../../../agent/process/fifo-pool.js';

interface Started { daemon: number; child: number; grandchild: number; guardian: number; dir: string; out: () => string }

async function startStandIn(t: { after(fn: () => void): void }, extra?: string): Promise<Started> {
  const ledger = join(makeTmpDir(t), 'daemon.pid.children');
  const args = [join(programsDir, 'daemon-with-guardian.js'), join(repoRoot, 'dist', 'agent'), ledger];
  if (extra !== undefined) args.push(extra);
  // Detached: its own process group, so the test can SIGKILL the whole group.
  const proc = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  const daemon = proc.pid ?? -1;
  const pids: number[] = [daemon];
  t.after(() => { for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } } });
  await waitFor(() => /guardian \d+ dir /.test(out), { what: 'the stand-in daemon to start', timeoutMs: 15_000 });
  const m = /child (\d+) grandchild (\d+) guardian (\d+) dir (\S+)/.exec(out);
  assert.ok(m);
  const [child, grandchild, guardian] = [Number(m[1]), Number(m[2]), Number(m[3])];
  pids.push(child, grandchild, guardian);
  // The child leads its process group; the shell may fork its last `sleep` rather than exec it.
  t.after(() => { try { process.kill(-child, 'SIGKILL'); } catch { /* gone */ } });
  // The stand-in's own exit would remove its FIFO directory; a SIGKILL with its guardian does not.
  t.after(() => rmSync(m[4] ?? '/nonexistent', { recursive: true, force: true }));
  return { daemon, child, grandchild, guardian, dir: m[4] ?? '', out: () => out };
}

test('SIGKILL of the daemon\'s whole process group: the guardian survives it and ends the child group, grandchild included', async (t) => {
  const s = await startStandIn(t);
  assert.ok(existsSync(s.dir), 'the FIFO directory exists while the daemon runs');
  assert.equal(readProcStat(s.guardian)?.pgrp, s.guardian, 'the guardian leads its own process group');
  process.kill(-s.daemon, 'SIGKILL');
  await waitFor(() => !isAlive(s.child) && !isAlive(s.grandchild), { what: 'child and grandchild ended', timeoutMs: 5000 });
  await waitFor(() => !isAlive(s.guardian), { what: 'the guardian to exit', timeoutMs: 5000 });
  assert.ok(!existsSync(s.dir), 'the guardian removed the FIFO directory');
});

test('the guardian is small, holds only its stdin pipe and /dev/null, and its name says what it is', async (t) => {
  const s = await startStandIn(t);
  const fds = readdirSync(`/proc/${s.guardian}/fd`).sort();
  assert.deepEqual(fds.slice(0, 3), ['0', '1', '2']);
  // Beyond those, only what the test's own launcher let every process inherit (no O_CLOEXEC).
  for (const fd of fds.slice(3)) {
    assert.ok(Number(fd) > 9, `fd ${fd} should have been closed`);
    assert.equal(readlinkSync(`/proc/${s.guardian}/fd/${fd}`), readlinkSync(`/proc/self/fd/${fd}`), `fd ${fd} is inherited from the launcher`);
  }
  assert.ok(statSync(`/proc/${s.guardian}/fd/0`).isFIFO(), 'stdin is a pipe');
  assert.equal(readlinkSync(`/proc/${s.guardian}/fd/1`), '/dev/null');
  // `ps` shows one short, named command: the name and the FIFO directory prefix, no script text.
  const argv = readFileSync(`/proc/${s.guardian}/cmdline`, 'utf8').split('\0').slice(0, -1);
  assert.deepEqual(argv, [GUARDIAN_NAME, '-s', pipeDirPrefix(s.daemon)]);
  assert.ok(s.dir.startsWith(pipeDirPrefix(s.daemon)), `${s.dir} is the stand-in's FIFO directory`);
  const rss = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${s.guardian}/status`, 'utf8'))?.[1]);
  assert.ok(rss > 0 && rss < 4096, `guardian RSS ${rss} kB`);
});

test('an orderly end (release) makes the guardian exit without killing anything', async (t) => {
  const s = await startStandIn(t);
  process.kill(s.daemon, 'SIGUSR2');
  await waitFor(() => s.out().includes('released\n'), { what: 'release' });
  await waitFor(() => !isAlive(s.guardian), { what: 'the guardian to exit', timeoutMs: 5000 });
  process.kill(s.daemon, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(isAlive(s.child) && isAlive(s.grandchild), 'nothing was killed');
});

test('a listed group whose leader pid now has another start time is left alone', async (t) => {
  const other = spawn('/bin/sleep', ['300'], { detached: true, stdio: 'ignore' });
  const otherPid = other.pid ?? -1;
  t.after(() => { try { process.kill(otherPid, 'SIGKILL'); } catch { /* gone */ } });
  const starttime = readProcStat(otherPid)?.starttime ?? 0;
  const s = await startStandIn(t, `${otherPid} ${starttime + 1} other`);
  process.kill(-s.daemon, 'SIGKILL');
  await waitFor(() => !isAlive(s.guardian), { what: 'the guardian to exit', timeoutMs: 5000 });
  assert.ok(!isAlive(s.child), 'the real child group was ended');
  assert.ok(isAlive(otherPid), 'the reused pid was not signalled');
});

// The machine's own limits, measured in the same run as the daemons: raw fork/exec from node and
// raw pipe throughput into node, the CPU a C loop spends copying a pipe into files, so each daemon figure can be read against the physical limit.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpawnHelper } from '../agent/process/spawn-helper.js';

/** ms to spawn n `sleep` children at once until every one has exec'd (node's 'spawn' event). */
export async function rawSpawn(n: number): Promise<number> {
  const kids: ChildProcess[] = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
    const c = spawn('/bin/sleep', ['3600'], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    kids.push(c);
    c.once('spawn', () => resolve());
    c.once('error', reject);
  })));
  const ms = performance.now() - t0;
  for (const k of kids) { try { process.kill(k.pid as number, 'SIGKILL'); } catch { /* gone */ } }
  return ms;
}

/** MiB/s node reads from one child writing `mb` MiB to a pipe as fast as it can. */
export async function rawPipe(mb: number): Promise<number> {
  const t0 = performance.now();
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    const c = spawn('/usr/bin/head', ['-c', String(mb * 1048576), '/dev/zero'], { stdio: ['ignore', 'pipe', 'ignore'] });
    c.stdout.on('data', (b: Buffer) => { bytes += b.length; });
    c.once('error', reject);
    c.once('close', () => resolve());
  });
  return (bytes / 1048576) / ((performance.now() - t0) / 1000);
}

/**
 * ms for fv-spawn (the daemon's spawn helper) to fork and exec n `/bin/true` children and reap
 * them all: fork/exec without node's own fork of its large address space; null when not built.
 */
export async function rawHelperSpawn(n: number): Promise<number | null> {
  const helper = SpawnHelper.start();
  if (helper === null) return null;
  const nul = openSync('/dev/null', 'r+');
  const ended: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = helper.spawn({ file: '/bin/true', argv: ['true'], env: { PATH: '/usr/bin:/bin' }, cwd: null, umask: null,
      stdinFd: nul, stdoutFd: nul, stderrFd: nul });
    if ('pid' in r) ended.push(new Promise<void>((resolve) => helper.exitsOf(r.pid).once('exit', () => resolve())));
  }
  await Promise.all(ended);
  const ms = performance.now() - t0;
  helper.close();
  closeSync(nul);
  return ms;
}

// dd reads the pipe and writes files (256 MiB each, two names in turn, as rotation replaces old
// files); python's wait4 gives dd's own CPU seconds, so the figure is a C read(2)+write(2) loop's.
const COPY_FLOOR = `
import os, sys
mb, d = int(sys.argv[1]), sys.argv[2]
r, w = os.pipe()
head = os.posix_spawn('/usr/bin/head', ['head', '-c', str(mb << 20), '/dev/zero'], os.environ,
                      file_actions=[(os.POSIX_SPAWN_DUP2, w, 1)])
os.close(w)
cpu, left, i = 0.0, mb, 0
while left > 0:
    n = min(256, left)
    pid = os.posix_spawn('/bin/dd', ['dd', 'bs=64K', 'count=%d' % (n * 16), 'iflag=fullblock', 'status=none',
                         'of=%s/dd.%d' % (d, i % 2)], os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, r, 0)])
    ru = os.wait4(pid, 0)[2]
    cpu += ru.ru_utime + ru.ru_stime
    left -= n
    i += 1
os.waitpid(head, 0)
print(cpu / (mb / 1024.0))
`;

/** CPU seconds per GiB that dd (a C read+write loop) spends copying a pipe into files: the floor for log capture. */
export function rawCopyCpuPerGiB(mb: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'fv-bench-dd-'));
  try {
    return Number(execFileSync('python3', ['-c', COPY_FLOOR, String(mb), dir], { encoding: 'utf8' }).trim());
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

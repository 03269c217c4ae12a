// The machine's own limits, measured in the same run as the daemons: raw fork/exec from node and
// raw pipe throughput into node, so each daemon figure can be read against the physical limit.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
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

// The machine's own limits, measured in the same run as the daemons: raw fork/exec from node and
// raw pipe throughput into node, so each daemon figure can be read against the physical limit.
import { spawn, type ChildProcess } from 'node:child_process';

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

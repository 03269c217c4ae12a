// Benchmark plumbing: start fleetvisord or supervisord 4.2.5 on a config in a temp dir, read its
// main log, its CPU time and RSS from /proc, and stop it and everything it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export type Kind = 'fleetvisord' | 'supervisord';
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLK_TCK = 100;

export interface BenchDaemon {
  readonly kind: Kind;
  readonly dir: string;
  readonly proc: ChildProcess;
  readonly startedAt: number;
  log(): string;
  cpuSeconds(): number;
  rssKiB(): number;
  stop(): Promise<void>;
}

/** Extra node flags for fleetvisord (BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`), to profile a bench. */
function nodeArgs(): string[] {
  return (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
}

export function startBenchDaemon(kind: Kind, body: string): BenchDaemon {
  const dir = mkdtempSync(join(tmpdir(), `fv-bench-${kind}-`));
  const conf = join(dir, 'supervisord.conf');
  writeFileSync(conf, `[supervisord]\nlogfile=${dir}/main.log\npidfile=${dir}/d.pid\nchildlogdir=${dir}\nnodaemon=true\nsilent=true\nminfds=4096\n${body}`);
  const [cmd, args] = kind === 'fleetvisord'
    ? [process.execPath, [...nodeArgs(), join(repoRoot, 'dist', 'agent', 'bin', 'fleetvisord.js'), '-c', conf]]
    : ['/usr/bin/supervisord', ['-c', conf]];
  const startedAt = performance.now();
  const proc = spawn(cmd, args, { cwd: dir, stdio: 'ignore' });
  const pid = proc.pid ?? -1;
  const exited = new Promise<void>((r) => proc.on('exit', () => r()));
  return {
    kind, dir, proc, startedAt,
    log: () => { try { return readFileSync(join(dir, 'main.log'), 'utf8'); } catch { return ''; } },
    cpuSeconds: () => {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    },
    rssKiB: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0),
    stop: async () => {
      const kids = descendants(pid);
      try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
      await Promise.race([exited, sleep(60_000)]);
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      for (const k of kids) { try { process.kill(k, 'SIGKILL'); } catch { /* gone */ } }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every live descendant pid of `root`, through /proc ppid links. */
export function descendants(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch { /* exited meanwhile */ }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) for (const c of parents.get(queue.shift() as number) ?? []) { out.push(c); queue.push(c); }
  return out;
}

/** Polls until cond() holds; returns the elapsed ms since `from`. Throws after timeoutMs. */
export async function until(cond: () => boolean, from: number, timeoutMs = 120_000): Promise<number> {
  for (;;) {
    if (cond()) return performance.now() - from;
    if (performance.now() - from > timeoutMs) throw new Error('benchmark condition timed out');
    await sleep(5);
  }
}

/** Main-log timestamps in ms since the epoch (local time). */
export function logTime(line: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3})/.exec(line);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s, ms] = m.map(Number) as number[];
  return new Date(y as number, (mo as number) - 1, d, h, mi, s, ms).getTime();
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

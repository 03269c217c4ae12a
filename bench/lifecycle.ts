// Benchmarks observable without the API: crash-to-restart delay, log capture cost, idle memory.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { logTime, median, repoRoot, startBenchDaemon, until, type Kind } from './daemon.js';
import { programs } from './api.js';

const chatty = join(repoRoot, 'bench', 'programs', 'chatty.js');

/** Delays (ms) between each "exited:" and the next "spawned:" of a program that exits every 200 ms. */
export async function crashRestart(kind: Kind): Promise<number[]> {
  const node = process.execPath;
  const d = startBenchDaemon(kind, `[program:crash]\ncommand=${node} -e "setTimeout(()=>process.exit(1),200)"\nstartsecs=0\nautorestart=true\nstdout_logfile=NONE\nstderr_logfile=NONE\n`);
  try {
    await until(() => (d.log().match(/ exited: crash /g)?.length ?? 0) >= 10, d.startedAt);
    const lines = d.log().split('\n');
    const delays: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (!/ exited: crash /.test(lines[i] ?? '')) continue;
      const next = lines.slice(i + 1).find((l) => / spawned: 'crash' /.test(l));
      if (next) delays.push(logTime(next) - logTime(lines[i] as string));
    }
    return delays;
  } finally { await d.stop(); }
}

export interface Capture { mbPerS: number; cpuPerGiB: number; lostBytes: number }

/** `children` chatty programs each write mb MiB; rotation on (8 MB x 40 backups keeps it all). */
export async function capture(kind: Kind, children: number, mb: number): Promise<Capture> {
  const d = startBenchDaemon(kind, programs(children, (i) =>
    `command=${process.execPath} ${chatty} ${mb}\nstartsecs=0\nautorestart=false\nstdout_logfile=%(here)s/c${i}.log\nstdout_logfile_maxbytes=8MB\nstdout_logfile_backups=40\nstderr_logfile=NONE`));
  try {
    await until(() => d.log().includes('spawned: '), d.startedAt);
    const cpu0 = d.cpuSeconds();
    const t0 = performance.now();
    await until(() => (d.log().match(/ exited: /g)?.length ?? 0) >= children, t0, 600_000);
    const secs = (performance.now() - t0) / 1000;
    const cpu = d.cpuSeconds() - cpu0;
    let written = 0;
    for (const f of readdirSync(d.dir)) if (/^c\d+\.log/.test(f)) written += statSync(join(d.dir, f)).size;
    const expected = children * mb * 1024 * 1024;
    return { mbPerS: (written / 1048576) / secs, cpuPerGiB: cpu / (expected / 2 ** 30), lostBytes: expected - written };
  } finally { await d.stop(); }
}

/**
 * Daemon RSS in KiB once n sleeping programs are RUNNING and the daemon is idle: sampled every
 * 5 s for up to 60 s, until it falls 15% below the highest sample: V8's memory reducer gives
 * back the heap grown during the start-up burst only a while after it. supervisord's RSS does not
 * move, so it is read after the full minute.
 */
export async function rss(kind: Kind, n: number): Promise<number> {
  const d = startBenchDaemon(kind, programs(n, () => 'command=/bin/sleep 3600\nstartsecs=0\nstdout_logfile=NONE\nstderr_logfile=NONE'));
  try {
    await until(() => (d.log().match(/ success: /g)?.length ?? 0) >= n && d.log().includes('started with pid'), d.startedAt, 600_000);
    let high = d.rssKiB();
    let last = high;
    for (let t = 0; t < 60_000; t += 5000) {
      await new Promise((r) => setTimeout(r, 5000));
      last = d.rssKiB();
      if (last < high * 0.85) break;
      high = Math.max(high, last);
    }
    return last;
  } finally { await d.stop(); }
}

export { median };

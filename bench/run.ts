// npm run bench: fleetvisord and supervisord 4.2.5 side by side on the same configs, rounds
// alternating A B A B, medians reported with the ratio supervisord/fleetvisord (>1: we are better)
// for times and fleetvisord/supervisord for costs. Only what is observable without the API is
// measured here: start-up to RUNNING, crash-to-restart delay, log capture cost, idle memory.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { logTime, median, repoRoot, startBenchDaemon, until, type Kind } from './daemon.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const KINDS: Kind[] = ['fleetvisord', 'supervisord'];
const chatty = join(repoRoot, 'bench', 'programs', 'chatty.js');

function programs(n: number, body: (i: number) => string): string {
  return Array.from({ length: n }, (_, i) => `[program:p${i}]\n${body(i)}\n`).join('');
}

/** ms from launching the daemon until n programs logged "success:" (RUNNING). */
async function startup(kind: Kind, n: number): Promise<number> {
  const d = startBenchDaemon(kind, programs(n, () => 'command=/bin/sleep 600\nstartsecs=0\nstdout_logfile=NONE\nstderr_logfile=NONE'));
  try {
    return await until(() => (d.log().match(/ success: /g)?.length ?? 0) >= n, d.startedAt);
  } finally { await d.stop(); }
}

/** Median ms between "exited:" and the next "spawned:" of a program that exits every 200 ms. */
async function crashRestart(kind: Kind): Promise<number> {
  const node = process.execPath;
  const d = startBenchDaemon(kind, `[program:crash]\ncommand=${node} -e "setTimeout(()=>process.exit(1),200)"\nstartsecs=0\nautorestart=true\nstdout_logfile=NONE\nstderr_logfile=NONE\n`);
  try {
    await until(() => (d.log().match(/ exited: crash /g)?.length ?? 0) >= 8, d.startedAt);
    const lines = d.log().split('\n');
    const delays: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (!/ exited: crash /.test(lines[i] ?? '')) continue;
      const next = lines.slice(i + 1).find((l) => / spawned: 'crash' /.test(l));
      if (next) delays.push(logTime(next) - logTime(lines[i] as string));
    }
    return median(delays);
  } finally { await d.stop(); }
}

interface Capture { mbPerS: number; cpuPerGiB: number; lostBytes: number }
/** `children` chatty programs each write mb MiB; rotation on (8 MB x 20 backups keeps it all). */
async function capture(kind: Kind, children: number, mb: number): Promise<Capture> {
  const d = startBenchDaemon(kind, programs(children, (i) =>
    `command=${process.execPath} ${chatty} ${mb}\nstartsecs=0\nautorestart=false\nstdout_logfile=%(here)s/c${i}.log\nstdout_logfile_maxbytes=8MB\nstdout_logfile_backups=20\nstderr_logfile=NONE`));
  try {
    await until(() => d.log().includes('spawned: '), d.startedAt);
    const cpu0 = d.cpuSeconds();
    const t0 = performance.now();
    await until(() => (d.log().match(/ exited: /g)?.length ?? 0) >= children, t0, 300_000);
    const secs = (performance.now() - t0) / 1000;
    const cpu = d.cpuSeconds() - cpu0;
    let written = 0;
    for (const f of readdirSync(d.dir)) if (/^c\d+\.log/.test(f)) written += statSync(join(d.dir, f)).size;
    const expected = children * mb * 1024 * 1024;
    return { mbPerS: (written / 1048576) / secs, cpuPerGiB: cpu / (expected / 2 ** 30), lostBytes: expected - written };
  } finally { await d.stop(); }
}

/** Daemon RSS in KiB once n sleeping programs are RUNNING. */
async function rss(kind: Kind, n: number): Promise<number> {
  const d = startBenchDaemon(kind, programs(n, () => 'command=/bin/sleep 600\nstartsecs=0\nstdout_logfile=NONE\nstderr_logfile=NONE'));
  try {
    await until(() => (d.log().match(/ success: /g)?.length ?? 0) >= n && d.log().includes('started with pid'), d.startedAt);
    await new Promise((r) => setTimeout(r, 1500));
    return d.rssKiB();
  } finally { await d.stop(); }
}

/** The machine's own limit: fork/exec of n `true` children, all at once, until all exited. */
async function rawSpawn(n: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, () => new Promise((r) => spawn('/bin/true').on('exit', r))));
  return performance.now() - t0;
}

async function measure<T>(label: string, fn: (k: Kind) => Promise<T>): Promise<Record<Kind, T[]>> {
  const out: Record<Kind, T[]> = { fleetvisord: [], supervisord: [] };
  for (let r = 0; r < ROUNDS; r++) for (const k of KINDS) out[k].push(await fn(k));
  process.stderr.write(`measured ${label}\n`);
  return out;
}

function row(name: string, unit: string, a: number[], b: number[], lowerIsBetter = true): string {
  const ma = median(a);
  const mb = median(b);
  const ratio = lowerIsBetter ? mb / ma : ma / mb;
  return `| ${name} | ${ma.toFixed(1)} ${unit} | ${mb.toFixed(1)} ${unit} | ${ratio.toFixed(2)}x |`;
}

async function main(): Promise<void> {
  try { execFileSync('/usr/bin/supervisord', ['-v']); } catch { throw new Error('supervisord 4.2.5 is needed: apt-get install -y supervisor'); }
  const rows: string[] = [];
  const s100 = await measure('startup 100', (k) => startup(k, 100));
  rows.push(row('launch to 100 programs RUNNING', 'ms', s100.fleetvisord, s100.supervisord));
  const s500 = await measure('startup 500', (k) => startup(k, 500));
  rows.push(row('launch to 500 programs RUNNING', 'ms', s500.fleetvisord, s500.supervisord));
  const cr = await measure('crash-restart', crashRestart);
  rows.push(row('crash to restart, median', 'ms', cr.fleetvisord, cr.supervisord));
  for (const n of [1, 4]) {
    const c = await measure(`capture ${n}`, (k) => capture(k, n, 64));
    rows.push(row(`log capture ${n} child(ren) x 64 MiB: throughput`, 'MiB/s', c.fleetvisord.map((x) => x.mbPerS), c.supervisord.map((x) => x.mbPerS), false));
    rows.push(row(`log capture ${n} child(ren): daemon CPU per GiB`, 's', c.fleetvisord.map((x) => x.cpuPerGiB), c.supervisord.map((x) => x.cpuPerGiB)));
    rows.push(`| log capture ${n}: bytes lost (fleetvisord / supervisord) | ${c.fleetvisord.map((x) => x.lostBytes).join(',')} | ${c.supervisord.map((x) => x.lostBytes).join(',')} | |`);
  }
  const r0 = await measure('rss 0', (k) => rss(k, 0));
  const r100 = await measure('rss 100', (k) => rss(k, 100));
  rows.push(row('daemon RSS, 0 programs', 'KiB', r0.fleetvisord, r0.supervisord));
  rows.push(row('daemon RSS, 100 programs', 'KiB', r100.fleetvisord, r100.supervisord));
  const perProc = (k: Kind) => r100[k].map((v, i) => (v - (r0[k][i] ?? 0)) / 100);
  rows.push(row('RSS per supervised process', 'KiB', perProc('fleetvisord'), perProc('supervisord')));
  const raw = [await rawSpawn(500), await rawSpawn(500)];
  console.log(`Fleetvisor bench: ${ROUNDS} rounds each, alternating; medians. Ratio >1 means fleetvisord is better.\n`);
  console.log('| measure | fleetvisord | supervisord 4.2.5 | ratio |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log(`\nMachine limit: raw fork/exec of 500 /bin/true children from node: ${median(raw).toFixed(0)} ms.`);
}

main().catch((err: unknown) => { console.error(err); process.exit(1); });

// npm run bench: fleetvisord and supervisord 4.2.5 side by side on the same configs, rounds
// alternating A B A B (BENCH_ROUNDS, default 2), medians, and the ratio that says how much better
// fleetvisord is (>1 is better: supervisord/fleetvisord for times and costs, fleetvisord/supervisord
// for throughputs). The machine's own limits are measured in the same run. Output: a markdown table.
import { execFileSync } from 'node:child_process';
import { median, type Kind } from './daemon.js';
import { benchInfo, benchReadLog, benchStartup, benchStopStartAll } from './api.js';
import { capture, crashRestart, rss } from './lifecycle.js';
import { rawCopyCpuPerGiB, rawHelperSpawn, rawPipe, rawSpawn } from './machine.js';
import { benchEvents } from './events.js';
import { benchLogtail, logtailRows } from './logtail.js';
import { benchHub } from './hub.js';
import { benchDeps } from './deps.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const KINDS: Kind[] = ['fleetvisord', 'supervisord'];
const rows: string[] = [];

async function measure<T>(label: string, fn: (k: Kind) => Promise<T>): Promise<Record<Kind, T[]>> {
  const out: Record<Kind, T[]> = { fleetvisord: [], supervisord: [] };
  for (let r = 0; r < ROUNDS; r++) for (const k of KINDS) out[k].push(await fn(k));
  process.stderr.write(`measured ${label}\n`);
  return out;
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));

/** One table row from the per-round values of both daemons. */
function row(name: string, unit: string, a: number[], b: number[], better: 'lower' | 'higher'): void {
  const ma = median(a);
  const mb = median(b);
  const ratio = better === 'lower' ? mb / ma : ma / mb;
  rows.push(`| ${name} | ${fmt(ma)} ${unit} | ${fmt(mb)} ${unit} | ${ratio.toFixed(2)}x |`);
}

function pick<T>(m: Record<Kind, T[]>, f: (t: T) => number): [number[], number[]] {
  return [m.fleetvisord.map(f), m.supervisord.map(f)];
}

async function benchAgent(): Promise<void> {
  try { execFileSync('/usr/bin/supervisord', ['-v']); } catch { throw new Error('supervisord 4.2.5 is needed: apt-get install -y supervisor'); }
  const spawnLimit: number[] = [];
  const pipeLimit: number[] = [];
  const helperLimit: number[] = [];
  const copyLimit: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    spawnLimit.push(await rawSpawn(500));
    const h = await rawHelperSpawn(500);
    if (h !== null) helperLimit.push(h);
    pipeLimit.push(await rawPipe(1024));
    copyLimit.push(rawCopyCpuPerGiB(1024));
  }
  const forkLimits: [string, number][] = [['node', median(spawnLimit)]];
  if (helperLimit.length > 0) forkLimits.push(['fv-spawn', median(helperLimit)]);

  const info = await measure('getAllProcessInfo/getState at 1000', (k) => benchInfo(k, 1000));
  row('getAllProcessInfo, 1000 processes, 1 client', 'calls/s', ...pick(info, (x) => x.all1.callsPerS), 'higher');
  row('getAllProcessInfo, 1000 processes, 1 client, p50 latency', 'ms', ...pick(info, (x) => x.all1.p50Ms), 'lower');
  row('getAllProcessInfo, 1000 processes, 8 clients', 'calls/s', ...pick(info, (x) => x.all8.callsPerS), 'higher');
  row('getState, 1000 processes, 1 client', 'calls/s', ...pick(info, (x) => x.state1.callsPerS), 'higher');
  row('getState, 1000 processes, 1 client, p50 latency', 'ms', ...pick(info, (x) => x.state1.p50Ms), 'lower');
  row('getState, 1000 processes, 8 clients', 'calls/s', ...pick(info, (x) => x.state8.callsPerS), 'higher');

  for (const n of [100, 500]) {
    const s = await measure(`startup ${n}`, (k) => benchStartup(k, n));
    row(`launch to ${n} programs RUNNING`, 'ms', ...pick(s, (x) => x.runningMs), 'lower');
    row(`  longest getState answer meanwhile`, 'ms', ...pick(s, (x) => x.apiMaxMs), 'lower');
    rows.push(`|   getState calls answered / failed meanwhile | ${s.fleetvisord.map((x) => `${x.apiCalls}/${x.apiFailures}`).join(', ')} | ${s.supervisord.map((x) => `${x.apiCalls}/${x.apiFailures}`).join(', ')} | |`);
    if (n === 500) {
      for (const [from, limit] of forkLimits) {
        rows.push(`|   vs raw fork/exec of 500 from ${from} (${fmt(limit)} ms) | ${(median(s.fleetvisord.map((x) => x.runningMs)) / limit).toFixed(2)}x | ${(median(s.supervisord.map((x) => x.runningMs)) / limit).toFixed(2)}x | |`);
      }
    }
  }
  const bulk = await measure('stopAll/startAll 500', (k) => benchStopStartAll(k, 500));
  row('stopAllProcesses(wait) of 500', 'ms', ...pick(bulk, (x) => x.stopAllMs), 'lower');
  row('startAllProcesses(wait) of 500', 'ms', ...pick(bulk, (x) => x.startAllMs), 'lower');

  const cr = await measure('crash-restart', crashRestart);
  row('crash to restart, p50 (autorestart, startsecs=0)', 'ms', ...pick(cr, (x) => median(x)), 'lower');

  for (const [n, mb] of [[1, 256], [4, 64], [16, 16]] as const) {
    const c = await measure(`capture ${n}`, (k) => capture(k, n, mb));
    row(`log capture, ${n} chatty child(ren) x ${mb} MiB: throughput`, 'MiB/s', ...pick(c, (x) => x.mbPerS), 'higher');
    row(`  daemon CPU per GiB captured`, 's', ...pick(c, (x) => x.cpuPerGiB), 'lower');
    rows.push(`|   bytes lost with rotation on | ${c.fleetvisord.map((x) => x.lostBytes).join(', ')} | ${c.supervisord.map((x) => x.lostBytes).join(', ')} | |`);
  }
  rows.push(`|   vs raw pipe into node: ${fmt(median(pipeLimit))} MiB/s | | | |`);
  rows.push(`|   vs the floor, dd (C read+write) pipe to files: ${fmt(median(copyLimit))} s CPU per GiB | | | |`);

  const rl = await measure('readProcessStdoutLog 1 MiB', benchReadLog);
  row('readProcessStdoutLog of 1 MiB', 'MiB/s', ...pick(rl, (x) => x), 'higher');

  rows.push(...logtailRows(await measure('logtail followers', (k) => benchLogtail(k))));

  const r0 = await measure('rss 0', (k) => rss(k, 0));
  const r100 = await measure('rss 100', (k) => rss(k, 100));
  const r1000 = await measure('rss 1000', (k) => rss(k, 1000));
  row('daemon RSS, idle, 0 programs', 'KiB', ...pick(r0, (x) => x), 'lower');
  row('daemon RSS, idle, 100 programs', 'KiB', ...pick(r100, (x) => x), 'lower');
  row('daemon RSS, idle, 1000 programs', 'KiB', ...pick(r1000, (x) => x), 'lower');
  const perProc = (k: Kind) => r1000[k].map((v, i) => (v - (r0[k][i] ?? 0)) / 1000);
  row('RSS per supervised process ((RSS@1000 - RSS@0) / 1000)', 'KiB', perProc('fleetvisord'), perProc('supervisord'), 'lower');

  const ev = await benchEvents(ROUNDS);
  rows.push(...ev.rows);
  process.stderr.write('measured events\n');

  console.log(`Fleetvisor bench, ${new Date().toISOString()}: ${ROUNDS} rounds each, alternating A B A B; medians.`);
  console.log('Ratio: how many times better fleetvisord is (>1 better, <1 worse).\n');
  console.log('| measure | fleetvisord | supervisord 4.2.5 | ratio |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log(`\nMachine limits in this run: raw fork/exec of 500 children from node ${fmt(median(spawnLimit))} ms, from fv-spawn ${helperLimit.length > 0 ? `${fmt(median(helperLimit))} ms (to exit)` : 'not built'}; raw pipe into node ${fmt(median(pipeLimit))} MiB/s; dd copying a pipe into files ${fmt(median(copyLimit))} s CPU per GiB.`);
}

/**
 * The agent's table, the depends_on one (bench/deps.ts, BENCH_DEPS_ROUNDS rounds, default 3), then
 * the hub's (bench/hub.ts). BENCH_ONLY=agent runs the first two, BENCH_ONLY=deps or =hub only that one.
 */
async function main(): Promise<void> {
  const only = process.env['BENCH_ONLY'] ?? '';
  if (!['', 'agent', 'deps', 'hub'].includes(only)) throw new Error(`BENCH_ONLY is agent, deps or hub, not ${JSON.stringify(only)}`);
  if (only === '' || only === 'agent') await benchAgent();
  if (only !== 'hub') {
    try { execFileSync('/usr/bin/supervisord', ['-v']); } catch { throw new Error('supervisord 4.2.5 is needed: apt-get install -y supervisor'); }
    const rounds = Number(process.env['BENCH_DEPS_ROUNDS'] ?? 3);
    console.log(`${only === 'deps' ? '' : '\n'}${(await benchDeps(rounds)).join('\n')}`);
  }
  if (only === '' || only === 'hub') console.log(`${only === 'hub' ? '' : '\n'}${(await benchHub()).join('\n')}`);
}

main().catch((err: unknown) => { console.error(err); process.exit(1); });

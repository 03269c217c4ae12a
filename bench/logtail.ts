// The cost of /logtail followers: one program writes an 82-byte line every 100 ms; with 300
// followers of its log open (spread over 8 loopback client addresses, as many hosts would be),
// the daemon's CPU over 20 s and the longest supervisor.getState answer meanwhile (one call every
// 100 ms); also both over 10 s with the same program and calls but no follower (what the machine's
// noise alone gives), and how many followers got at least 90% of what was written during the
// window. fleetvisord and supervisord 4.2.5 alike.
// The followers live in a process of their own (bench/programs/followers.js), so their reading
// does not delay the getState calls timed here.
// Run standalone with `node dist/bench/logtail.js [rounds]`, or call benchLogtail() from bench/run.ts.
import { fork, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { freePort } from '../test/helpers/ports.js';
import { median, repoRoot, startBenchDaemon, until, type Kind } from './daemon.js';
import { apiSections, callXml, RawRpc } from './rpc-raw.js';

const ticker = join(repoRoot, 'bench', 'programs', 'ticker.js');
const followersJs = join(repoRoot, 'bench', 'programs', 'followers.js');
const CLIENT_ADDRESSES = 8;

export interface LogtailRun {
  /** Daemon CPU, % of one core, with the followers open. */
  readonly cpuPercent: number;
  /** The same daemon and program (and getState calls) before any follower. */
  readonly idleCpuPercent: number;
  readonly apiMaxMs: number;
  /** The longest getState answer before any follower: what this machine's noise alone gives. */
  readonly idleApiMaxMs: number;
  readonly apiCalls: number;
  readonly apiFailures: number;
  /** Followers that got at least 90% of the bytes written during the window. */
  readonly fed: number;
  readonly followers: number;
}

/** The next IPC message of `child` that has `key`. */
function next<T>(child: ChildProcess, key: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`followers: no ${key} in time`)), timeoutMs);
    const onMessage = (m: unknown): void => {
      if (typeof m !== 'object' || m === null || !(key in m)) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve((m as Record<string, T>)[key] as T);
    };
    child.on('message', onMessage);
  });
}

function bytesOf(child: ChildProcess): Promise<number[]> {
  const answer = next<number[]>(child, 'bytes');
  child.send('bytes');
  return answer;
}

interface Probed { readonly cpuPercent: number; readonly maxMs: number; readonly calls: number; readonly failures: number }

/** The daemon's CPU over `ms`, with one supervisor.getState call every 100 ms meanwhile, each timed. */
async function probeOver(cpu: () => number, rpc: RawRpc, ms: number): Promise<Probed> {
  const body = callXml('supervisor.getState');
  let done = false;
  let maxMs = 0;
  let calls = 0;
  let failures = 0;
  const prober = (async () => {
    while (!done) {
      const s = performance.now();
      try {
        await rpc.post(body);
        calls += 1;
      } catch {
        failures += 1;
      }
      const took = performance.now() - s;
      maxMs = Math.max(maxMs, took);
      await sleep(Math.max(0, 100 - took));
    }
  })();
  const c0 = cpu();
  const t0 = performance.now();
  await sleep(ms);
  const cpuPercent = ((cpu() - c0) / ((performance.now() - t0) / 1000)) * 100;
  done = true;
  await prober;
  return { cpuPercent, maxMs, calls, failures };
}

export async function benchLogtail(kind: Kind, followers = 300, seconds = 20): Promise<LogtailRun> {
  const port = await freePort();
  const d = startBenchDaemon(kind, `${apiSections(port)}[program:ticker]\ncommand=${process.execPath} ${ticker}\nstartsecs=0\nautorestart=false\nstdout_logfile=%(here)s/ticker.log\nstderr_logfile=NONE\n`);
  const log = join(d.dir, 'ticker.log');
  const size = (): number => { try { return statSync(log).size; } catch { return 0; } };
  let clients: ChildProcess | null = null;
  const rpc = new RawRpc(port, 60_000);
  try {
    await until(() => d.log().includes('success: ticker') && size() > 0, d.startedAt);
    // The first call opens the connection and runs the daemon's RPC path cold: not what is timed.
    await rpc.post(callXml('supervisor.getState'));
    const idle = await probeOver(() => d.cpuSeconds(), rpc, 10_000);
    const child = fork(followersJs, [String(port), String(followers), String(CLIENT_ADDRESSES), '/logtail/ticker'], { stdio: 'ignore' });
    clients = child;
    const statuses = await next<number[]>(child, 'statuses');
    const refused = statuses.filter((s) => s !== 200).length;
    if (refused > 0) throw new Error(`${kind}: ${refused} of ${followers} /logtail requests refused`);
    // Live: every follower has had a line written after it connected.
    const before = await bytesOf(child);
    for (;;) {
      const now = await bytesOf(child);
      if (now.every((b, i) => b > (before[i] ?? 0))) break;
      await sleep(100);
    }

    const start = await bytesOf(child);
    const size0 = size();
    const busy = await probeOver(() => d.cpuSeconds(), rpc, seconds * 1000);
    const written = size() - size0;
    const end = await bytesOf(child);
    const fed = end.filter((b, i) => b - (start[i] ?? 0) >= written * 0.9).length;
    return {
      cpuPercent: busy.cpuPercent, idleCpuPercent: idle.cpuPercent, apiMaxMs: busy.maxMs, idleApiMaxMs: idle.maxMs,
      apiCalls: busy.calls, apiFailures: busy.failures, fed, followers,
    };
  } finally {
    if (clients !== null && clients.pid !== undefined) { try { process.kill(clients.pid, 'SIGKILL'); } catch { /* gone */ } }
    rpc.close();
    await d.stop();
  }
}

const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));

/** Markdown rows in bench/run.ts's table format from the per-round runs of both daemons. */
export function logtailRows(runs: Record<Kind, LogtailRun[]>): string[] {
  const m = (k: Kind, f: (r: LogtailRun) => number): number => median(runs[k].map(f));
  const row = (name: string, unit: string, f: (r: LogtailRun) => number): string => {
    const a = m('fleetvisord', f);
    const b = m('supervisord', f);
    return `| ${name} | ${fmt(a)} ${unit} | ${fmt(b)} ${unit} | ${(b / a).toFixed(2)}x |`;
  };
  const n = runs.fleetvisord[0]?.followers ?? 0;
  const list = (k: Kind, f: (r: LogtailRun) => string): string => runs[k].map(f).join(', ');
  return [
    row(`${n} /logtail followers of a line every 100 ms: daemon CPU`, '%', (r) => r.cpuPercent),
    row('  the same program, no follower: daemon CPU', '%', (r) => r.idleCpuPercent),
    row('  longest getState answer meanwhile (one call every 100 ms)', 'ms', (r) => r.apiMaxMs),
    row('  longest getState answer, no follower', 'ms', (r) => r.idleApiMaxMs),
    `|   getState calls answered / failed; followers fed | ${list('fleetvisord', (r) => `${r.apiCalls}/${r.apiFailures}; ${r.fed}`)} | ${list('supervisord', (r) => `${r.apiCalls}/${r.apiFailures}; ${r.fed}`)} | |`,
  ];
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? process.env['BENCH_ROUNDS'] ?? 2);
  const runs: Record<Kind, LogtailRun[]> = { fleetvisord: [], supervisord: [] };
  for (let r = 0; r < rounds; r++) for (const k of ['fleetvisord', 'supervisord'] as const) runs[k].push(await benchLogtail(k));
  console.log(`Fleetvisor /logtail bench: ${rounds} rounds each, alternating; medians. Ratio >1 means fleetvisord is better.\n`);
  console.log('| measure | fleetvisord | supervisord 4.2.5 | ratio |');
  console.log('|---|---|---|---|');
  for (const line of logtailRows(runs)) console.log(line);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => { console.error(err); process.exit(1); });
}

// API benchmarks: getAllProcessInfo and getState at 1000 processes (1 and 8 clients), the
// time to stopAll/startAll 500, and readProcessStdoutLog of 1 MiB.
import { freePort } from '../test/helpers/ports.js';
import { startBenchDaemon, until, median, type Kind, type BenchDaemon } from './daemon.js';
import { apiSections, callXml, RawRpc } from './rpc-raw.js';

const SLEEPER = 'command=/bin/sleep 3600\nstartsecs=0\nstdout_logfile=NONE\nstderr_logfile=NONE';

export function programs(n: number, body: (i: number) => string): string {
  return Array.from({ length: n }, (_, i) => `[program:p${String(i).padStart(4, '0')}]\n${body(i)}\n`).join('');
}

/** A daemon with the API and n sleeping programs, once all are RUNNING. */
export async function apiDaemon(kind: Kind, n: number, extra = ''): Promise<{ d: BenchDaemon; port: number }> {
  const port = await freePort();
  const d = startBenchDaemon(kind, apiSections(port) + programs(n, () => SLEEPER) + extra);
  await until(() => (d.log().match(/ success: /g)?.length ?? 0) >= n && d.log().includes('started with pid'), d.startedAt, 600_000);
  return { d, port };
}

export interface Throughput { callsPerS: number; p50Ms: number }

/** `clients` connections each making `calls` calls back to back. */
export async function hammer(port: number, body: Buffer, clients: number, calls: number): Promise<Throughput> {
  const conns = Array.from({ length: clients }, () => new RawRpc(port));
  const lat: number[] = [];
  try {
    for (const c of conns) await c.post(body); // warm-up and connect
    const t0 = performance.now();
    await Promise.all(conns.map(async (c) => {
      for (let i = 0; i < calls; i++) {
        const s = performance.now();
        await c.post(body);
        lat.push(performance.now() - s);
      }
    }));
    const secs = (performance.now() - t0) / 1000;
    return { callsPerS: (clients * calls) / secs, p50Ms: median(lat) };
  } finally { for (const c of conns) c.close(); }
}

export interface InfoBench { all1: Throughput; all8: Throughput; state1: Throughput; state8: Throughput }

export async function benchInfo(kind: Kind, n: number): Promise<InfoBench> {
  const { d, port } = await apiDaemon(kind, n);
  try {
    const all = callXml('supervisor.getAllProcessInfo');
    const state = callXml('supervisor.getState');
    return {
      all1: await hammer(port, all, 1, 20),
      all8: await hammer(port, all, 8, 5),
      state1: await hammer(port, state, 1, 300),
      state8: await hammer(port, state, 8, 100),
    };
  } finally { await d.stop(); }
}

export interface StartupBench { runningMs: number; apiMaxMs: number; apiCalls: number; apiFailures: number }

/**
 * ms from launch until n programs are RUNNING, while a client calls getState back to back: the
 * longest answer once the API first answered, and how many calls failed after that.
 */
export async function benchStartup(kind: Kind, n: number): Promise<StartupBench> {
  const port = await freePort();
  const d = startBenchDaemon(kind, apiSections(port) + programs(n, () => SLEEPER));
  const rpc = new RawRpc(port, 60_000);
  const body = callXml('supervisor.getState');
  let done = false;
  let up = false;
  let maxMs = 0;
  let calls = 0;
  let failures = 0;
  const prober = (async () => {
    while (!done) {
      const s = performance.now();
      try {
        await rpc.post(body);
        up = true;
        calls += 1;
        maxMs = Math.max(maxMs, performance.now() - s);
      } catch {
        if (up) failures += 1;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  })();
  try {
    const runningMs = await until(() => (d.log().match(/ success: /g)?.length ?? 0) >= n, d.startedAt, 600_000);
    done = true;
    await prober;
    return { runningMs, apiMaxMs: maxMs, apiCalls: calls, apiFailures: failures };
  } finally { done = true; rpc.close(); await d.stop(); }
}

export interface BulkBench { stopAllMs: number; startAllMs: number }

export async function benchStopStartAll(kind: Kind, n: number): Promise<BulkBench> {
  const { d, port } = await apiDaemon(kind, n);
  const rpc = new RawRpc(port, 600_000);
  try {
    let t0 = performance.now();
    await rpc.post(callXml('supervisor.stopAllProcesses', ['<boolean>1</boolean>']));
    const stopAllMs = performance.now() - t0;
    t0 = performance.now();
    await rpc.post(callXml('supervisor.startAllProcesses', ['<boolean>1</boolean>']));
    return { stopAllMs, startAllMs: performance.now() - t0 };
  } finally { rpc.close(); await d.stop(); }
}

/** MiB/s of readProcessStdoutLog(name, 0, 1 MiB) on a 2 MiB log. */
export async function benchReadLog(kind: Kind): Promise<number> {
  const port = await freePort();
  const d = startBenchDaemon(kind, apiSections(port)
    + `[program:w]\ncommand=/bin/sh -c "yes aaaaaaaaaaaaaaa | head -c 2097152; exec /bin/sleep 3600"\nstartsecs=0\nstdout_logfile=%(here)s/w.log\nstdout_logfile_maxbytes=0\n`);
  const { statSync } = await import('node:fs');
  try {
    await until(() => { try { return statSync(`${d.dir}/w.log`).size >= 2097152; } catch { return false; } }, d.startedAt, 60_000);
    await until(() => d.log().includes('started with pid'), d.startedAt);
    const r = await hammer(port, callXml('supervisor.readProcessStdoutLog', ['<string>w</string>', '<int>0</int>', '<int>1048576</int>']), 1, 30);
    return r.callsPerS; // each call moves 1 MiB
  } finally { await d.stop(); }
}

// The hub's benchmark: a hub run as a child process against fake supervisord nodes (another child
// process, so neither the fakes' nor the bench's CPU counts as the hub's) and against real
// fleetvisord and supervisord 4.2.5 nodes, every figure printed as a markdown row with its target:
//   1. GET /api/v2/nodes/ and GET / latency and size at 50 and 200 nodes x 100 processes, with and
//      without one black-holed node (a socket that accepts and never answers)
//   2. the hub's CPU while idle: 50 and 200 stock nodes (polled every second) and 50 and 200
//      fleetvisord-flavour nodes (long poll)
//   3. a bulk restart of a 10-node environment whose nodes take 100..1000 ms per stop/start,
//      against the slowest node restarted alone
//   4. a state change on a real fleetvisord (and supervisord) node to its `process` event on the
//      hub's /api/v2/events/
//   5. the dashboard, an environment page and a node page: server time, size, Chromium's load
//      time, and a state change to the row's data-state changing on an open node page
// Run: npx tsc -p tsconfig.json && npm run bundle && node dist/bench/hub.js (or BENCH_ONLY=hub
// npm run bench). Environment: BENCH_HUB_IDLE_SECONDS (default 30), BENCH_HUB_NODE_ARGS (node
// flags for the hub, e.g. `--cpu-prof --cpu-prof-dir=/tmp/hub-prof`).
import { existsSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../test/helpers/ports.js';
import { programs } from './api.js';
import { median, startBenchDaemon, until, type BenchDaemon, type Kind } from './daemon.js';
import type { FakeNodeSpec } from './hub-fake-node.js';
import { browserBench, hubScriptIsPlaceholder, medianOr } from './hub-pages.js';
import {
  bytes, EventReader, FakeFleet, HubClient, hubConf, HubProcess, machineBusy, ms, othersDuring, p50, p95, procCpuSeconds, procRssKiB,
  stopChild, type ConfNode,
} from './hub-proc.js';
import { apiSections, callXml, RawRpc } from './rpc-raw.js';

const IDLE_SECONDS = Number(process.env['BENCH_HUB_IDLE_SECONDS'] ?? 30);
const PROCESSES = 100;
const STOCK = 200;
const FLEETVISORD = 200;
const FV_BASE = STOCK;
const BLACK_HOLE = STOCK + FLEETVISORD;
/** Fake nodes 0..9 take 100, 200 ... 1000 ms per start/stop: the bulk-restart environment env00. */
const DELAYED = 10;
const LIVE_NODE = 20;
const LIVE_PROCESS = 1;
const REAL_CHANGES = 40;
const SUPERVISORD = '/usr/bin/supervisord';

type Row = readonly [measure: string, result: string, target: string, met: boolean | null];

const rows: Row[] = [];
const notes: string[] = [];
const cleanups: (() => void | Promise<void>)[] = [];

const began = performance.now();
function log(line: string): void { process.stderr.write(`hub bench: ${((performance.now() - began) / 1000).toFixed(0)} s: ${line}\n`); }

const nodeName = (i: number): string => `n${String(i).padStart(3, '0')}`;

function stockNodes(fleet: FakeFleet, n: number, base = 0): ConfNode[] {
  return Array.from({ length: n }, (_, i) => ({ name: nodeName(i), url: `http://127.0.0.1:${fleet.ports[base + i] ?? 0}` }));
}

function envsOf(nodes: readonly ConfNode[]): Record<string, string[]> {
  const envs: Record<string, string[]> = {};
  nodes.forEach((n, i) => { (envs[`env${String(Math.floor(i / 10)).padStart(2, '0')}`] ??= []).push(n.name); });
  return envs;
}

function blackHoleNode(fleet: FakeFleet): ConfNode {
  return { name: 'blackhole', url: `http://127.0.0.1:${fleet.ports[BLACK_HOLE] ?? 0}` };
}

async function startHub(nodes: readonly ConfNode[], envs: Record<string, readonly string[]>): Promise<{ hub: HubProcess; client: HubClient; connectedMs: number }> {
  const t0 = performance.now();
  const hub = await HubProcess.start((dir) => hubConf(dir, nodes, envs));
  cleanups.push(() => hub.stop());
  const client = new HubClient(hub.url);
  await client.loginAdmin();
  await client.waitConnected(nodes.length);
  return { hub, client, connectedMs: performance.now() - t0 };
}

/** Stops a hub now (its cleanup entry stays: stopping twice is harmless). */
async function stopHub(hub: HubProcess): Promise<void> {
  await hub.stop();
}

interface IdleCpu { hubPct: number; fakePct: number; otherPct: number; rssMiB: number; requestsPerNodePerS: number }

/**
 * The hub's CPU over the idle window (no requests), what else the machine did meanwhile, and how
 * many requests per second each of the hub's fake nodes (`base` .. `base + n - 1`) answered.
 */
async function idleCpu(hub: HubProcess, fleet: FakeFleet, base: number, n: number): Promise<IdleCpu> {
  await sleep(2000); // let the first reads and stats samples settle
  const c0 = await fleet.counts();
  const h0 = hub.cpuSeconds();
  const f0 = procCpuSeconds(fleet.pid);
  const t0 = performance.now();
  const busy = await machineBusy(IDLE_SECONDS * 1000);
  const wall = (performance.now() - t0) / 1000;
  const hubPct = ((hub.cpuSeconds() - h0) / wall) * 100;
  const fakePct = ((procCpuSeconds(fleet.pid) - f0) / wall) * 100;
  const c1 = await fleet.counts();
  let requests = 0;
  for (let i = base; i < base + n; i++) requests += (c1[i] ?? 0) - (c0[i] ?? 0);
  return {
    hubPct, fakePct, otherPct: Math.max(0, busy * cpus().length * 100 - hubPct - fakePct), rssMiB: procRssKiB(hub.pid) / 1024,
    requestsPerNodePerS: requests / n / wall,
  };
}

function cpuRow(label: string, c: IdleCpu): void {
  rows.push([`hub CPU, idle ${IDLE_SECONDS} s, ${label}`,
    `${c.hubPct.toFixed(1)}% of one core (RSS ${c.rssMiB.toFixed(0)} MiB); ${c.requestsPerNodePerS.toFixed(2)} requests/s answered per node`, 'report', null]);
  notes.push(`idle window, ${label}: the fake nodes used ${c.fakePct.toFixed(1)}% of a core, everything else on the machine ${c.otherPct.toFixed(0)}%${c.otherPct > 30 ? ' (the machine was busy with other work: this window looks disturbed)' : ''}.`);
}

interface Latency { api: { times: number[]; size: number }; dash: { times: number[]; size: number } }

function joined(a: Latency, b: Latency): Latency {
  return {
    api: { times: [...a.api.times, ...b.api.times], size: b.api.size },
    dash: { times: [...a.dash.times, ...b.dash.times], size: b.dash.size },
  };
}

/** Everything else's CPU during each latency segment, for the notes. */
const segmentOthers: number[] = [];

async function latency(client: HubClient, n: number, budgetMs: number, pids: readonly number[]): Promise<Latency> {
  const o = { budgetMs, min: 5 };
  const { value, othersPct } = await othersDuring(pids, async () => {
    const api = await client.series('/api/v2/nodes/', n, o);
    const dash = await client.series('/', n, o);
    return { api, dash };
  });
  segmentOthers.push(othersPct);
  return value;
}

function latencyRows(n: number, l: Latency, bh: Latency): void {
  const pp = (t: number[]): string => `p50 ${ms(p50(t))}, p95 ${ms(p95(t))} (${t.length} requests)`;
  const apiTarget = n === 50 ? 'p50 < 100 ms' : 'report';
  rows.push([`GET /api/v2/nodes/, ${n} nodes x ${PROCESSES} processes`, `${pp(l.api.times)}; ${bytes(l.api.size)}`, apiTarget, n === 50 ? p50(l.api.times) < 100 : null]);
  rows.push([`GET / (dashboard), ${n} nodes`, `${pp(l.dash.times)}; ${bytes(l.dash.size)}`, 'report', null]);
  // "Unchanged": the p50 within 25% (or 5 ms) of the run without the black hole.
  const same = (a: number[], b: number[]): boolean => p50(b) <= Math.max(p50(a) * 1.25, p50(a) + 5);
  rows.push([`  the same with one black-holed node: /api/v2/nodes/`, `${pp(bh.api.times)}; ${bytes(bh.api.size)}`, 'unchanged by the black hole', same(l.api.times, bh.api.times)]);
  rows.push([`  the same with one black-holed node: /`, `${pp(bh.dash.times)}; ${bytes(bh.dash.size)}`, 'unchanged by the black hole', same(l.dash.times, bh.dash.times)]);
}

/**
 * Latency without and with a black-holed node, A B A so a drift in the machine's load falls on
 * both: 25 requests each way without it, the black hole added by SIGHUP (measured while its first
 * read hangs until call_timeout, 10 s, and then backs off), 50 with it, removed again, 25 without.
 */
async function latencyWithAndWithout(hub: HubProcess, client: HubClient, fleet: FakeFleet, nodes: ConfNode[], budgetMs: number): Promise<{ plain: Latency; bh: Latency }> {
  const envs = envsOf(nodes);
  const pids = [hub.pid, fleet.pid];
  segmentOthers.length = 0;
  const first = await latency(client, 25, budgetMs, pids);
  const all = [...nodes, blackHoleNode(fleet)];
  await hub.reload(hubConf(hub.dir, all, envs));
  await client.waitConnected(all.length, ['blackhole']);
  const bh = await latency(client, 50, budgetMs * 2, pids);
  await hub.reload(hubConf(hub.dir, nodes, envs));
  await client.waitConnected(nodes.length);
  const second = await latency(client, 25, budgetMs, pids);
  const seg = (l: Latency, k: 'api' | 'dash'): string => ms(p50(l[k].times));
  const others = segmentOthers.map((x) => `${x.toFixed(0)}%`).join(', ');
  notes.push(`latency at ${nodes.length} nodes, p50 by segment (without, with the black hole, without): /api/v2/nodes/ ${seg(first, 'api')}, ${seg(bh, 'api')}, ${seg(second, 'api')}; / ${seg(first, 'dash')}, ${seg(bh, 'dash')}, ${seg(second, 'dash')}; everything else on the machine used ${others} of a core meanwhile${segmentOthers.some((x) => x > 30) ? ' (disturbed)' : ''}.`);
  return { plain: joined(first, second), bh };
}

function resultsOk(text: string): { ok: number; total: number } {
  const b = JSON.parse(text) as { results?: { ok: boolean }[] };
  const r = b.results ?? [];
  return { ok: r.filter((x) => x.ok).length, total: r.length };
}

async function bulkRestart(client: HubClient): Promise<void> {
  const slowest = nodeName(DELAYED - 1);
  const single: number[] = [];
  const env: number[] = [];
  let bad = '';
  for (let i = 0; i < 3; i++) {
    const s = await client.request('POST', `/api/v2/nodes/${slowest}/all-processes/restart/`, {});
    const so = resultsOk(s.text);
    if (s.status !== 200 || so.ok !== so.total || so.total !== PROCESSES) bad = `single: ${s.status} ${so.ok}/${so.total}`;
    single.push(s.ms);
    const e = await client.request('POST', '/api/v2/environments/env00/restart/', {});
    const eo = resultsOk(e.text);
    if (e.status !== 200 || eo.ok !== eo.total || eo.total !== PROCESSES * DELAYED) bad = `environment: ${e.status} ${eo.ok}/${eo.total}`;
    env.push(e.ms);
  }
  const ratio = median(env) / median(single);
  rows.push([`bulk restart of a ${DELAYED}-node environment (stop+start take 100..1000 ms each per node), median of 3`,
    `${ms(median(env))} vs ${ms(median(single))} for the slowest node alone: ${ratio.toFixed(2)}x${bad === '' ? '' : ` (FAILED results: ${bad})`}`,
    'within 1.5x', ratio <= 1.5 && bad === '']);
}

async function pageTimes(client: HubClient, pages: readonly { label: string; path: string }[]): Promise<void> {
  for (const p of pages) {
    const s = await client.series(p.path, 30, { budgetMs: 15_000 });
    rows.push([`page ${p.label}: server time (request to last byte over loopback), ${s.times.length} requests`, `p50 ${ms(p50(s.times))}, p95 ${ms(p95(s.times))}; HTML ${bytes(s.size)}`, 'report', null]);
  }
}

type Live = NonNullable<Parameters<typeof browserBench>[0]['live']>;

async function browserRows(client: HubClient, base: string, pages: readonly { label: string; path: string }[], live: Live | null, liveLabel: string): Promise<void> {
  const r = await browserBench({ base, cookies: client.cookies, pages, live });
  if (r.error !== null) {
    rows.push([pages.length > 0 ? 'Chromium page loads' : `live update, ${liveLabel}`, `not measured: ${r.error}`, 'report', null]);
    return;
  }
  for (const l of r.loads) {
    rows.push([`page ${l.label}: Chromium, navigation to the load event, median of 5`, `${ms(medianOr(l.loadMs))} (page.goto wall ${ms(medianOr(l.wallMs))})`, 'report', null]);
  }
  const lv = r.live;
  if (lv === null) return;
  const what = `live update: state change to the row's data-state on an open node page, ${liveLabel}`;
  if (lv.ms.length === 0) rows.push([what, `not measured: ${lv.note ?? '?'}`, 'report', null]);
  else rows.push([`${what}, ${lv.ms.length} changes`, `p50 ${ms(p50(lv.ms))}, max ${ms(Math.max(...lv.ms))}${lv.note !== null ? ` (${lv.note})` : ''}`, 'report', null]);
}

// ---- real nodes --------------------------------------------------------------------------------

const SLEEPER = 'command=/bin/sleep 3600\nstartsecs=0\nstopwaitsecs=5\nstdout_logfile=NONE\nstderr_logfile=NONE';

async function realNode(kind: Kind, n: number): Promise<{ d: BenchDaemon; port: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const d = startBenchDaemon(kind, apiSections(port) + programs(n, () => SLEEPER));
  // By pid, with no timer left behind (BenchDaemon.stop leaves a 60 s one that holds the process).
  const stop = async (): Promise<void> => { await stopChild(d.proc, 20_000); rmSync(d.dir, { recursive: true, force: true }); };
  cleanups.push(stop);
  await until(() => (d.log().match(/ success: /g)?.length ?? 0) >= n, d.startedAt, 60_000);
  return { d, port, stop };
}

/**
 * `changes` stop/startProcess calls (wait=true) on the node's p0000..p0019 (20 stops, then 20
 * starts), each followed by a random pause in `gapMs`; each is timed from its call returning to
 * its own `process` event (STOPPED or RUNNING) on the stream, matched by node and namespec, so a
 * change need not wait for the previous one's event.
 */
async function changeToEvent(reader: EventReader, node: string, port: number, changes: number, gapMs: readonly [number, number]): Promise<{ ms: number[]; early: number; missed: number }> {
  const rpc = new RawRpc(port, 30_000);
  const pending: Promise<number | null>[] = [];
  try {
    for (let k = 0; k < changes; k++) {
      const name = `p${String(k % 20).padStart(4, '0')}`;
      const stopping = Math.floor(k / 20) % 2 === 0;
      const want = stopping ? 'STOPPED' : 'RUNNING';
      const from = reader.messages.length;
      await rpc.post(callXml(stopping ? 'supervisor.stopProcess' : 'supervisor.startProcess', [`<string>${name}</string>`, '<boolean>1</boolean>']));
      const returned = performance.now();
      pending.push(reader.waitFor(from, (x) => {
        if (x.event !== 'process') return false;
        const d = x.data as { node?: string; process?: { namespec?: string; statename?: string } };
        return d.node === node && d.process?.namespec === `${name}:${name}` && d.process.statename === want;
      }, 5000).then((m) => (m === null ? null : m.at - returned)));
      await sleep(gapMs[0] + Math.random() * (gapMs[1] - gapMs[0]));
    }
  } finally { rpc.close(); }
  const got = await Promise.all(pending);
  const arrived = got.filter((x): x is number => x !== null);
  return { ms: arrived.map((x) => Math.max(0, x)), early: arrived.filter((x) => x < 0).length, missed: got.length - arrived.length };
}

async function realNodes(): Promise<void> {
  const withSupervisord = existsSync(SUPERVISORD);
  if (!withSupervisord) notes.push(`${SUPERVISORD} is not installed (apt-get install supervisor): no real supervisord node.`);
  const fv = await realNode('fleetvisord', 20);
  const sv = withSupervisord ? await realNode('supervisord', 20) : null;
  const nodes: ConfNode[] = [{ name: 'fv', url: `http://127.0.0.1:${fv.port}` }];
  if (sv !== null) nodes.push({ name: 'sv', url: `http://127.0.0.1:${sv.port}` });
  const { hub, client } = await startHub(nodes, { real: nodes.map((n) => n.name) });
  const reader = new EventReader(hub.url, client.cookieHeader);
  cleanups.push(() => reader.close());
  await reader.opened;
  // Pauses between changes: short on the long-polled node, 100-400 ms on the polled one so the
  // changes fall at every phase of its 1 s poll.
  const targets: [string, number, string, string, readonly [number, number]][] = [['fv', fv.port, 'real fleetvisord (long poll)', 'p50 < 250 ms', [30, 100]]];
  if (sv !== null) targets.push(['sv', sv.port, 'real supervisord 4.2.5 (polled every 1 s)', 'report', [100, 400]]);
  for (const [node, port, label, target, gap] of targets) {
    const r = await changeToEvent(reader, node, port, REAL_CHANGES, gap);
    const extra = [r.early > 0 ? `${r.early} arrived before the call returned (counted 0)` : '', r.missed > 0 ? `${r.missed} never arrived within 5 s` : ''].filter((x) => x !== '').join('; ');
    rows.push([`state change (stop/startProcess returns) to its \`process\` event on /api/v2/events/, ${label}, ${REAL_CHANGES} changes`,
      `p50 ${ms(p50(r.ms))}, p95 ${ms(p95(r.ms))}${extra === '' ? '' : ` (${extra})`}`, target, target === 'report' ? null : p50(r.ms) < 250 && r.missed === 0]);
    log(`measured change-to-event, ${label}`);
  }
  reader.close();
  // The same change seen in a browser: the node page of the real fleetvisord.
  const rpc = new RawRpc(fv.port, 30_000);
  try {
    await browserRows(client, hub.url, [], {
      nodeName: 'fv', namespec: 'p0005:p0005', changes: 6, jitterMs: 300,
      change: async (state) => {
        await rpc.post(callXml(state === 'STOPPED' ? 'supervisor.stopProcess' : 'supervisor.startProcess', ['<string>p0005</string>', '<boolean>1</boolean>']));
        return Date.now();
      },
    }, 'real fleetvisord (long poll; from the call returning)');
  } finally { rpc.close(); }
  await stopHub(hub);
  await sv?.stop();
  await fv.stop();
}

// ---- the whole -----------------------------------------------------------------------------------

/** BENCH_HUB_PART=pages: only the page timings at 50 nodes (for work on the pages). */
const PAGES_ONLY = process.env.BENCH_HUB_PART === 'pages';

export async function benchHub(): Promise<string[]> {
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const specs: FakeNodeSpec[] = [
    ...Array.from({ length: STOCK }, (_, i): FakeNodeSpec => ({ kind: 'stock', processes: PROCESSES, delayMs: i < DELAYED ? (i + 1) * 100 : 0 })),
    ...Array.from({ length: FLEETVISORD }, (): FakeNodeSpec => ({ kind: 'fleetvisord', processes: PROCESSES, delayMs: 0 })),
    { kind: 'blackhole', processes: 0, delayMs: 0 },
  ];
  const onSignal = (): void => { void runCleanups().then(() => process.exit(130)); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const fleet = await FakeFleet.start(specs);
    cleanups.push(() => fleet.stop());
    const pages = [
      { label: 'dashboard /', path: '/' },
      { label: '/environments/env01 (10 nodes)', path: '/environments/env01' },
      { label: `/nodes/${nodeName(LIVE_NODE)} (100 processes)`, path: `/nodes/${nodeName(LIVE_NODE)}` },
    ];

    // 50 stock nodes: idle CPU, latency, pages, the black hole, the bulk restart.
    {
      const nodes = stockNodes(fleet, 50);
      const { hub, client, connectedMs } = await startHub(nodes, envsOf(nodes));
      rows.push(['hub start to 50 stock nodes connected', ms(connectedMs), 'report', null]);
      if (PAGES_ONLY) {
        await pageTimes(client, pages);
        await browserRows(client, hub.url, pages, null, '');
        await stopHub(hub);
        return format();
      }
      const cpu = await idleCpu(hub, fleet, 0, 50);
      log('measured idle CPU, 50 stock');
      const l = await latencyWithAndWithout(hub, client, fleet, nodes, 15_000);
      log('measured latency, 50 stock');
      latencyRows(50, l.plain, l.bh);
      cpuRow('50 stock supervisord nodes (poll_interval 1 s)', cpu);
      await pageTimes(client, pages);
      const liveNs = `group${String(LIVE_PROCESS % 10).padStart(2, '0')}:worker_${String(LIVE_PROCESS).padStart(4, '0')}`;
      await browserRows(client, hub.url, pages, {
        nodeName: nodeName(LIVE_NODE), namespec: liveNs, changes: 6, jitterMs: 1000,
        change: (state) => fleet.set(LIVE_NODE, LIVE_PROCESS, state),
      }, 'fake stock node (polled every 1 s)');
      log('measured pages, 50 stock');
      await bulkRestart(client);
      log('measured bulk restart');
      await stopHub(hub);
    }
    // 200 stock nodes.
    {
      const nodes = stockNodes(fleet, 200);
      const { hub, client, connectedMs } = await startHub(nodes, envsOf(nodes));
      rows.push(['hub start to 200 stock nodes connected', ms(connectedMs), 'report', null]);
      const cpu = await idleCpu(hub, fleet, 0, 200);
      log('measured idle CPU, 200 stock');
      const l = await latencyWithAndWithout(hub, client, fleet, nodes, 8_000);
      log('measured latency, 200 stock');
      latencyRows(200, l.plain, l.bh);
      cpuRow('200 stock supervisord nodes (poll_interval 1 s)', cpu);
      await stopHub(hub);
    }
    // fleetvisord-flavour nodes: the long poll.
    for (const n of [50, 200]) {
      const nodes = stockNodes(fleet, n, FV_BASE);
      const { hub } = await startHub(nodes, envsOf(nodes));
      const cpu = await idleCpu(hub, fleet, FV_BASE, n);
      log(`measured idle CPU, ${n} fleetvisord`);
      cpuRow(`${n} fleetvisord-flavour nodes (long poll, stats_interval 10 s)`, cpu);
      await stopHub(hub);
    }
    fleet.stop();
    await realNodes();
  } finally {
    await runCleanups();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (hubScriptIsPlaceholder()) notes.push('views/hub/static/js/hub.js is a placeholder in this tree: pages load no live-update script.');
  notes.push(`hub part took ${((performance.now() - started) / 1000).toFixed(0)} s on ${cpus().length} cores; load average ${loadBefore.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end${Math.max(loadBefore, loadavg()[0] ?? 0) > cpus().length ? ' (above the core count at some point: other work shared the machine; the notes above say which windows it disturbed)' : ''}.`);
  return format();
}

async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const c = cleanups.pop() as () => void | Promise<void>;
    try { await c(); } catch { /* the others still run */ }
  }
}

function format(): string[] {
  const out = [
    `Fleetvisor hub bench, ${new Date().toISOString()}: the hub as a child process, fake nodes (${PROCESSES} processes each, answering like supervisord 4.2.5) in another; latencies over loopback, sequential requests.`,
    'Rerun: `npx tsc -p tsconfig.json && npm run --silent bundle && node dist/bench/hub.js` (or `BENCH_ONLY=hub npm run bench`; `BENCH_HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR"` profiles the hub).',
    '',
    '| measure | result | target | met |',
    '|---|---|---|---|',
    ...rows.map(([m, r, t, ok]) => `| ${m} | ${r} | ${t} | ${ok === null ? '' : ok ? 'yes' : 'NO'} |`),
    '',
    ...notes.map((n) => `- ${n}`),
  ];
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchHub().then((lines) => { console.log(lines.join('\n')); }, (err: unknown) => { console.error(err); process.exit(1); });
}

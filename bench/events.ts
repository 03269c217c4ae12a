// Event listener benchmark: fleetvisord and supervisord 4.2.5 side by side, rounds alternating
// A B A B, medians with the ratio supervisord/fleetvisord (>1: fleetvisord is faster). 200 sleeping
// programs of one [group:all] are restarted through the API (stopProcessGroup + startProcessGroup,
// both waiting: STOPPING, STOPPED, STARTING, RUNNING each, 800 events); measured from the restart
// request until one listener has acknowledged the last of those events, none dropped. The time
// the two calls took is reported too: the difference is how far event delivery lags behind.
// Run standalone with `node dist/bench/events.js [rounds]`, or call benchEvents() from bench/run.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../test/helpers/ports.js';
import { programs } from './api.js';
import { median, repoRoot, startBenchDaemon, until, type Kind } from './daemon.js';
import { apiSections, callXml, RawRpc } from './rpc-raw.js';

const KINDS: Kind[] = ['fleetvisord', 'supervisord'];
const RESTARTS = 200;
const EVENTS_PER_RESTART = 4;
const listener = join(repoRoot, 'bench', 'programs', 'ack-listener.js');

export interface EventsRun {
  /** ms from the restart request to the listener's acknowledgement of the last event. */
  readonly ackMs: number;
  /** ms the stopProcessGroup + startProcessGroup calls took. */
  readonly restartMs: number;
  /** Events acknowledged per second of ackMs. */
  readonly eventsPerSecond: number;
}

export interface EventsBenchResult {
  readonly restarts: number;
  readonly events: number;
  readonly rounds: number;
  readonly runs: Record<Kind, EventsRun[]>;
  readonly medianAckMs: Record<Kind, number>;
  /** supervisord / fleetvisord on the median ackMs: > 1 means fleetvisord is faster. */
  readonly ratio: number;
  /** Markdown rows in bench/run.ts's table format. */
  readonly rows: string[];
}

function ackedLines(file: string): string[] {
  try { return readFileSync(file, 'latin1').split('\n').filter((l) => l !== ''); } catch { return []; }
}

const runningOfGroup = (lines: string[]) => lines.filter((l) => /^PROCESS_STATE_RUNNING processname:p\d+$/.test(l)).length;

async function once(kind: Kind): Promise<EventsRun> {
  const port = await freePort();
  const names = Array.from({ length: RESTARTS }, (_, i) => `p${String(i).padStart(4, '0')}`);
  const d = startBenchDaemon(kind, `${apiSections(port)}[eventlistener:ack]
command=${process.execPath} ${listener} %(here)s/acked.txt
events=PROCESS_STATE
buffer_size=${RESTARTS * (EVENTS_PER_RESTART + 2) + 10}
startsecs=0
stdout_logfile=NONE
stderr_logfile=NONE

[group:all]
programs=${names.join(',')}

${programs(RESTARTS, () => 'command=/bin/sleep 3600\nstartsecs=0\nstdout_logfile=NONE\nstderr_logfile=NONE')}`);
  const file = join(d.dir, 'acked.txt');
  const rpc = new RawRpc(port, 600_000);
  try {
    // Start-up: every program RUNNING and its events acknowledged.
    await until(() => runningOfGroup(ackedLines(file)) >= RESTARTS && d.log().includes('started with pid'), d.startedAt, 600_000);
    const before = ackedLines(file).length;
    const t0 = performance.now();
    await rpc.post(callXml('supervisor.stopProcessGroup', ['<string>all</string>', '<boolean>1</boolean>']));
    await rpc.post(callXml('supervisor.startProcessGroup', ['<string>all</string>', '<boolean>1</boolean>']));
    const restartMs = performance.now() - t0;
    const ackMs = await until(() => runningOfGroup(ackedLines(file)) >= 2 * RESTARTS, t0, 600_000);
    const events = ackedLines(file).length - before;
    if (events !== RESTARTS * EVENTS_PER_RESTART) throw new Error(`${kind}: ${events} events acknowledged, expected ${RESTARTS * EVENTS_PER_RESTART}`);
    if (/event buffer overflowed/.test(d.log())) throw new Error(`${kind}: events were dropped`);
    return { ackMs, restartMs, eventsPerSecond: events / (ackMs / 1000) };
  } finally { rpc.close(); await d.stop(); }
}

function row(name: string, unit: string, a: number[], b: number[], lowerIsBetter: boolean): string {
  const ma = median(a);
  const mb = median(b);
  return `| ${name} | ${ma.toFixed(1)} ${unit} | ${mb.toFixed(1)} ${unit} | ${(lowerIsBetter ? mb / ma : ma / mb).toFixed(2)}x |`;
}

export async function benchEvents(rounds = 2): Promise<EventsBenchResult> {
  const runs: Record<Kind, EventsRun[]> = { fleetvisord: [], supervisord: [] };
  for (let r = 0; r < rounds; r++) for (const kind of KINDS) runs[kind].push(await once(kind));
  const of = (kind: Kind, f: (x: EventsRun) => number) => runs[kind].map(f);
  const medianAckMs = { fleetvisord: median(of('fleetvisord', (x) => x.ackMs)), supervisord: median(of('supervisord', (x) => x.ackMs)) };
  const events = RESTARTS * EVENTS_PER_RESTART;
  return {
    restarts: RESTARTS, events, rounds, runs, medianAckMs, ratio: medianAckMs.supervisord / medianAckMs.fleetvisord,
    rows: [
      row(`listener acks the ${events} events of ${RESTARTS} restarts (from the restart request)`, 'ms',
        of('fleetvisord', (x) => x.ackMs), of('supervisord', (x) => x.ackMs), true),
      row(`  of which the restart calls themselves`, 'ms', of('fleetvisord', (x) => x.restartMs), of('supervisord', (x) => x.restartMs), true),
      row('  events acknowledged per second', 'ev/s', of('fleetvisord', (x) => x.eventsPerSecond),
        of('supervisord', (x) => x.eventsPerSecond), false),
    ],
  };
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? process.env['BENCH_ROUNDS'] ?? 3);
  const result = await benchEvents(rounds);
  console.log(`Fleetvisor event bench: ${rounds} rounds each, alternating; medians. Ratio >1 means fleetvisord is better.\n`);
  console.log('| measure | fleetvisord | supervisord 4.2.5 | ratio |');
  console.log('|---|---|---|---|');
  for (const r of result.rows) console.log(r);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => { console.error(err); process.exit(1); });
}

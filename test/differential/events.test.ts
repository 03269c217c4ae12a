// Differential: the same config and the same scripted sequence of process events under Debian's
// supervisord 4.2.5 and under fleetvisord, compared on what the listeners recorded: event names,
// header fields (ver, server, pool, serial and poolserial sequences), payloads and order. Each step
// waits until its events were recorded before the next one, so the order is deterministic; pids are
// normalised and timings never asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYTHON, programsDir } from '../helpers/paths.js';
import { startDaemon, supervisordAvailable, writeConf, type DaemonKind } from '../helpers/daemon.js';
import { freePort } from '../helpers/ports.js';
import { apiSections, pyRpc } from '../helpers/py-rpc.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

const skip = supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed (apt-get install -y supervisor)';
const node = process.execPath;
const recorder = `${PYTHON} ${join(programsDir, 'childutils-recorder.py')}`;

interface Recorded { headers: Record<string, string>; payload: string }
type Hook = { after(fn: () => unknown): void };

function records(file: string): Recorded[] {
  let text = '';
  try { text = readFileSync(file, 'utf8'); } catch { return []; }
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Recorded);
}

/** One record as compared: every header but len (it depends on pid digits), payload with pids normalised. */
function normalise(r: Recorded): string {
  const { ver, server, serial, pool, poolserial, eventname } = r.headers;
  return `${eventname} serial:${serial} poolserial:${poolserial} ver:${ver} server:${server} pool:${pool} | ${r.payload.replace(/pid:\d+/g, 'pid:N')}`;
}

/** What each listener got is exactly `len` characters, the way a Python text reader counts. */
function assertLengths(rs: Recorded[], label: string): void {
  for (const r of rs) assert.equal([...r.payload].length, Number(r.headers['len']), `${label}: len of ${r.headers['eventname']}`);
}

async function until(file: string, pred: (r: Recorded) => boolean, what: string, count = 1): Promise<void> {
  await waitFor(() => records(file).filter(pred).length >= count, { timeoutMs: 30_000, what });
}
const is = (eventname: string, process?: string) => (r: Recorded) =>
  r.headers['eventname'] === eventname && (process === undefined || r.payload.startsWith(`processname:${process} `));

const SCENARIO = (dir: string, port: number) => `${apiSections(port)}
[eventlistener:rec]
command=${recorder} ${dir}/rec.jsonl
events=PROCESS_STATE,PROCESS_GROUP,SUPERVISOR_STATE_CHANGE,REMOTE_COMMUNICATION,PROCESS_COMMUNICATION,PROCESS_LOG
buffer_size=100

[eventlistener:second]
command=${node} ${join(programsDir, 'listener-record.js')} ${dir}/second.jsonl
; (quirk) EXITED matches two of these names: supervisord buffers it twice
events=PROCESS_STATE_EXITED,REMOTE_COMMUNICATION,PROCESS_STATE
buffer_size=100

[program:a]
command=/bin/sleep 300
autostart=false

[program:talk]
command=${node} ${join(programsDir, 'comm-talker.js')}
autostart=false
; its output (within ~0.5 s) comes well before RUNNING, even on a loaded machine
startsecs=3
stdout_capture_maxbytes=1KB
stdout_events_enabled=true
stderr_events_enabled=true

[program:crash]
command=${node} ${join(programsDir, 'crash-once.js')} ${dir}/crash.marker 1.5
autostart=false
startsecs=1
autorestart=unexpected
exitcodes=0

[program:quick]
command=/bin/false
autostart=false
startretries=1
; supervisord notices an exit only at its next 1 s poll: the margin keeps every exit "too quick"
startsecs=10
`;

async function runScenario(t: Hook, kind: DaemonKind): Promise<{ rec: Recorded[]; second: Recorded[] }> {
  const dir = makeTmpDir(t, `fv-events-${kind}-`);
  const port = await freePort();
  const d = startDaemon(t, kind, dir, writeConf(dir, SCENARIO(dir, port)));
  const rec = join(dir, 'rec.jsonl');
  const second = join(dir, 'second.jsonl');
  await until(rec, is('PROCESS_STATE_RUNNING', 'second'), `${kind}: listeners RUNNING`);
  await pyRpc(port, 'supervisor.startProcess', 'a', true);
  await until(rec, is('PROCESS_STATE_RUNNING', 'a'), `${kind}: a RUNNING`);
  await pyRpc(port, 'supervisor.startProcess', 'talk', true);
  await until(rec, is('PROCESS_STATE_RUNNING', 'talk'), `${kind}: talk RUNNING`);
  await pyRpc(port, 'supervisor.startProcess', 'crash', true);
  await until(rec, is('PROCESS_STATE_RUNNING', 'crash'), `${kind}: crash restarted`, 2);
  await pyRpc(port, 'supervisor.startProcess', 'quick', false);
  await until(rec, is('PROCESS_STATE_FATAL', 'quick'), `${kind}: quick FATAL`);
  await pyRpc(port, 'supervisor.stopProcess', 'a', true);
  await until(rec, is('PROCESS_STATE_STOPPED', 'a'), `${kind}: a STOPPED`);
  assert.equal(await pyRpc(port, 'supervisor.removeProcessGroup', 'a'), true);
  await until(rec, is('PROCESS_GROUP_REMOVED'), `${kind}: a removed`);
  assert.equal(await pyRpc(port, 'supervisor.sendRemoteCommEvent', 't2', 'h\u00e9llo \u{1F600}'), true);
  await until(rec, is('REMOTE_COMMUNICATION'), `${kind}: remote event in rec`);
  await until(second, is('REMOTE_COMMUNICATION'), `${kind}: remote event in second`);
  await d.stop();
  return { rec: records(rec), second: records(second) };
}

test('listeners record the same events, headers, serials, payloads and order as under supervisord', { skip, timeout: 180_000 }, async (t) => {
  const [ours, theirs] = await Promise.all([runScenario(t, 'fleetvisord'), runScenario(t, 'supervisord')]);
  for (const [label, rs] of [['fleetvisord rec', ours.rec], ['fleetvisord second', ours.second], ['supervisord rec', theirs.rec],
    ['supervisord second', theirs.second]] as const) assertLengths(rs, label);
  // Events after the last scripted one (shutdown) are not part of the scenario.
  const upToRemote = (rs: Recorded[]) => rs.slice(0, rs.findIndex(is('REMOTE_COMMUNICATION')) + 1);
  assert.deepEqual(upToRemote(ours.rec).map(normalise), upToRemote(theirs.rec).map(normalise));
  assert.deepEqual(upToRemote(ours.second).map(normalise), upToRemote(theirs.second).map(normalise));
  t.diagnostic(`compared ${upToRemote(theirs.rec).length} + ${upToRemote(theirs.second).length} recorded events`);
  // The comparison covered every kind of event the scenario produces.
  const names = new Set(upToRemote(theirs.rec).map((r) => r.headers['eventname']));
  for (const name of ['PROCESS_GROUP_ADDED', 'PROCESS_GROUP_REMOVED', 'SUPERVISOR_STATE_CHANGE_RUNNING', 'PROCESS_STATE_STARTING',
    'PROCESS_STATE_RUNNING', 'PROCESS_STATE_EXITED', 'PROCESS_STATE_BACKOFF', 'PROCESS_STATE_FATAL', 'PROCESS_STATE_STOPPING',
    'PROCESS_STATE_STOPPED', 'PROCESS_LOG_STDOUT', 'PROCESS_LOG_STDERR', 'PROCESS_COMMUNICATION_STDOUT', 'REMOTE_COMMUNICATION']) {
    assert.ok(names.has(name), `scenario produced ${name}`);
  }
  const twice = upToRemote(theirs.second).filter(is('PROCESS_STATE_EXITED'));
  assert.equal(twice.length, 2, 'the one EXITED event, buffered twice by supervisord');
  assert.equal(twice[0]?.headers['serial'], twice[1]?.headers['serial']);
});

const RESTART = (dir: string) => `
[eventlistener:rec]
command=${recorder} ${dir}/rec.jsonl
events=PROCESS_STATE,PROCESS_GROUP,SUPERVISOR_STATE_CHANGE
buffer_size=50

[program:a]
command=/bin/sleep 300
`;

async function runRestart(t: Hook, kind: DaemonKind): Promise<Recorded[]> {
  const dir = makeTmpDir(t, `fv-events-hup-${kind}-`);
  const d = startDaemon(t, kind, dir, writeConf(dir, RESTART(dir)));
  const rec = join(dir, 'rec.jsonl');
  await until(rec, is('PROCESS_STATE_RUNNING', 'a'), `${kind}: a RUNNING`);
  process.kill(d.pid, 'SIGHUP');
  await until(rec, is('PROCESS_STATE_RUNNING', 'a'), `${kind}: a RUNNING after the restart`, 2);
  await d.stop();
  return records(rec);
}

test('after a SIGHUP restart the global serial goes on and pool serials start again, as in supervisord', { skip, timeout: 120_000 }, async (t) => {
  const [ours, theirs] = await Promise.all([runRestart(t, 'fleetvisord'), runRestart(t, 'supervisord')]);
  // Each life's start-up, up to a's RUNNING. Between them, what the listener still sees depends on
  // when it is stopped (supervisord may SIGTERM it while it holds SUPERVISOR_STATE_CHANGE_STOPPING),
  // but every event buffered meanwhile took a serial, so the second life starts at the same one.
  const lives = (rs: Recorded[], label: string) => {
    const first = rs.findIndex(is('PROCESS_STATE_RUNNING', 'a'));
    const second = rs.findIndex((r, i) => i > first && is('PROCESS_GROUP_ADDED')(r));
    const end = rs.findIndex((r, i) => i > second && is('PROCESS_STATE_RUNNING', 'a')(r));
    const seen = rs.map((r) => `${r.headers['serial']}:${r.headers['eventname']}`).join(' ');
    assert.ok(first > 0 && second > first && end > second, `${label}: both lives recorded: ${seen}`);
    return [...rs.slice(0, first + 1), ...rs.slice(second, end + 1)];
  };
  const a = lives(ours, 'fleetvisord');
  const b = lives(theirs, 'supervisord');
  assert.deepEqual(a.map(normalise), b.map(normalise));
  const secondLife = b.slice(b.findIndex(is('PROCESS_STATE_RUNNING', 'a')) + 1);
  assert.equal(secondLife[0]?.headers['poolserial'], '0');
  assert.ok(Number(secondLife[0]?.headers['serial']) > Number(b[b.findIndex(is('PROCESS_STATE_RUNNING', 'a'))]?.headers['serial']) + 1,
    'the shutdown events took serials too');
  t.diagnostic(`compared ${b.length} events over two lives; the second life starts at serial ${secondLife[0]?.headers['serial']}`);
});

// The process state machine with a fake spawner and clock: every edge of the state machine in
// supervisor/process.py Subprocess (spawn, finish, stop, give_up, transition), with exact log
// lines and one event per change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, type ProcessStateEvent } from '../../../agent/events/bus.js';
import type { OutputSink } from '../../../agent/logging/types.js';
import type { ProcessConfig } from '../../../agent/config/types.js';
import { Subprocess, STRICT_EPSILON } from '../../../agent/process/subprocess.js';
import { ProcessState as S, stateName } from '../../../agent/process/states.js';
import { StdinClosed } from '../../../agent/process/errors.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { BatchingFakeSpawner, FakeSpawner } from '../../helpers/fake-spawner.js';
import { makeProcessConfig, RecordingLogger } from '../../helpers/process-config.js';

const T0 = 1000;

function setup(over: Partial<ProcessConfig> = {}, spawner: FakeSpawner = new FakeSpawner()) {
  const clock = new FakeClock(T0);
  const log = new RecordingLogger();
  const bus = new EventBus();
  const events: ProcessStateEvent[] = [];
  bus.subscribe((e) => { if (e.type === 'PROCESS_STATE') events.push(e); });
  const ctl = { running: true, ticks: 0 };
  const written: string[] = [];
  const closed: string[] = [];
  const openOutput = (channel: 'stdout' | 'stderr'): OutputSink => ({
    write: (chunk: Buffer) => { written.push(`${channel}:${chunk.toString()}`); },
    close: () => { closed.push(channel); },
  });
  const proc = new Subprocess({
    config: makeProcessConfig({ command: '/bin/true', ...over }), groupName: 'g', spawner, clock, bus, log,
    openOutput, baseEnv: { PATH: '/usr/bin:/bin', HOME: '/root' }, serverUrl: 'unix:///tmp/s.sock',
    isDaemonRunning: () => ctl.running, requestTick: () => { ctl.ticks += 1; },
  });
  const edges = (): string[] => events.map((e) => `${stateName(e.from)}->${stateName(e.to)}`);
  const tickAt = (dt: number): void => { clock.set(T0 + dt); proc.tick(clock.now()); };
  // Exits always come a little after the spawn: at equal times supervisord warns that laststart
  // is in the future (tested separately).
  const exitAt = (dt: number, code: number | null, signal: number | null = null): void => {
    clock.set(T0 + dt);
    spawner.last.exit(code, signal);
  };
  return { clock, spawner, log, events, edges, proc, ctl, written, closed, tickAt, exitAt };
}

test('autostart spawns once on the first tick and never again after a stop', () => {
  const h = setup();
  h.tickAt(0);
  assert.equal(h.proc.state, S.STARTING);
  assert.equal(h.proc.pid, 100);
  assert.deepEqual(h.log.visible, ["INFO spawned: 'x' with pid 100"]);
  h.proc.stop();
  h.spawner.last.exit(null, 15);
  h.tickAt(5);
  assert.equal(h.proc.state, S.STOPPED);
  assert.equal(h.spawner.requests.length, 1);
});

test('autostart=false and a stopped daemon never start anything', () => {
  const off = setup({ autostart: false });
  off.tickAt(0);
  assert.equal(off.proc.state, S.STOPPED);
  const h = setup();
  h.ctl.running = false;
  h.tickAt(0);
  assert.equal(h.proc.state, S.STOPPED);
  assert.equal(h.proc.nextDeadline(), null);
  assert.equal(h.spawner.requests.length, 0);
});

test('STARTING -> RUNNING only when now - laststart is strictly greater than startsecs', () => {
  const h = setup({ startsecs: 3 });
  h.tickAt(0);
  h.tickAt(3);
  assert.equal(h.proc.state, S.STARTING);
  assert.equal(h.proc.nextDeadline(), T0 + 3 + STRICT_EPSILON);
  h.tickAt(3 + STRICT_EPSILON);
  assert.equal(h.proc.state, S.RUNNING);
  assert.deepEqual(h.log.visible.slice(1), [
    'INFO success: x entered RUNNING state, process has stayed up for > than 3 seconds (startsecs)',
  ]);
  assert.deepEqual(h.edges(), ['STOPPED->STARTING', 'STARTING->RUNNING']);
});

test('startsecs=0: an exit before any tick gives RUNNING then EXITED (two events)', () => {
  const h = setup({ startsecs: 0, autorestart: false });
  h.tickAt(0);
  h.exitAt(0.01, 0);
  assert.deepEqual(h.edges(), ['STOPPED->STARTING', 'STARTING->RUNNING', 'RUNNING->EXITED']);
  assert.equal(h.events[2]?.expected, true);
  assert.equal(h.events[2]?.pid, 100);
  assert.deepEqual(h.log.visible.slice(1), ['INFO exited: x (exit status 0; expected)']);
  assert.equal(h.proc.pid, 0);
  assert.equal(h.proc.exitstatus, 0);
});

test('quick exits back off 1, 2, 3 s and give up after startretries+1 attempts', () => {
  const h = setup({ startsecs: 10, startretries: 2 });
  h.tickAt(0);
  h.exitAt(0.5, 0);
  assert.equal(h.proc.state, S.BACKOFF);
  assert.equal(h.proc.spawnerr, 'Exited too quickly (process log may have details)');
  assert.equal(h.proc.exitstatus, null);
  assert.equal(h.proc.delay, T0 + 1.5);
  assert.equal(h.proc.nextDeadline(), T0 + 1.5 + STRICT_EPSILON);
  h.tickAt(1.5);
  assert.equal(h.proc.state, S.BACKOFF, 'retry needs now > delay');
  h.tickAt(1.6);
  assert.equal(h.proc.state, S.STARTING);
  h.exitAt(2, 1);
  assert.equal(h.proc.delay, T0 + 2 + 2);
  h.tickAt(4.1);
  h.exitAt(4.5, 1);
  assert.equal(h.proc.backoff, 3);
  assert.equal(h.proc.delay, T0 + 4.5 + 3);
  h.tickAt(4.6);
  assert.equal(h.proc.state, S.FATAL);
  assert.equal(h.proc.backoff, 0);
  assert.equal(h.spawner.requests.length, 3);
  assert.deepEqual(h.log.visible, [
    "INFO spawned: 'x' with pid 100", 'WARN exited: x (exit status 0; not expected)',
    "INFO spawned: 'x' with pid 101", 'WARN exited: x (exit status 1; not expected)',
    "INFO spawned: 'x' with pid 102", 'WARN exited: x (exit status 1; not expected)',
    'INFO gave up: x entered FATAL state, too many start retries too quickly',
  ]);
  assert.deepEqual(h.events.map((e) => e.tries), [0, 1, 1, 2, 2, 3, 0]);
});

test('an exit at the very spawn time warns that laststart is in the future', () => {
  const h = setup({ startsecs: 10, autorestart: false });
  h.tickAt(0);
  h.exitAt(0, 0);
  assert.equal(h.proc.state, S.EXITED);
  assert.equal(h.log.visible[1], "WARN process 'x' (100) laststart time is in the future, don't know how long process was running so assuming it did not exit too quickly");
});

test('startretries=0 means a single attempt', () => {
  const h = setup({ startsecs: 10, startretries: 0 });
  h.tickAt(0);
  h.exitAt(0.1, 0);
  assert.equal(h.proc.nextDeadline(), T0 + 0.1, 'giving up is due at once');
  h.tickAt(0.1);
  assert.equal(h.proc.state, S.FATAL);
  assert.equal(h.spawner.requests.length, 1);
});

test('stop during BACKOFF goes straight to STOPPED and keeps the retry counter', () => {
  const h = setup({ startsecs: 10 });
  h.tickAt(0);
  h.exitAt(0.1, 0);
  h.clock.set(T0 + 0.2);
  assert.equal(h.proc.stop(), null);
  assert.equal(h.proc.state, S.STOPPED);
  assert.equal(h.proc.backoff, 1);
  assert.equal(h.proc.laststop, T0 + 0.1, 'laststop is from the reap, not the stop');
  assert.equal(h.proc.spawnerr, 'Exited too quickly (process log may have details)');
  assert.ok(h.log.lines.includes('DEBG Attempted to kill x, which is in BACKOFF state.'));
  assert.equal(h.spawner.kills.length, 0);
  h.proc.spawn();
  h.exitAt(0.3, 0);
  assert.equal(h.proc.backoff, 2);
  assert.equal(h.events[h.events.length - 1]?.tries, 2);
});

const restartCases: { autorestart: ProcessConfig['autorestart']; code: number | null; signal: number | null; restarts: boolean }[] = [
  { autorestart: false, code: 1, signal: null, restarts: false },
  { autorestart: true, code: 0, signal: null, restarts: true },
  { autorestart: 'unexpected', code: 0, signal: null, restarts: false },
  { autorestart: 'unexpected', code: 2, signal: null, restarts: false },
  { autorestart: 'unexpected', code: 1, signal: null, restarts: true },
  { autorestart: 'unexpected', code: null, signal: 9, restarts: true },
];
for (const c of restartCases) {
  test(`autorestart=${String(c.autorestart)} after exit ${c.code ?? 'sig ' + String(c.signal)}: restart=${c.restarts}`, () => {
    const h = setup({ autorestart: c.autorestart, exitcodes: [0, 2] });
    h.tickAt(0);
    h.tickAt(2);
    h.spawner.last.exit(c.code, c.signal);
    assert.equal(h.proc.state, S.EXITED);
    assert.equal(h.proc.nextDeadline() !== null, c.restarts);
    h.tickAt(2);
    assert.equal(h.proc.state, c.restarts ? S.STARTING : S.EXITED);
    assert.equal(h.spawner.requests.length, c.restarts ? 2 : 1);
  });
}

test('exit messages, levels and spawnerr for expected, bad code and signal deaths', () => {
  const h = setup({ autorestart: false });
  h.tickAt(0);
  h.tickAt(2);
  h.spawner.last.exit(5);
  assert.equal(h.proc.spawnerr, 'Bad exit code 5');
  assert.equal(h.events[h.events.length - 1]?.expected, false);
  h.proc.spawn();
  h.tickAt(4);
  h.spawner.last.exit(null, 9);
  assert.equal(h.proc.exitstatus, -1);
  assert.deepEqual(h.log.visible.filter((l) => l.includes('exited')), [
    'WARN exited: x (exit status 5; not expected)', 'WARN exited: x (terminated by SIGKILL; not expected)',
  ]);
});

test('no automatic restart while the daemon is not running', () => {
  const h = setup({ autorestart: true });
  h.tickAt(0);
  h.tickAt(2);
  h.ctl.running = false;
  h.spawner.last.exit(0);
  h.tickAt(3);
  assert.equal(h.proc.state, S.EXITED);
  assert.equal(h.proc.nextDeadline(), null);
});

test('stop of a RUNNING process signals, enters STOPPING, and the exit gives STOPPED at WARN', () => {
  const h = setup();
  h.tickAt(0);
  h.tickAt(2);
  assert.equal(h.proc.stop(), null);
  assert.equal(h.proc.state, S.STOPPING);
  assert.equal(h.proc.killing, true);
  assert.equal(h.proc.delay, T0 + 2 + 10);
  assert.deepEqual(h.spawner.kills, [{ pid: 100, sig: 15, group: false }]);
  assert.ok(h.log.lines.includes('DEBG killing x (pid 100) with signal SIGTERM'));
  h.spawner.last.exit(null, 15);
  assert.equal(h.proc.state, S.STOPPED);
  assert.equal(h.proc.exitstatus, -1);
  assert.equal(h.log.visible[h.log.visible.length - 1], 'WARN stopped: x (terminated by SIGTERM)');
  assert.deepEqual(h.closed, ['stdout', 'stderr']);
});

test('a stop whose exit code is in exitcodes logs stopped at INFO', () => {
  const h = setup();
  h.tickAt(0);
  h.proc.stop();
  h.spawner.last.exit(0);
  assert.deepEqual(h.edges(), ['STOPPED->STARTING', 'STARTING->STOPPING', 'STOPPING->STOPPED']);
  assert.equal(h.log.visible[h.log.visible.length - 1], 'INFO stopped: x (exit status 0)');
});

test('SIGKILL escalation after stopwaitsecs, and again after another stopwaitsecs', () => {
  const h = setup({ stopwaitsecs: 5 });
  h.tickAt(0);
  h.tickAt(2);
  h.proc.stop();
  assert.equal(h.proc.nextDeadline(), T0 + 7);
  h.tickAt(6.9);
  assert.equal(h.spawner.kills.length, 1);
  h.tickAt(7);
  assert.deepEqual(h.spawner.kills[1], { pid: 100, sig: 9, group: false });
  assert.equal(h.log.visible[h.log.visible.length - 1], "WARN killing 'x' (100) with SIGKILL");
  assert.equal(h.proc.delay, T0 + 12);
  h.tickAt(12);
  assert.equal(h.spawner.kills.length, 3);
  assert.equal(h.events.filter((e) => e.to === S.STOPPING).length, 1, 'no second STOPPING event');
});

test('stopasgroup and killasgroup send to the process group', () => {
  const h = setup({ stopasgroup: true, killasgroup: true, stopwaitsecs: 1 });
  h.tickAt(0);
  h.proc.stop();
  h.tickAt(2);
  assert.deepEqual(h.spawner.kills, [{ pid: 100, sig: 15, group: true }, { pid: 100, sig: 9, group: true }]);
  assert.ok(h.log.lines.includes('DEBG killing x (pid 100) process group with signal SIGTERM'));
  const k = setup({ stopasgroup: false, killasgroup: true, stopwaitsecs: 1 });
  k.tickAt(0);
  k.proc.stop();
  k.tickAt(2);
  assert.deepEqual(k.spawner.kills.map((x) => x.group), [false, true]);
});

test('stop of a process that is not running returns the error text', () => {
  const h = setup({ autostart: false });
  assert.equal(h.proc.stop(), "attempted to kill x with sig SIGTERM but it wasn't running");
  assert.equal(h.proc.signal(1), "attempted to send x sig SIGHUP but it wasn't running");
  assert.equal(h.events.length, 0);
});

test('ESRCH on kill is ignored; other kill errors move to UNKNOWN', () => {
  const h = setup();
  h.tickAt(0);
  h.spawner.last.killError = 'ESRCH';
  assert.equal(h.proc.stop(), null);
  assert.equal(h.proc.state, S.STOPPING);
  assert.ok(h.log.lines.includes('DEBG unable to signal x (pid 100), it probably just exited on its own: [Errno 3] No such process'));
  const u = setup();
  u.tickAt(0);
  u.spawner.last.killError = 'EPERM';
  const msg = u.proc.signal(10);
  assert.match(msg ?? '', /^unknown problem sending sig x \(100\):/);
  assert.equal(u.proc.state, S.UNKNOWN);
  assert.deepEqual(u.edges(), ['STOPPED->STARTING', 'STARTING->UNKNOWN']);
});

test('signal while STOPPING goes to the pid and a death by it completes the stop', () => {
  const h = setup({ stopasgroup: true });
  h.tickAt(0);
  h.proc.stop();
  assert.equal(h.proc.signal(9), null);
  assert.deepEqual(h.spawner.kills[1], { pid: 100, sig: 9, group: false });
  h.spawner.last.exit(null, 9);
  assert.equal(h.proc.state, S.STOPPED);
});

const spawnFailures: { command: string; text: string }[] = [
  { command: '/nonexistent/binary', text: "can't find command '/nonexistent/binary'" },
  { command: 'nonexistent-binary-xyz', text: "can't find command 'nonexistent-binary-xyz'" },
  { command: '/tmp', text: "command at '/tmp' is a directory" },
  { command: '/etc/passwd', text: "command at '/etc/passwd' is not executable" },
  { command: '', text: 'command is empty' },
  { command: 'a "b', text: `can't parse command 'a "b': No closing quotation` },
];
for (const c of spawnFailures) {
  test(`spawn failure: ${c.text}`, () => {
    const h = setup({ command: c.command });
    h.tickAt(0);
    assert.equal(h.proc.state, S.BACKOFF);
    assert.equal(h.proc.spawnerr, c.text);
    assert.equal(h.proc.pid, 0);
    assert.deepEqual(h.log.visible, [`INFO spawnerr: ${c.text}`]);
    assert.deepEqual(h.edges(), ['STOPPED->STARTING', 'STARTING->BACKOFF']);
    assert.equal(h.spawner.requests.length, 0);
  });
}

const forkFailures: { code: string; text: string }[] = [
  { code: 'EMFILE', text: "unknown error during fork for 'x': EMFILE" },
  { code: 'EAGAIN', text: "Too many processes in process table to spawn 'x'" },
  { code: 'ENOMEM', text: "unknown error during fork for 'x': ENOMEM" },
];
for (const c of forkFailures) {
  test(`fork failure ${c.code}: ${c.text}`, () => {
    const h = setup();
    h.spawner.failNext = c.code;
    h.tickAt(0);
    assert.equal(h.proc.state, S.BACKOFF);
    assert.equal(h.proc.spawnerr, c.text);
    assert.deepEqual(h.closed, ['stdout', 'stderr'], 'sinks opened for the attempt are closed');
  });
}

test('an EMFILE while opening the output logs is "too many open files"', () => {
  const h = setup();
  const failing = new Subprocess({
    config: makeProcessConfig(), groupName: 'g', spawner: h.spawner, clock: h.clock, bus: new EventBus(), log: h.log,
    openOutput: () => { throw Object.assign(new Error('x'), { code: 'EMFILE' }); },
    baseEnv: {}, serverUrl: null, isDaemonRunning: () => true, requestTick: () => {},
  });
  failing.tick(T0);
  assert.equal(failing.spawnerr, "too many open files to spawn 'x'");
});

test('spawn of a running process only warns', () => {
  const h = setup();
  h.tickAt(0);
  h.proc.spawn();
  assert.equal(h.log.visible[1], "WARN process 'x' already running");
  assert.equal(h.spawner.requests.length, 1);
});

test('the spawn request carries env, cwd, umask, user and redirect settings', () => {
  const h = setup({ environment: { SUPERVISOR_GROUP_NAME: 'mine', A: '1' }, directory: '/tmp', umask: 0o22, redirect_stderr: true });
  h.tickAt(0);
  const req = h.spawner.requests[0];
  assert.ok(req);
  assert.equal(req.file, '/bin/true');
  assert.deepEqual(req.argv, ['/bin/true']);
  assert.deepEqual(req.env, {
    PATH: '/usr/bin:/bin', HOME: '/root', SUPERVISOR_ENABLED: '1', SUPERVISOR_SERVER_URL: 'unix:///tmp/s.sock',
    SUPERVISOR_PROCESS_NAME: 'x', SUPERVISOR_GROUP_NAME: 'mine', A: '1',
  });
  assert.equal(req.cwd, '/tmp');
  assert.equal(req.umask, 0o22);
  assert.equal(req.redirectStderr, true);
  assert.deepEqual(h.closed, []);
  h.spawner.last.stdout.write('hello');
  assert.deepEqual(h.written, ['stdout:hello']);
});

test('output goes to the channel sinks, which close before the exit is logged', () => {
  const h = setup();
  h.tickAt(0);
  h.spawner.last.stdout.write('o');
  h.spawner.last.stderr?.write('e');
  h.spawner.last.exit(0);
  assert.deepEqual(h.written, ['stdout:o', 'stderr:e']);
  assert.deepEqual(h.closed, ['stdout', 'stderr']);
});

test('writeStdin delivers bytes only while running and not stopping', () => {
  const h = setup();
  assert.throws(() => h.proc.writeStdin(Buffer.from('a')), new StdinClosed('Process already closed'));
  h.tickAt(0);
  h.proc.writeStdin(Buffer.from('abc'));
  assert.equal(h.spawner.last.stdin?.read()?.toString(), 'abc');
  h.proc.stop();
  assert.throws(() => h.proc.writeStdin(Buffer.from('a')), new StdinClosed('Process already closed'));
});

test('giveUp turns BACKOFF into FATAL and resets the counter', () => {
  const h = setup({ command: '/nonexistent' });
  h.tickAt(0);
  h.proc.giveUp();
  assert.equal(h.proc.state, S.FATAL);
  assert.equal(h.proc.backoff, 0);
  assert.equal(h.proc.nextDeadline(), null);
});

test('every state change requests a tick and emits exactly one event', () => {
  const h = setup();
  h.tickAt(0);
  h.tickAt(2);
  h.spawner.last.exit(0);
  assert.equal(h.ctl.ticks, h.events.length);
  assert.deepEqual(h.events.map((e) => [e.processName, e.groupName]), Array(3).fill(['x', 'g']));
});

test('a spawn deferred in a batch: STARTING without a pid until the batch ends, then the pid and the log line', () => {
  const spawner = new BatchingFakeSpawner();
  const h = setup({}, spawner);
  spawner.beginBatch();
  h.tickAt(0);
  assert.equal(h.proc.state, S.STARTING);
  assert.equal(h.proc.pid, 0, 'no pid while the fork is in flight');
  assert.equal(spawner.inFlight, 1);
  assert.deepEqual(h.log.visible, []);
  spawner.endBatch();
  assert.equal(h.proc.pid, 100);
  assert.deepEqual(h.log.visible, ["INFO spawned: 'x' with pid 100"]);
  h.tickAt(1.5);
  assert.equal(h.proc.state, S.RUNNING);
  assert.deepEqual(h.edges(), ['STOPPED->STARTING', 'STARTING->RUNNING']);
});

test('a deferred spawn that fails at the end of its batch ends in BACKOFF with the fork error, sinks closed', () => {
  const spawner = new BatchingFakeSpawner();
  const h = setup({}, spawner);
  spawner.beginBatch();
  h.tickAt(0);
  spawner.failNext = 'EAGAIN';
  spawner.endBatch();
  assert.equal(h.proc.state, S.BACKOFF);
  assert.equal(h.proc.pid, 0);
  assert.equal(h.proc.spawnerr, "Too many processes in process table to spawn 'x'");
  assert.deepEqual(h.closed, ['stdout', 'stderr']);
  assert.deepEqual(h.edges(), ['STOPPED->STARTING', 'STARTING->BACKOFF']);
});

test('outside a batch a deferring spawner settles at once', () => {
  const spawner = new BatchingFakeSpawner();
  const h = setup({}, spawner);
  h.tickAt(0);
  assert.equal(h.proc.pid, 100);
  assert.equal(spawner.inFlight, 0);
});

test('a start that fails before the spawner, behind a spawn in flight, is logged and changes state in start order', () => {
  const spawner = new BatchingFakeSpawner();
  const clock = new FakeClock(T0);
  const log = new RecordingLogger();
  const bus = new EventBus();
  const edges: string[] = [];
  bus.subscribe((e) => { if (e.type === 'PROCESS_STATE') edges.push(`${e.processName} ${stateName(e.from)}->${stateName(e.to)}`); });
  const make = (name: string, command: string): Subprocess => new Subprocess({
    config: makeProcessConfig({ name, command }), groupName: name, spawner, clock, bus, log,
    openOutput: () => null, baseEnv: { PATH: '/usr/bin:/bin' }, serverUrl: 'unix:///tmp/s.sock',
    isDaemonRunning: () => true, requestTick: () => undefined,
  });
  const a = make('a', '/bin/true');
  const b = make('b', '/nonexistent/fv-x');
  spawner.beginBatch();
  a.tick(T0);
  b.tick(T0);
  assert.equal(b.state, S.STARTING, 'its failure waits for the spawn before it');
  spawner.endBatch();
  assert.equal(b.state, S.BACKOFF);
  assert.deepEqual(log.visible, ["INFO spawned: 'a' with pid 100", "INFO spawnerr: can't find command '/nonexistent/fv-x'"]);
  assert.deepEqual(edges, ['a STOPPED->STARTING', 'b STOPPED->STARTING', 'b STARTING->BACKOFF']);
});

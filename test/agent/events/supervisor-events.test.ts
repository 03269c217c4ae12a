// The Supervisor with listener pools, on a fake spawner and clock: start-up event order (pools
// first, their own PROCESS_GROUP_ADDED), envelopes on the listener's stdin, TICK_* from the loop,
// a listener dying while BUSY, and a pool removed and added again; plus TickTracker and EventSerial.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../../agent/events/bus.js';
import { EventSerial, TickTracker, createDaemonEventState } from '../../../agent/events/sequence.js';
import type { EventListenerPoolConfig, GroupConfig, LoadedConfig, ProcessConfig } from '../../../agent/config/types.js';
import { ProcessState as S } from '../../../agent/process/states.js';
import { Supervisor } from '../../../agent/supervisor.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeSpawner, type FakeChild } from '../../helpers/fake-spawner.js';
import { makeProcessConfig, RecordingLogger } from '../../helpers/process-config.js';
import { waitFor } from '../../helpers/wait-for.js';

function loaded(groups: GroupConfig[]): LoadedConfig {
  return {
    file: '/nonexistent/supervisord.conf', httpServers: [], rpcinterfaces: [], messages: [], groups,
    supervisord: {
      logfile: '/dev/null', logfile_maxbytes: 0, logfile_backups: 0, loglevel: 'debug', pidfile: '/nonexistent/pid', umask: 0o22,
      nodaemon: true, silent: true, minfds: 0, minprocs: 0, nocleanup: true, childlogdir: '/tmp', user: null, directory: null,
      strip_ansi: false, environment: null, identifier: 'ident',
    },
  };
}

function listenerGroup(name: string, proc: Partial<ProcessConfig> = {}, events = ['EVENT']): EventListenerPoolConfig {
  return { kind: 'eventlistener', name, priority: -1, events, buffer_size: 50, result_handler: 'supervisor.dispatchers:default_handler',
    processes: [makeProcessConfig({ name, command: '/bin/cat', ...proc })] };
}

function programGroup(name: string, proc: Partial<ProcessConfig> = {}): GroupConfig {
  return { kind: 'program', name, priority: 999, processes: [makeProcessConfig({ name, command: '/bin/cat', ...proc })] };
}

/** Reads envelopes (header line + len characters) from a fake child's stdin. */
class EnvelopeReader {
  #text = '';
  readonly envelopes: { header: Record<string, string>; payload: string }[] = [];
  constructor(child: FakeChild) {
    child.stdin?.on('data', (d: Buffer) => { this.#text += d.toString('utf8'); this.#parse(); });
  }
  #parse(): void {
    for (;;) {
      const nl = this.#text.indexOf('\n');
      if (nl === -1) return;
      const header = Object.fromEntries(this.#text.slice(0, nl).split(' ').map((f) => f.split(':') as [string, string]));
      const chars = [...this.#text.slice(nl + 1)];
      const len = Number(header['len']);
      if (chars.length < len) return;
      this.envelopes.push({ header, payload: chars.slice(0, len).join('') });
      this.#text = chars.slice(len).join('');
    }
  }
  get names(): string[] { return this.envelopes.map((e) => e.header['eventname'] ?? ''); }
}

function setup(groups: GroupConfig[], t: { after(fn: () => void): void }) {
  const clock = new FakeClock(1001);
  const spawner = new FakeSpawner();
  const log = new RecordingLogger();
  const bus = new EventBus();
  const sup = new Supervisor({ config: loaded(groups), log, bus, spawner, clock, baseEnv: { PATH: '/usr/bin:/bin' }, serverUrl: null,
    events: createDaemonEventState() });
  t.after(() => {
    // End the loop: stop everything and let the fake children die.
    sup.shutdown();
    for (const c of spawner.children) { try { c.exit(0); } catch { /* already exited */ } }
  });
  /** Answers OK to every event the listener gets, from now on. */
  const autoAck = (child: FakeChild, reader: EnvelopeReader) => {
    let answered = 0;
    child.stdin?.on('data', () => {
      setImmediate(() => {
        while (answered < reader.envelopes.length) { answered++; child.stdout.write('RESULT 2\nOKREADY\n'); }
      });
    });
  };
  const pass = (dt = 0) => { clock.advance(dt); sup.requestTick(); };
  /** Waits for spawn number `index`, reads its stdin, says READY and lets startsecs pass. */
  const listen = async (index: number, ack = false) => {
    await waitFor(() => spawner.children.length > index, { what: `spawn ${index}` });
    const child = spawner.children[index] as FakeChild;
    const reader = new EnvelopeReader(child);
    if (ack) autoAck(child, reader);
    child.stdout.write('READY\n');
    pass(1.5);
    return { child, reader };
  };
  return { clock, spawner, log, bus, sup, pass, listen };
}

test('start-up order: the pool exists first and gets its own and every later PROCESS_GROUP_ADDED, then RUNNING, STARTING...', async (t) => {
  const h = setup([listenerGroup('ev'), programGroup('p')], t);
  h.sup.start();
  await waitFor(() => h.spawner.children.length === 2, { what: 'both spawned' });
  const { reader } = await h.listen(0, true);
  await waitFor(() => reader.names.length >= 7, { what: 'seven events' });
  assert.deepEqual(reader.names, [
    'PROCESS_GROUP_ADDED', 'PROCESS_GROUP_ADDED', 'SUPERVISOR_STATE_CHANGE_RUNNING',
    'PROCESS_STATE_STARTING', 'PROCESS_STATE_STARTING', 'PROCESS_STATE_RUNNING', 'PROCESS_STATE_RUNNING',
  ]);
  assert.deepEqual(reader.envelopes.slice(0, 2).map((e) => e.payload), ['groupname:ev\n', 'groupname:p\n']);
  assert.deepEqual(reader.envelopes.map((e) => e.header['serial']), ['0', '1', '2', '3', '4', '5', '6']);
  assert.deepEqual(reader.envelopes[5]?.header, { ver: '3.0', server: 'ident', serial: '5', pool: 'ev', poolserial: '5',
    eventname: 'PROCESS_STATE_RUNNING', len: '55' });
  assert.equal(reader.envelopes[5]?.payload, 'processname:ev groupname:ev from_state:STARTING pid:100');
  assert.ok(h.log.lines.includes('DEBG event 0 sent to listener ev'));
  assert.ok(h.log.lines.includes("DEBG 'ev' stdout output:\nb'READY\\n'"), 'listener stdout is still mirrored raw');
});

test('TICK_5 and TICK_60 come from the loop: first pass records, then one event per new period start', async (t) => {
  const h = setup([listenerGroup('ev', {}, ['TICK'])], t);
  h.sup.start();
  const { reader } = await h.listen(0, true); // 1002.5: RUNNING, same 5 s period
  await waitFor(() => h.sup.group('ev')?.processes[0]?.state === S.RUNNING, { what: 'RUNNING' });
  h.pass(3); // 1005.5
  await waitFor(() => reader.envelopes.length >= 1, { what: 'TICK_5' });
  h.pass(31); // 1036.5: the 5 s periods in between are not back-filled; a 60 s period began at 1020
  await waitFor(() => reader.envelopes.length >= 3, { what: 'TICK_5 + TICK_60' });
  h.pass(44); // 1080.5
  await waitFor(() => reader.envelopes.length >= 5, { what: 'TICK_5 + TICK_60 again' });
  assert.deepEqual(reader.envelopes.map((e) => `${e.header['eventname']} ${e.payload}`), [
    'TICK_5 when:1005', 'TICK_5 when:1035', 'TICK_60 when:1020', 'TICK_5 when:1080', 'TICK_60 when:1080',
  ]);
});

test('a listener dying while BUSY: the event is redelivered first, same serials, to the next spawn', async (t) => {
  const h = setup([listenerGroup('ev', { autorestart: true, startsecs: 1 }, ['PROCESS_STATE', 'REMOTE_COMMUNICATION'])], t);
  h.sup.start();
  const { child: first, reader: r1 } = await h.listen(0);
  await waitFor(() => r1.envelopes.length === 1, { what: 'first event' });
  assert.equal(r1.names[0], 'PROCESS_STATE_STARTING');
  // Dies without answering; autorestart spawns it again.
  h.clock.advance(1);
  first.exit(1);
  h.pass();
  const { reader: r2 } = await h.listen(1, true);
  await waitFor(() => r2.envelopes.length >= 5, { what: 'redelivery' });
  assert.deepEqual(r2.envelopes.slice(0, 5).map((e) => `${e.header['serial']}/${e.header['poolserial']} ${e.header['eventname']}`), [
    '0/0 PROCESS_STATE_STARTING', '1/1 PROCESS_STATE_RUNNING', '2/2 PROCESS_STATE_EXITED', '3/3 PROCESS_STATE_STARTING',
    '4/4 PROCESS_STATE_RUNNING',
  ]);
  assert.ok(h.log.lines.includes('DEBG rebuffering event 0 for pool ev (buf size=2, max=50)'));
});

test('a removed pool is gone; added again, it starts at poolserial 0 while the global serial goes on', async (t) => {
  const ev = listenerGroup('ev', { autorestart: false });
  const h = setup([ev], t);
  h.sup.start();
  const { child: first } = await h.listen(0);
  await waitFor(() => h.sup.group('ev')?.processes[0]?.state === S.RUNNING, { what: 'RUNNING' });
  h.sup.group('ev')?.processes[0]?.stop();
  first.exit(null, 15);
  await waitFor(() => h.sup.group('ev')?.processes[0]?.state === S.STOPPED, { what: 'STOPPED' });
  assert.equal(h.sup.removeProcessGroup('ev'), true);
  h.bus.notify({ type: 'REMOTE_COMMUNICATION', commType: 'nobody', data: 'listens' });
  assert.equal(h.sup.addProcessGroup(ev), true);
  const { reader } = await h.listen(1);
  await waitFor(() => reader.envelopes.length === 1, { what: 'first event of the new pool' });
  // serials 0..N went to the first pool's events, which the REMOVED and the remote event never joined.
  assert.equal(reader.envelopes[0]?.header['eventname'], 'PROCESS_GROUP_ADDED');
  assert.equal(reader.envelopes[0]?.header['poolserial'], '0');
  assert.ok(Number(reader.envelopes[0]?.header['serial']) > 0);
});

test('TickTracker: the first observation only records; periods are floor(now / p) * p', () => {
  const ticks = new TickTracker();
  assert.deepEqual(ticks.observe(1004.9), []);
  assert.deepEqual(ticks.observe(1004.99), []);
  assert.deepEqual(ticks.observe(1005), [{ type: 'TICK', period: 5, when: 1005 }]);
  assert.deepEqual(ticks.observe(3600 * 3 + 0.5).map((e) => `${e.period}:${e.when}`), ['5:10800', '60:10800', '3600:10800']);
  assert.equal(TickTracker.nextBoundary(1004.2), 1005);
  assert.equal(TickTracker.nextBoundary(1005), 1010);
});

test('EventSerial numbers each event object once, from 0', () => {
  const s = new EventSerial();
  const a = { type: 'REMOTE_COMMUNICATION', commType: 't', data: '' } as const;
  const b = { ...a };
  assert.equal(s.of(a), 0);
  assert.equal(s.of(a), 0);
  assert.equal(s.of(b), 1);
});

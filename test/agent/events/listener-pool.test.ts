// The event listener pool (supervisor/process.py EventListenerPool) with fake listener processes:
// buffer overflow order, global and pool serials, dispatch only to RUNNING+READY members in order,
// rejection and exit rebuffer at the head with the same serials, broken pipes, removal; log texts
// as supervisord's process.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, type BusEvent } from '../../../agent/events/bus.js';
import { EventListenerPool, type ListenerProcess, type PoolMember } from '../../../agent/events/listener-pool.js';
import { EventSerial } from '../../../agent/events/sequence.js';
import type { EventListenerPoolConfig } from '../../../agent/config/types.js';
import type { OutputSink } from '../../../agent/logging/types.js';
import { ListenerState as L, ProcessState as S, type ProcessStateCode } from '../../../agent/process/states.js';
import { makeProcessConfig, RecordingLogger } from '../../helpers/process-config.js';

class FakeListener implements ListenerProcess {
  state: ProcessStateCode = S.RUNNING;
  readonly written: string[] = [];
  /** 'now': writeStdin throws (stdin known closed); 'later': the write's error arrives afterwards. */
  broken: 'no' | 'now' | 'later' = 'no';
  lateErrors: (() => void)[] = [];
  writeStdin(data: Buffer, onError?: (err: Error) => void): void {
    if (this.broken === 'now') throw new Error("Process' stdin channel is closed");
    if (this.broken === 'later' && onError) this.lateErrors.push(() => onError(new Error('EPIPE')));
    this.written.push(data.toString('utf8'));
  }
}

const nullSink: OutputSink = { write: () => {}, close: () => {} };

interface Harness {
  pool: EventListenerPool;
  bus: EventBus;
  log: RecordingLogger;
  procs: FakeListener[];
  members: PoolMember[];
  /** Per member: the sink of its current spawn (feeds its stdout). */
  stdout: OutputSink[];
  wakes: { n: number };
  say(i: number, text: string): void;
}

function poolConfig(name: string, over: Partial<EventListenerPoolConfig> = {}): EventListenerPoolConfig {
  return {
    kind: 'eventlistener', name, priority: -1, events: ['EVENT'], buffer_size: 10,
    result_handler: 'supervisor.dispatchers:default_handler',
    processes: [makeProcessConfig({ name })], ...over,
  };
}

function harness(opts: { name?: string; members?: number; events?: string[]; buffer_size?: number; bus?: EventBus; serial?: EventSerial;
  log?: RecordingLogger } = {}): Harness {
  const bus = opts.bus ?? new EventBus();
  const log = opts.log ?? new RecordingLogger();
  const wakes = { n: 0 };
  const name = opts.name ?? 'pool';
  const config = poolConfig(name, { events: opts.events ?? ['EVENT'], buffer_size: opts.buffer_size ?? 10 });
  const pool = new EventListenerPool({ config, bus, log, serial: opts.serial ?? new EventSerial(), identifier: () => 'supervisor',
    requestDispatch: () => { wakes.n += 1; } });
  const procs: FakeListener[] = [];
  const members: PoolMember[] = [];
  const stdout: OutputSink[] = [];
  for (let i = 0; i < (opts.members ?? 1); i++) {
    const m = pool.addMember(`${name}_${i}`);
    const p = new FakeListener();
    m.attach(p);
    procs.push(p);
    members.push(m);
    stdout.push(m.spawned(nullSink));
  }
  const say = (i: number, text: string) => (stdout[i] as OutputSink).write(Buffer.from(text));
  return { pool, bus, log, procs, members, stdout, wakes, say };
}

const remote = (data: string): BusEvent => ({ type: 'REMOTE_COMMUNICATION', commType: 't', data });
const headerOf = (envelope: string): string => envelope.slice(0, envelope.indexOf('\n'));

test('overflow discards the oldest event and says which serial', () => {
  const h = harness({ buffer_size: 3 });
  for (let i = 0; i < 5; i++) h.bus.notify(remote(String(i)));
  assert.deepEqual(h.pool.bufferedSerials, [2, 3, 4]);
  assert.deepEqual(h.log.lines.filter((l) => l.startsWith('ERRO')), [
    'ERRO pool pool event buffer overflowed, discarding event 0',
    'ERRO pool pool event buffer overflowed, discarding event 1',
  ]);
});

test('serials: global across pools, assigned at first buffering; unsubscribed events use none', () => {
  const bus = new EventBus();
  const serial = new EventSerial();
  const a = harness({ name: 'a', bus, serial, events: ['PROCESS_GROUP'] });
  const b = harness({ name: 'b', bus, serial, events: ['REMOTE_COMMUNICATION', 'PROCESS_GROUP_ADDED'] });
  bus.notify({ type: 'PROCESS_GROUP_ADDED', groupName: 'g1' }); // a:0 b:0, serial 0
  bus.notify({ type: 'TICK', period: 5, when: 5 }); // nobody: no serial
  bus.notify(remote('x')); // b only: serial 1
  bus.notify({ type: 'PROCESS_GROUP_REMOVED', groupName: 'g1' }); // a only: serial 2
  for (const h of [a, b]) { h.say(0, 'READY\n'); }
  const drain = (h: Harness): string[] => {
    const headers: string[] = [];
    for (;;) {
      h.pool.dispatch();
      const sent = h.procs[0]?.written.splice(0) ?? [];
      if (sent.length === 0) return headers;
      headers.push(...sent.map(headerOf));
      h.say(0, 'RESULT 2\nOKREADY\n');
    }
  };
  assert.deepEqual(drain(a), [
    'ver:3.0 server:supervisor serial:0 pool:a poolserial:0 eventname:PROCESS_GROUP_ADDED len:13',
    'ver:3.0 server:supervisor serial:2 pool:a poolserial:1 eventname:PROCESS_GROUP_REMOVED len:13',
  ]);
  assert.deepEqual(drain(b), [
    'ver:3.0 server:supervisor serial:0 pool:b poolserial:0 eventname:PROCESS_GROUP_ADDED len:13',
    'ver:3.0 server:supervisor serial:1 pool:b poolserial:1 eventname:REMOTE_COMMUNICATION len:8',
  ]);
});

test('dispatch goes only to a RUNNING and READY member, the first in order', () => {
  const h = harness({ members: 3 });
  const [p0, p1, p2] = h.procs as [FakeListener, FakeListener, FakeListener];
  p0.state = S.STARTING;
  h.say(0, 'READY\n'); // READY but not RUNNING
  // member 1 RUNNING but still ACKNOWLEDGED
  h.say(2, 'READY\n');
  h.bus.notify(remote('a'));
  h.pool.dispatch();
  assert.deepEqual([p0.written.length, p1.written.length, p2.written.length], [0, 0, 1]);
  assert.equal(h.members[2]?.listenerState, L.BUSY);
  // Nobody else can take the next one: it stays buffered.
  h.bus.notify(remote('b'));
  h.pool.dispatch();
  assert.deepEqual(h.pool.bufferedSerials, [1]);
  assert.ok(h.log.lines.includes('DEBG event 0 sent to listener pool_2'));
  // The first member reaches RUNNING: it takes the next event.
  p0.state = S.RUNNING;
  h.pool.dispatch();
  assert.equal(p0.written.length, 1);
  assert.deepEqual(h.pool.bufferedSerials, []);
});

test('one pass sends as many events as there are READY members, then puts the rest back at the head', () => {
  const h = harness({ members: 2 });
  h.say(0, 'READY\n');
  h.say(1, 'READY\n');
  for (const d of ['a', 'b', 'c']) h.bus.notify(remote(d));
  h.log.clear();
  h.pool.dispatch();
  assert.deepEqual(h.log.lines, [
    'DEBG event 0 sent to listener pool_0',
    'DEBG event 1 sent to listener pool_1',
    'DEBG rebuffering event 2 for pool pool (buf size=0, max=10)',
  ]);
  assert.deepEqual(h.pool.bufferedSerials, [2]);
});

test('a rejected event goes back to the head with the same serials and is redelivered', () => {
  const h = harness();
  h.say(0, 'READY\n');
  h.bus.notify(remote('first'));
  h.bus.notify(remote('second'));
  h.pool.dispatch();
  const proc = h.procs[0] as FakeListener;
  const firstSend = proc.written.splice(0);
  h.log.clear();
  h.say(0, 'RESULT 4\nFAIL');
  assert.deepEqual(h.log.lines, [
    'WARN pool_0: event was rejected',
    'DEBG pool_0: BUSY -> ACKNOWLEDGED',
    'DEBG rebuffering event 0 for pool pool (buf size=1, max=10)',
  ]);
  assert.deepEqual(h.pool.bufferedSerials, [0, 1]);
  h.say(0, 'READY\n');
  h.pool.dispatch();
  assert.deepEqual(proc.written.splice(0), firstSend, 'the same envelope, serials included');
});

test('overflow also drops a rebuffered event that sits at the head (supervisor/process.py EventListenerPool._acceptEvent)', () => {
  const h = harness({ buffer_size: 2 });
  h.say(0, 'READY\n');
  h.bus.notify(remote('a')); // 0
  h.pool.dispatch(); // 0 in flight
  h.bus.notify(remote('b')); // 1
  h.bus.notify(remote('c')); // 2: buffer [1, 2]
  h.say(0, 'RESULT 4\nFAIL'); // 0 back at the head: buffer full, the oldest (1) goes
  assert.deepEqual(h.pool.bufferedSerials, [0, 2]);
  h.bus.notify(remote('d')); // full again: 0 is now the oldest and is dropped
  assert.deepEqual(h.pool.bufferedSerials, [2, 3]);
  assert.deepEqual(h.log.lines.filter((l) => l.startsWith('ERRO')), [
    'ERRO pool pool event buffer overflowed, discarding event 1',
    'ERRO pool pool event buffer overflowed, discarding event 0',
  ]);
});

test('a listener that exits while BUSY: its exit event is buffered, then the in-flight event goes to the head', () => {
  const h = harness({ events: ['PROCESS_STATE', 'REMOTE_COMMUNICATION'] });
  h.say(0, 'READY\n');
  h.bus.notify(remote('a')); // 0
  h.pool.dispatch();
  h.log.clear();
  (h.procs[0] as FakeListener).state = S.EXITED;
  h.bus.notify({ type: 'PROCESS_STATE', processName: 'pool_0', groupName: 'pool', from: S.RUNNING, to: S.EXITED, tries: 0, expected: false, pid: 9 });
  assert.deepEqual(h.pool.bufferedSerials, [0, 1]);
  assert.deepEqual(h.log.lines, ['DEBG rebuffering event 0 for pool pool (buf size=1, max=10)']);
  // The next spawn starts over in ACKNOWLEDGED.
  h.stdout[0] = (h.members[0] as PoolMember).spawned(nullSink);
  assert.equal(h.members[0]?.listenerState, L.ACKNOWLEDGED);
});

test('a protocol violation while BUSY rejects the event; the member never gets another one', () => {
  const h = harness({ members: 2 });
  h.say(0, 'READY\n');
  h.bus.notify(remote('a'));
  h.pool.dispatch();
  h.say(0, 'RESULT 99999999999\n');
  assert.equal(h.members[0]?.listenerState, L.UNKNOWN);
  assert.deepEqual(h.pool.bufferedSerials, [0]);
  h.say(1, 'READY\n');
  h.pool.dispatch();
  assert.equal(h.procs[1]?.written.length, 1, 'the other member gets the rejected event');
  h.say(0, 'READY\n');
  assert.equal(h.members[0]?.listenerState, L.UNKNOWN);
});

test('a broken pipe skips that member (state unchanged) and tries the next', () => {
  const h = harness({ members: 2 });
  h.say(0, 'READY\n');
  h.say(1, 'READY\n');
  (h.procs[0] as FakeListener).broken = 'now';
  h.bus.notify(remote('a'));
  h.log.clear();
  h.pool.dispatch();
  assert.deepEqual(h.log.lines, [
    'DEBG epipe occurred while sending event 0 to listener pool_0, listener state unchanged',
    'DEBG event 0 sent to listener pool_1',
  ]);
  assert.equal(h.members[0]?.listenerState, L.READY);
});

test('a broken pipe reported after the write puts the member back to READY and the event back at the head', () => {
  const h = harness({ members: 1 });
  const proc = h.procs[0] as FakeListener;
  h.say(0, 'READY\n');
  proc.broken = 'later';
  h.bus.notify(remote('a'));
  h.pool.dispatch();
  assert.equal(h.members[0]?.listenerState, L.BUSY);
  h.log.clear();
  const wakes = h.wakes.n;
  for (const fire of proc.lateErrors.splice(0)) fire();
  assert.equal(h.members[0]?.listenerState, L.READY);
  assert.deepEqual(h.pool.bufferedSerials, [0]);
  assert.deepEqual(h.log.lines, [
    'DEBG epipe occurred while sending event 0 to listener pool_0, listener state unchanged',
    'DEBG rebuffering event 0 for pool pool (buf size=0, max=10)',
  ]);
  assert.ok(h.wakes.n > wakes);
  // From now on the write fails at once: no wake-up loop, the event waits at the head.
  proc.broken = 'now';
  const before = h.wakes.n;
  h.pool.dispatch();
  assert.equal(h.wakes.n, before);
  assert.deepEqual(h.pool.bufferedSerials, [0]);
});

test('(quirk) an event matching two events= names is buffered twice with the same serials', () => {
  const h = harness({ events: ['PROCESS_STATE', 'PROCESS_STATE_RUNNING'] });
  h.bus.notify({ type: 'PROCESS_STATE', processName: 'x', groupName: 'x', from: S.STARTING, to: S.RUNNING, tries: 0, expected: true, pid: 5 });
  assert.deepEqual(h.pool.bufferedSerials, [0, 0]);
  assert.deepEqual(h.log.lines, ['DEBG rebuffering event 0 for pool pool (buf size=1, max=10)']);
});

test('wake-ups are asked only when a member can take an event', () => {
  const h = harness();
  h.bus.notify(remote('a'));
  assert.equal(h.wakes.n, 0, 'nobody READY yet');
  h.say(0, 'READY\n');
  assert.equal(h.wakes.n, 1, 'READY arrived');
  h.bus.notify(remote('b'));
  assert.equal(h.wakes.n, 2, 'an event was buffered');
});

test('a closed pool (group removed) no longer buffers and has dropped its buffer', () => {
  const h = harness();
  h.bus.notify(remote('a'));
  h.pool.close();
  assert.deepEqual(h.pool.bufferedSerials, []);
  h.bus.notify(remote('b'));
  assert.deepEqual(h.pool.bufferedSerials, []);
});

test('output of an older spawn never reaches the protocol of a newer one', () => {
  const h = harness();
  const old = h.stdout[0] as OutputSink;
  h.stdout[0] = (h.members[0] as PoolMember).spawned(nullSink);
  old.write(Buffer.from('garbage!'));
  assert.equal(h.members[0]?.listenerState, L.ACKNOWLEDGED);
});

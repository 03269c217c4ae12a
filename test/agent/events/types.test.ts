// Event types, subscription matching and payload serializers, against envelopes captured from
// Debian's supervisord 4.2.5 (a supervisor.childutils listener on events=EVENT recorded each
// header and payload; scenario: capture-mode and events_enabled output with non-UTF-8 bytes,
// backoff to FATAL, expected and unexpected exits, sendRemoteCommEvent, removeProcessGroup).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BusEvent } from '../../../agent/events/bus.js';
import { EVENT_TYPE_NAMES } from '../../../agent/config/event-names.js';
import { buildEnvelope } from '../../../agent/events/listener-protocol.js';
import { EVENT_TYPES, eventPayload, eventTypeOf, matchesSubscription, payloadLength, type EventTypeName } from '../../../agent/events/types.js';
import { ProcessState as S } from '../../../agent/process/states.js';

const state = (processName: string, from: number, to: number, extra: { tries?: number; expected?: boolean; pid?: number } = {}): BusEvent => ({
  type: 'PROCESS_STATE', processName, groupName: processName, from: from as never, to: to as never,
  tries: extra.tries ?? 0, expected: extra.expected ?? true, pid: extra.pid ?? 0,
});
const output = (type: 'PROCESS_LOG' | 'PROCESS_COMMUNICATION', channel: 'stdout' | 'stderr', data: Buffer): BusEvent => ({
  type, channel, processName: 'talk', groupName: 'talk', pid: 27686, data,
});

/** [bus event, eventname, len, payload] as supervisord 4.2.5 sent them. */
const GOLDEN: [BusEvent, EventTypeName, number, string][] = [
  [{ type: 'PROCESS_GROUP_ADDED', groupName: 'rec' }, 'PROCESS_GROUP_ADDED', 14, 'groupname:rec\n'],
  [{ type: 'SUPERVISOR_STATE_CHANGE', to: 'RUNNING' }, 'SUPERVISOR_STATE_CHANGE_RUNNING', 0, ''],
  [state('rec', S.STOPPED, S.STARTING), 'PROCESS_STATE_STARTING', 56, 'processname:rec groupname:rec from_state:STOPPED tries:0'],
  [state('rec', S.STARTING, S.RUNNING, { pid: 27685 }), 'PROCESS_STATE_RUNNING', 59, 'processname:rec groupname:rec from_state:STARTING pid:27685'],
  [{ type: 'TICK', period: 5, when: 1796110310 }, 'TICK_5', 15, 'when:1796110310'],
  [{ type: 'TICK', period: 60, when: 1796110320 }, 'TICK_60', 15, 'when:1796110320'],
  [output('PROCESS_LOG', 'stdout', Buffer.from('plain out \xc3\xa9\n', 'latin1')), 'PROCESS_LOG_STDOUT', 69,
    'processname:talk groupname:talk pid:27686 channel:stdout\nplain out \u00e9\n'],
  [output('PROCESS_LOG', 'stdout', Buffer.from('comm \xe2\x82\xac out', 'latin1')), 'PROCESS_LOG_STDOUT', 67,
    'processname:talk groupname:talk pid:27686 channel:stdout\ncomm \u20ac out'],
  [output('PROCESS_COMMUNICATION', 'stdout', Buffer.from('comm \xe2\x82\xac out', 'latin1')), 'PROCESS_COMMUNICATION_STDOUT', 52,
    'processname:talk groupname:talk pid:27686\ncomm \u20ac out'],
  [output('PROCESS_LOG', 'stderr', Buffer.from('bad \x88\xff err\n', 'latin1')), 'PROCESS_LOG_STDERR', 91,
    "processname:talk groupname:talk pid:27686 channel:stderr\nUndecodable: b'bad \\x88\\xff err\\n'"],
  [output('PROCESS_COMMUNICATION', 'stderr', Buffer.from('comm \x88 err', 'latin1')), 'PROCESS_COMMUNICATION_STDERR', 71,
    "processname:talk groupname:talk pid:27686\nUndecodable: b'comm \\x88 err'"],
  [state('quick', S.STARTING, S.BACKOFF, { tries: 1 }), 'PROCESS_STATE_BACKOFF', 61, 'processname:quick groupname:quick from_state:STARTING tries:1'],
  [state('quick', S.BACKOFF, S.STARTING, { tries: 1 }), 'PROCESS_STATE_STARTING', 60, 'processname:quick groupname:quick from_state:BACKOFF tries:1'],
  [state('quick', S.BACKOFF, S.FATAL), 'PROCESS_STATE_FATAL', 52, 'processname:quick groupname:quick from_state:BACKOFF'],
  [state('ok', S.RUNNING, S.EXITED, { expected: true, pid: 27810 }), 'PROCESS_STATE_EXITED', 67,
    'processname:ok groupname:ok from_state:RUNNING expected:1 pid:27810'],
  [state('bad', S.RUNNING, S.EXITED, { expected: false, pid: 27812 }), 'PROCESS_STATE_EXITED', 69,
    'processname:bad groupname:bad from_state:RUNNING expected:0 pid:27812'],
  [{ type: 'REMOTE_COMMUNICATION', commType: 't2', data: 'h\u00e9llo \u{1F600}' }, 'REMOTE_COMMUNICATION', 15, 'type:t2\nh\u00e9llo \u{1F600}'],
  [{ type: 'REMOTE_COMMUNICATION', commType: 'empty', data: '' }, 'REMOTE_COMMUNICATION', 11, 'type:empty\n'],
  [state('talk', S.RUNNING, S.STOPPING, { pid: 27686 }), 'PROCESS_STATE_STOPPING', 60, 'processname:talk groupname:talk from_state:RUNNING pid:27686'],
  [state('talk', S.STOPPING, S.STOPPED, { pid: 27686 }), 'PROCESS_STATE_STOPPED', 61, 'processname:talk groupname:talk from_state:STOPPING pid:27686'],
  [{ type: 'PROCESS_GROUP_REMOVED', groupName: 'ok' }, 'PROCESS_GROUP_REMOVED', 13, 'groupname:ok\n'],
  [{ type: 'SUPERVISOR_STATE_CHANGE', to: 'STOPPING' }, 'SUPERVISOR_STATE_CHANGE_STOPPING', 0, ''],
];

test('payloads and lengths are exactly what supervisord 4.2.5 sent', () => {
  for (const [event, name, len, payload] of GOLDEN) {
    assert.equal(eventTypeOf(event), name);
    assert.equal(eventPayload(event), payload, name);
    assert.equal(payloadLength(eventPayload(event)), len, `len of ${name}`);
  }
});

test('payloads from the supervisord source: STOPPED from BACKOFF carries pid 0, UNKNOWN has no extras', () => {
  assert.equal(eventPayload(state('x', S.BACKOFF, S.STOPPED)), 'processname:x groupname:x from_state:BACKOFF pid:0');
  assert.equal(eventPayload(state('x', S.STOPPING, S.UNKNOWN, { pid: 7 })), 'processname:x groupname:x from_state:STOPPING');
  assert.equal(eventTypeOf(state('x', S.STOPPING, S.UNKNOWN)), 'PROCESS_STATE_UNKNOWN');
});

test('the envelope header: ver, server, serial, pool, poolserial, eventname and len in characters (quirk)', () => {
  const env = buildEnvelope({ server: 'supervisor', serial: 31, pool: 'rec', poolserial: 31, eventname: 'REMOTE_COMMUNICATION',
    payload: 'type:t2\nh\u00e9llo' });
  assert.equal(env.toString('utf8'), 'ver:3.0 server:supervisor serial:31 pool:rec poolserial:31 eventname:REMOTE_COMMUNICATION len:13\ntype:t2\nh\u00e9llo');
  // 13 characters, 14 bytes: a reader taking len bytes would desynchronise.
  assert.equal(env.length - env.indexOf(0x0a) - 1, 14);
});

test('payloadLength counts code points: astral characters are one, like Python len()', () => {
  assert.equal(payloadLength(''), 0);
  assert.equal(payloadLength('\u{1F600}'), 1);
  assert.equal(payloadLength('a\u{1F600}b\u00e9'), 4);
});

test('the hierarchy is supervisord\'s: every name the config accepts, with its parent', () => {
  assert.deepEqual(new Set(Object.keys(EVENT_TYPES)), EVENT_TYPE_NAMES);
  assert.equal(EVENT_TYPES.PROCESS_LOG_STDERR, 'PROCESS_LOG');
  assert.equal(EVENT_TYPES.TICK_3600, 'TICK');
  assert.equal(EVENT_TYPES.PROCESS_GROUP_REMOVED, 'PROCESS_GROUP');
  assert.equal(EVENT_TYPES.EVENT, null);
});

test('a type matches subscriptions to itself and to its ancestors only', () => {
  const rows: [EventTypeName, string, boolean][] = [
    ['PROCESS_STATE_RUNNING', 'PROCESS_STATE_RUNNING', true],
    ['PROCESS_STATE_RUNNING', 'PROCESS_STATE', true],
    ['PROCESS_STATE_RUNNING', 'EVENT', true],
    ['PROCESS_STATE_RUNNING', 'PROCESS_STATE_EXITED', false],
    ['PROCESS_STATE', 'PROCESS_STATE_RUNNING', false],
    ['TICK_60', 'TICK', true],
    ['TICK_60', 'TICK_5', false],
    ['PROCESS_LOG_STDOUT', 'PROCESS_COMMUNICATION', false],
    ['PROCESS_COMMUNICATION_STDERR', 'PROCESS_COMMUNICATION', true],
    ['REMOTE_COMMUNICATION', 'PROCESS_COMMUNICATION', false],
    ['SUPERVISOR_STATE_CHANGE_STOPPING', 'SUPERVISOR_STATE_CHANGE', true],
    ['PROCESS_GROUP_ADDED', 'PROCESS_GROUP', true],
  ];
  for (const [type, sub, expected] of rows) assert.equal(matchesSubscription(type, sub), expected, `${type} vs ${sub}`);
});

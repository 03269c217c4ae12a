// The listener protocol parser: every fragmentation, every violation, the bounds, and
// supervisord's log texts (supervisor/dispatchers.py PEventListenerDispatcher).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListenerProtocol, MAX_RESULT_LENGTH, MAX_RESULT_LINE, parseResultLength, type ProtocolEffect,
  type ResultHandler } from '../../../agent/events/listener-protocol.js';
import { ListenerState as L } from '../../../agent/process/states.js';

const UNKNOWN_WARN = 'WARN l: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol';

/** Effects as short strings: "DEBG text" / "WARN text" / "ready" / "done:ok" / "done:rejected". */
function show(effects: readonly ProtocolEffect[]): string[] {
  return effects.map((e) => {
    if (e.kind === 'log') return `${e.level === 'debug' ? 'DEBG' : 'WARN'} ${e.text}`;
    if (e.kind === 'ready') return 'ready';
    return e.accepted ? 'done:ok' : 'done:rejected';
  });
}

function feedAll(p: ListenerProtocol, ...chunks: string[]): string[] {
  return chunks.flatMap((c) => show(p.feed(Buffer.from(c, 'latin1'))));
}

/** A protocol that has said READY and been sent one event. */
function busy(handler?: ResultHandler): ListenerProtocol {
  const p = new ListenerProtocol('l', handler);
  p.feed(Buffer.from('READY\n'));
  p.sent();
  return p;
}

/** Cuts `text` at the positions whose bit is set in mask (bit i = cut after byte i+1). */
function fragments(text: Buffer, mask: number): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 1; i < text.length; i++) {
    if ((mask >> (i - 1)) & 1) { out.push(text.subarray(start, i)); start = i; }
  }
  out.push(text.subarray(start));
  return out;
}

test('a full exchange logs what supervisord logs', () => {
  const p = new ListenerProtocol('l');
  assert.equal(p.state, L.ACKNOWLEDGED);
  assert.deepEqual(feedAll(p, 'READY\n'), ['DEBG l: ACKNOWLEDGED -> READY', 'ready']);
  p.sent();
  assert.equal(p.state, L.BUSY);
  assert.deepEqual(feedAll(p, 'RESULT 2\nOKREADY\n'), [
    'DEBG l: event was processed', 'DEBG l: BUSY -> ACKNOWLEDGED', 'done:ok', 'DEBG l: ACKNOWLEDGED -> READY', 'ready',
  ]);
  assert.equal(p.state, L.READY);
});

test('READY\\n in every one of its 32 fragmentations, then RESULT 2\\nOKREADY\\n in every one of its 65536', () => {
  const ready = Buffer.from('READY\n');
  for (let mask = 0; mask < 1 << (ready.length - 1); mask++) {
    const p = new ListenerProtocol('l');
    const effects = fragments(ready, mask).flatMap((c) => show(p.feed(c)));
    assert.deepEqual(effects.filter((e) => !e.startsWith('DEBG')), ['ready'], `mask ${mask}`);
    assert.equal(p.state, L.READY);
  }
  const answer = Buffer.from('RESULT 2\nOKREADY\n');
  const expected = ['done:ok', 'ready'];
  for (let mask = 0; mask < 1 << (answer.length - 1); mask++) {
    const p = busy();
    const kinds: string[] = [];
    for (const chunk of fragments(answer, mask)) {
      for (const e of p.feed(chunk)) if (e.kind !== 'log') kinds.push(e.kind === 'ready' ? 'ready' : e.accepted ? 'done:ok' : 'done:rejected');
    }
    if (kinds.length !== 2 || kinds[0] !== expected[0] || kinds[1] !== expected[1] || p.state !== L.READY) {
      assert.fail(`mask ${mask}: ${kinds.join(',')} state ${p.state}`);
    }
  }
});

test('the word RESULT is not checked, only the integer after 7 bytes (Python int() rules)', () => {
  assert.deepEqual(feedAll(busy(), 'XXXXXX 2\nOK').filter((e) => !e.startsWith('DEBG')), ['done:ok']);
  assert.deepEqual(feedAll(busy(), 'RESULT  +2 \r\nOK').filter((e) => !e.startsWith('DEBG')), ['done:ok']);
  const rows: [string, number | null][] = [
    ['2', 2], [' 2 ', 2], ['+2', 2], ['007', 7], ['1_0', 10], ['2\r', 2], ['\v2\f', 2], ['-2', -2],
    ['', null], [' ', null], ['1__0', null], ['_1', null], ['1_', null], ['0x10', null], ['2.0', null], ['+ 2', null], ['\xa02', null],
  ];
  for (const [text, n] of rows) assert.equal(parseResultLength(Buffer.from(text, 'latin1')), n, JSON.stringify(text));
});

test('FAIL is rejected and the listener goes back to ACKNOWLEDGED', () => {
  const p = busy();
  assert.deepEqual(feedAll(p, 'RESULT 4\nFAIL'), ['WARN l: event was rejected', 'DEBG l: BUSY -> ACKNOWLEDGED', 'done:rejected']);
  assert.equal(p.state, L.ACKNOWLEDGED);
  assert.deepEqual(feedAll(p, 'READY\n'), ['DEBG l: ACKNOWLEDGED -> READY', 'ready']);
});

test('a body that is not exactly OK is rejected by the default handler', () => {
  for (const body of ['ok', 'OK\n', 'O', '']) {
    const effects = feedAll(busy(), `RESULT ${body.length}\n${body}`);
    assert.ok(effects.includes('done:rejected'), JSON.stringify(body));
  }
});

test('RESULT 0 completes at once with an empty body (rejected)', () => {
  assert.deepEqual(feedAll(busy(), 'RESULT 0\n'), ['WARN l: event was rejected', 'DEBG l: BUSY -> ACKNOWLEDGED', 'done:rejected']);
});

test('a bad result line: WARN with the line, UNKNOWN, the event rejected; later output ignored', () => {
  const p = busy();
  assert.deepEqual(feedAll(p, 'RESULT two\nOK'), [
    "WARN l: bad result line: 'RESULT two'", 'DEBG l: BUSY -> UNKNOWN', UNKNOWN_WARN, 'done:rejected',
  ]);
  assert.equal(p.state, L.UNKNOWN);
  assert.deepEqual(feedAll(p, 'READY\n', 'RESULT 2\nOK'), []);
  assert.equal(p.state, L.UNKNOWN);
});

test('a result line that is not UTF-8 is shown as supervisord shows it', () => {
  assert.equal(feedAll(busy(), 'RESULT \xff\n')[0], "WARN l: bad result line: 'Undecodable: b'RESULT \\xff''");
});

test('a negative length is a bad result line (supervisord would wait forever)', () => {
  assert.deepEqual(feedAll(busy(), 'RESULT -1\n').slice(0, 2), ["WARN l: bad result line: 'RESULT -1'", 'DEBG l: BUSY -> UNKNOWN']);
});

test('an absurd RESULT length is refused at once, nothing is buffered for it', () => {
  const p = busy();
  assert.deepEqual(feedAll(p, 'RESULT 99999999999999\n'), [
    `WARN l: result length 99999999999999 is more than ${MAX_RESULT_LENGTH} bytes`, 'DEBG l: BUSY -> UNKNOWN', UNKNOWN_WARN, 'done:rejected',
  ]);
  assert.equal(p.state, L.UNKNOWN);
  // Exactly the bound is still allowed.
  const q = busy();
  assert.deepEqual(feedAll(q, `RESULT ${MAX_RESULT_LENGTH}\n`), []);
  assert.equal(q.state, L.BUSY);
});

test('a result line longer than the bound is a violation, however it is fragmented', () => {
  const long = 'RESULT ' + ' '.repeat(MAX_RESULT_LINE);
  const expected = [`WARN l: result line is longer than ${MAX_RESULT_LINE} bytes`, 'DEBG l: BUSY -> UNKNOWN', UNKNOWN_WARN, 'done:rejected'];
  assert.deepEqual(feedAll(busy(), long + '2\nOK'), expected);
  const p = busy();
  const effects: string[] = [];
  for (let i = 0; i < long.length; i += 100) effects.push(...feedAll(p, long.slice(i, i + 100)));
  assert.deepEqual(effects, expected);
  // Just under the bound, padded like Python int() allows, is a valid line.
  const ok = 'RESULT ' + ' '.repeat(MAX_RESULT_LINE - 8) + '2';
  assert.deepEqual(feedAll(busy(), ok + '\nOK').filter((e) => !e.startsWith('DEBG')), ['done:ok']);
});

test('garbage instead of READY: UNKNOWN once 6 bytes are in, not before', () => {
  const p = new ListenerProtocol('l');
  assert.deepEqual(feedAll(p, 'HELLO'), []);
  assert.equal(p.state, L.ACKNOWLEDGED);
  assert.deepEqual(feedAll(p, '!'), ['DEBG l: ACKNOWLEDGED -> UNKNOWN', UNKNOWN_WARN]);
  assert.equal(p.state, L.UNKNOWN);
});

test('data while READY (nobody asked) is a violation without an event to reject', () => {
  const p = new ListenerProtocol('l');
  assert.deepEqual(feedAll(p, 'READY\nRESULT 2\nOK'), ['DEBG l: ACKNOWLEDGED -> READY', 'ready', 'DEBG l: READY -> UNKNOWN', UNKNOWN_WARN]);
  const q = new ListenerProtocol('l');
  feedAll(q, 'READY\n');
  assert.deepEqual(feedAll(q, 'x'), ['DEBG l: READY -> UNKNOWN', UNKNOWN_WARN]);
});

test('a handler that throws: "event caused an error", UNKNOWN, rejected', () => {
  const p = busy(() => { throw new Error('boom'); });
  assert.deepEqual(feedAll(p, 'RESULT 2\nOK'), ['WARN l: event caused an error', 'DEBG l: BUSY -> UNKNOWN', UNKNOWN_WARN, 'done:rejected']);
});

test('memory stays bounded: a large body is only kept up to its length, garbage is never kept', () => {
  const p = busy();
  p.feed(Buffer.from('RESULT 2\n'));
  const effects = show(p.feed(Buffer.concat([Buffer.from('OK'), Buffer.from('READY\n'), Buffer.alloc(1 << 20, 0x78)])));
  assert.ok(effects.includes('done:ok'));
  assert.equal(p.state, L.UNKNOWN, 'the garbage after READY is unsolicited');
});

test('sent() outside READY is a bug; unsent() returns a just-sent event only before any answer', () => {
  const p = new ListenerProtocol('l');
  assert.throws(() => p.sent());
  feedAll(p, 'READY\n');
  p.sent();
  assert.equal(p.unsent(), true);
  assert.equal(p.state, L.READY);
  p.sent();
  feedAll(p, 'RESU');
  assert.equal(p.unsent(), false);
  assert.equal(p.state, L.BUSY);
});

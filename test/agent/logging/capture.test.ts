// Capture mode: token scanning (including split tokens and the hold-back quirk) and the bounded buffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PYTHON } from '../../helpers/paths.js';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { BEGIN_TOKEN, BoundedBuffer, CaptureScanner, END_TOKEN, prefixAtEnd, type CaptureAction } from '../../../agent/logging/capture.js';

const B = BEGIN_TOKEN.toString();
const E = END_TOKEN.toString();

/** Actions rendered as short strings: "log:text", "cap:text", "begin", "end". */
function render(actions: CaptureAction[]): string[] {
  return actions.map((a) => (a.kind === 'log' ? `${a.captured ? 'cap' : 'log'}:${a.data.toString('latin1')}` : a.kind));
}

interface ScanCase { name: string; chunks: string[]; expected: string[][]; held: string }
const scanCases: ScanCase[] = [
  { name: 'short output is held back until it exceeds the BEGIN token length (quirk)',
    chunks: ['ab', 'c'.repeat(22), 'd'], expected: [[], [], ['log:ab' + 'c'.repeat(22) + 'd']], held: '' },
  { name: 'exactly 24 bytes are still held', chunks: ['x'.repeat(24)], expected: [[]], held: 'x'.repeat(24) },
  { name: 'a trailing partial BEGIN token is kept back',
    chunks: ['some output text here <!--XSUP'], expected: [['log:some output text here ']], held: '<!--XSUP' },
  { name: 'a complete block in one chunk; short text after END stays held (quirk)',
    chunks: [`before text${B}payload${E}after\n`],
    expected: [['log:before text', 'begin', 'cap:payload', 'end']], held: 'after\n' },
  { name: 'text after END longer than the BEGIN token is logged',
    chunks: [`${B}p${E}this trailing text is long enough`],
    expected: [['begin', 'cap:p', 'end', 'log:this trailing text is long enough']], held: '' },
  { name: 'a BEGIN token alone is held; one more byte opens the block and that byte waits for END',
    chunks: [B, 'x'], expected: [[], ['begin']], held: 'x' },
  { name: 'tokens split across chunks are found',
    chunks: ['0123456789012345678901234<!--XSUPER', 'VISOR:BEGIN-->captured', ' data<!--XSUPERVISOR:E', 'ND-->0123456789012345678901234'],
    expected: [['log:0123456789012345678901234'], ['begin'], ['cap:captured data'], ['end', 'log:0123456789012345678901234']],
    held: '' },
  { name: 'captured data without END is released in pieces once longer than the END token',
    chunks: [`${B}${'c'.repeat(30)}`], expected: [['begin', `cap:${'c'.repeat(30)}`]], held: '' },
  { name: 'two blocks in one chunk are handled in order',
    chunks: [`${B}one${E}${B}two${E}${'t'.repeat(25)}`],
    expected: [['begin', 'cap:one', 'end', 'begin', 'cap:two', 'end', `log:${'t'.repeat(25)}`]], held: '' },
  { name: 'an empty block emits begin and end with nothing captured',
    chunks: [`${B}${E}${'z'.repeat(25)}`], expected: [['begin', 'end', `log:${'z'.repeat(25)}`]], held: '' },
];
for (const c of scanCases) {
  test(`CaptureScanner: ${c.name}`, () => {
    const scanner = new CaptureScanner();
    const got = c.chunks.map((chunk) => render(scanner.feed(Buffer.from(chunk, 'latin1'))));
    assert.deepEqual(got, c.expected);
    assert.equal(scanner.heldBack.toString('latin1'), c.held);
  });
}

test('prefixAtEnd finds the longest proper token prefix at the end', () => {
  const rows: Array<[string, number]> = [['abc', 0], ['abc<', 1], ['abc<!--XSUPERVISOR:BEGIN--', 23], ['<!--XSUPERVISOR:BEGIN-->', 0], ['', 0]];
  for (const [data, n] of rows) assert.equal(prefixAtEnd(Buffer.from(data), BEGIN_TOKEN), n, data);
});

const boundCases: Array<{ name: string; max: number; writes: string[]; value: string }> = [
  { name: 'fits', max: 10, writes: ['abc', 'def'], value: 'abcdef' },
  { name: 'overflow drops as many bytes as the new chunk from the front', max: 10, writes: ['abcdefgh', 'XYZ'], value: 'defghXYZ' },
  { name: 'exactly full is not an overflow', max: 6, writes: ['abc', 'def'], value: 'abcdef' },
  { name: 'a chunk larger than the bound is kept whole', max: 4, writes: ['ab', '0123456789'], value: '0123456789' },
];
for (const c of boundCases) {
  test(`BoundedBuffer: ${c.name}`, () => {
    const buf = new BoundedBuffer(c.max);
    for (const w of c.writes) buf.write(Buffer.from(w));
    assert.equal(buf.value.toString(), c.value);
    buf.clear();
    assert.equal(buf.value.length, 0);
  });
}

const ORACLE = `
import sys, json
from supervisor.dispatchers import POutputDispatcher
from supervisor.events import ProcessCommunicationStdoutEvent as Ev
class D(POutputDispatcher):
    def __init__(self):
        self.output_buffer = b''
        self.capturelog = object()
        self.capturemode = False
        self.begintoken_data = (Ev.BEGIN_TOKEN, len(Ev.BEGIN_TOKEN))
        self.endtoken_data = (Ev.END_TOKEN, len(Ev.END_TOKEN))
        self.actions = []
    def _log(self, data):
        if data:
            self.actions.append(('cap:' if self.capturemode else 'log:') + data.decode('latin1'))
    def toggle_capturemode(self):
        self.capturemode = not self.capturemode
        self.actions.append('begin' if self.capturemode else 'end')
for line in sys.stdin.read().split():
    d = D()
    out = []
    for chunk in line.split(','):
        d.actions = []
        d.output_buffer += bytes.fromhex(chunk[1:])
        d.record_output()
        out.append(d.actions)
    print(json.dumps({'actions': out, 'held': d.output_buffer.decode('latin1')}))
`;

function pythonHasSupervisor(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import supervisor.dispatchers'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('CaptureScanner agrees with supervisord record_output on random token-heavy streams', (t) => {
  if (!pythonHasSupervisor()) {
    t.skip('python3 with the supervisor package is not installed');
    return;
  }
  const pieces = [B, E, B.slice(0, 7), B.slice(7), E.slice(0, 12), E.slice(12), 'a', 'hello\n', 'x'.repeat(23), 'y'.repeat(30), '<', '<!--'];
  const streams = Array.from({ length: 200 }, () => {
    const text = Array.from({ length: randomInt(1, 12) }, () => pieces[randomInt(pieces.length)]).join('');
    const chunks: string[] = [];
    for (let i = 0; i < text.length;) {
      const n = randomInt(1, 80);
      chunks.push(text.slice(i, i + n));
      i += n;
    }
    return chunks;
  });
  const input = streams.map((chunks) => chunks.map((c) => 'x' + Buffer.from(c, 'latin1').toString('hex')).join(',')).join('\n');
  const lines = execFileSync(PYTHON, ['-c', ORACLE], { input, encoding: 'utf8' }).trim().split('\n');
  streams.forEach((chunks, i) => {
    const expected = JSON.parse(lines[i] as string) as { actions: string[][]; held: string };
    const scanner = new CaptureScanner();
    const got = chunks.map((c) => render(scanner.feed(Buffer.from(c, 'latin1'))));
    assert.deepEqual({ actions: got, held: scanner.heldBack.toString('latin1') }, expected, JSON.stringify(chunks));
  });
});

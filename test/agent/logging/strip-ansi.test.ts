// strip_ansi: table of escape shapes, plus a comparison with supervisord's own stripEscapes on random input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PYTHON } from '../../helpers/paths.js';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { stripAnsi } from '../../../agent/logging/strip-ansi.js';

const cases: Array<[string, string, string]> = [
  ['plain text is untouched', 'hello\n', 'hello\n'],
  ['colour on and off', '\x1b[31mred\x1b[0m!', 'red!'],
  ['parameters with ;', 'a\x1b[1;32;40mb', 'ab'],
  ['clear screen J', 'a\x1b[2Jb', 'ab'],
  ['cursor position H', '\x1b[10;20Hz', 'z'],
  ['private mode ?25l', 'x\x1b[?25lY', 'xY'],
  ['ESC without [ is kept', 'a\x1bb', 'a\x1bb'],
  ['a second [ does not end the sequence', '\x1b[[mX', 'X'],
  ['unterminated sequence drops the rest', 'keep\x1b[12;3', 'keep'],
  ['letters that are not terminators are swallowed', '\x1b[1xyzAq', 'q'],
  ['ESC at the very end is kept', 'end\x1b', 'end\x1b'],
  ['empty input', '', ''],
];
for (const [name, input, expected] of cases) {
  test(`stripAnsi: ${name}`, () => {
    assert.deepEqual(stripAnsi(Buffer.from(input, 'latin1')), Buffer.from(expected, 'latin1'));
  });
}

test('stripAnsi: every terminator ends a sequence', () => {
  for (const term of 'HfABCDRsuJKhlpm') {
    assert.equal(stripAnsi(Buffer.from(`a\x1b[5${term}b`, 'latin1')).toString('latin1'), 'ab', term);
  }
});

test('stripAnsi keeps non-UTF-8 bytes around sequences', () => {
  assert.deepEqual(stripAnsi(Buffer.from([0x88, 0x1b, 0x5b, 0x6d, 0x89])), Buffer.from([0x88, 0x89]));
});

function hasSupervisor(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import supervisor.dispatchers'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('stripAnsi matches supervisord stripEscapes on random escape-heavy input', (t) => {
  if (!hasSupervisor()) {
    t.skip('python3 with the supervisor package is not installed');
    return;
  }
  const alphabet = Buffer.from('\x1b[[mHJ;0123456789abcxyz\n\x88', 'latin1');
  const samples = Array.from({ length: 300 }, () => Buffer.from(Array.from({ length: randomInt(0, 40) }, () => alphabet[randomInt(alphabet.length)] as number)));
  const script = [
    'import sys, binascii',
    'from supervisor.dispatchers import stripEscapes',
    'for line in sys.stdin.read().split():',
    '    print(binascii.hexlify(stripEscapes(binascii.unhexlify(line[1:]))).decode())',
  ].join('\n');
  const input = samples.map((s) => 'x' + s.toString('hex')).join('\n');
  const expected = execFileSync(PYTHON, ['-c', script], { input, encoding: 'utf8' }).split('\n').slice(0, samples.length);
  samples.forEach((s, i) => assert.equal(stripAnsi(s).toString('hex'), expected[i], `input ${s.toString('hex')}`));
});

// INI dialect of supervisord's RawConfigParser: comments, continuations, DEFAULT, merging, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IniParser } from '../../../agent/config/ini.js';

function parse(text: string): IniParser {
  const p = new IniParser();
  p.readString(text, '/x.conf');
  return p;
}

test('keys are lower-cased, ":" delimits, inline comments need whitespace before them', () => {
  const p = parse('[Program:x]\nCOMMAND: /bin/cat\na=b ;c\nb=b;c\nc=d #e\n# full\n; full\n');
  assert.deepEqual(p.sections(), ['Program:x']);
  assert.equal(p.get('Program:x', 'command')?.value, '/bin/cat');
  assert.equal(p.get('Program:x', 'a')?.value, 'b');
  assert.equal(p.get('Program:x', 'b')?.value, 'b;c');
  assert.equal(p.get('Program:x', 'c')?.value, 'd');
  assert.equal(p.get('Program:x', 'c')?.line, 5);
});

test('continuation lines join with newlines, keep inner blank lines and drop comment lines', () => {
  const p = parse('[s]\ncmd=a\n  b\n\n  ; gone\n  c\n\nnext=1\n');
  assert.equal(p.get('s', 'cmd')?.value, 'a\nb\n\nc');
  assert.equal(p.get('s', 'next')?.value, '1');
});

test('[DEFAULT] is inherited and duplicate sections merge with later keys winning', () => {
  const p = parse('[DEFAULT]\nstartsecs=7\n[a]\nx=1\n[b]\n[a]\nx=2\ny=3\n');
  assert.deepEqual(p.sections(), ['a', 'b']);
  assert.equal(p.get('a', 'x')?.value, '2');
  assert.equal(p.get('b', 'startsecs')?.value, '7');
  assert.deepEqual(p.options('a'), ['x', 'y', 'startsecs']);
});

test('parse errors use Python\'s messages', () => {
  assert.throws(() => parse('[a]\nok=1\ngarbage\n=x\n'), {
    message: "Source contains parsing errors: '/x.conf'\n\t[line  3]: 'garbage\\n'\n\t[line  4]: '=x\\n'",
  });
  assert.throws(() => parse('x=1\n[a]\n'), { message: "File contains no section headers.\nfile: '/x.conf', line: 1\n'x=1\\n'" });
});

test('expandHere replaces %(here)s textually in every section', () => {
  const p = parse('[a]\nf=%(here)s/x\n');
  p.expandHere('/etc/sv');
  assert.equal(p.get('a', 'f')?.value, '/etc/sv/x');
});

test('inline comments: the first round of the prefix scan that finds one after whitespace wins', () => {
  // CPython advances ';' and '#' together, one occurrence per round: ' ;e' is found in round 1,
  // before ' #d' (the second '#') in round 2, though ' #d' comes first in the line.
  const rows: [string, string][] = [
    ['/bin/echo b#c #d ;e', '/bin/echo b#c #d'], ['a ;b #c', 'a'], ['a #b ;c', 'a'], ['a;b #c', 'a;b'],
    ['a#b;c ;d #e', 'a#b;c'], ['a#b#c ;d', 'a#b#c'], ['a;b;c #d', 'a;b;c'], ['x\t#y', 'x'], ['x\u3000;y', 'x'],
    ['x\x1c;y', 'x'], ['x\ufeff;y', 'x\ufeff;y'],
  ];
  for (const [value, expected] of rows) {
    assert.equal(parse(`[s]\nk=${value}\n`).get('s', 'k')?.value, expected, JSON.stringify(value));
  }
});

test('strip, continuation and delimiter use Python\'s whitespace, not JavaScript\'s', () => {
  // U+FEFF is whitespace to JS only; \x1c and \x85 to Python only.
  assert.throws(() => parse('\ufeff[s]\n'), { message: "File contains no section headers.\nfile: '/x.conf', line: 1\n'\\ufeff[s]\\n'" });
  const p = parse('[s]\nk\x1c=\x85v\x1c\nc=a\n\x1cb\n');
  assert.equal(p.get('s', 'k')?.value, 'v');
  assert.equal(p.get('s', 'c')?.value, 'a\nb');
});

// agent/python's built-ins against Debian's Python itself (the one supervisord runs on):
// posixpath's split, dirname, basename, join, normpath and abspath; str.strip(), rstrip(), repr()
// and ascii(); int(), int(s, 8) and float() of random texts and of every numeric code point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePyFloat, parsePyInt, parsePyOctal } from '../../../agent/python/numbers.js';
import { PyValueError, pyFloat, pyInt } from '../../../agent/python/literals.js';
import { pyAbspath, pyBasename, pyDirname, pyJoin, pyNormpath, pySplit } from '../../../agent/python/posixpath.js';
import { pyAscii, pyFloatRepr, pyRepr } from '../../../agent/python/repr.js';
import { pyRstrip, pyStrip } from '../../../agent/python/str.js';
import { fuzzRandom, pythonAvailable, randomText, runPython } from '../config/python-oracle.js';

const py = { pyAbspath, pyBasename, pyDirname, pyJoin, pyNormpath, pySplit, parsePyInt, parsePyOctal, pyRepr, pyAscii, pyStrip, pyRstrip };

const skip = pythonAvailable ? false : 'Debian python3 with the supervisor package is not installed';

test('posixpath semantics, not node:path\'s: trailing slashes, "//", no normalisation in join', () => {
  const rows: [string, string, string, string][] = [
    // path, dirname, basename, normpath
    ['/nonexist_xx/', '/nonexist_xx', '', '/nonexist_xx'], ['/a/b', '/a', 'b', '/a/b'], ['a', '', 'a', 'a'],
    ['a//b', 'a', 'b', 'a/b'], ['//a', '//', 'a', '//a'], ['///a/../b', '///a/..', 'b', '/b'], ['///a', '///', 'a', '/a'], ['', '', '', '.'],
    ['./x/../..', './x/..', '..', '..'], ['/..', '/', '..', '/'],
  ];
  for (const [p, dir, base, norm] of rows) {
    assert.equal(py.pyDirname(p), dir, `dirname ${p}`);
    assert.equal(py.pyBasename(p), base, `basename ${p}`);
    assert.equal(py.pyNormpath(p), norm, `normpath ${p}`);
  }
  assert.equal(py.pyJoin('/a/', 'b', '../c'), '/a/b/../c');
  assert.equal(py.pyJoin('', 'x'), 'x');
  assert.equal(py.pyAbspath('c.conf', '/w'), '/w/c.conf');
});

const PATH_CHARS = ['a', 'b', '/', '/', '.', '..', '//'];

test('random paths: dirname, basename, split, join, normpath and abspath agree with posixpath', { skip }, () => {
  const rand = fuzzRandom();
  const paths = Array.from({ length: 2000 }, () => randomText(rand, PATH_CHARS, 6));
  const pairs = paths.map((p, i) => [p, paths[(i * 7 + 3) % paths.length] ?? ''] as const);
  const theirs = runPython<unknown[]>(`
import sys, json, posixpath as pp, os
out = []
for a, b in json.load(sys.stdin):
    out.append([pp.dirname(a), pp.basename(a), list(pp.split(a)), pp.join(a, b), pp.normpath(a), pp.abspath(a)])
print(json.dumps(out))
`, pairs, '/tmp');
  pairs.forEach(([a, b], i) => {
    assert.deepEqual([py.pyDirname(a), py.pyBasename(a), py.pySplit(a), py.pyJoin(a, b), py.pyNormpath(a), py.pyAbspath(a, '/tmp')],
      theirs[i], JSON.stringify([a, b]));
  });
});

// ASCII and Unicode digits, signs, underscores, and whitespace of every kind (Python's and JS's).
const TEXT_CHARS = ['0', '1', '7', '9', '-', '+', '_', ' ', '\t', '\x0b', '\x1c', '\x85', '\xa0', '\u3000', '\ufeff',
  '\u0661', '\u0669', '\uff15', '\u{1d7d9}', '\u00b2', '\u2460', 'o', 'x', "'", '"', '\\', '\n', '\x7f', '\u200b', '\u2028', 'é',
  '.', 'e', 'E', 'inf', 'INFINITY', 'nan', 'n', '\u{11f51}'];

test('random text: int(), int(s, 8), float(), strip(), rstrip(), repr() and ascii() agree with Python', { skip }, () => {
  const rand = fuzzRandom();
  const texts = Array.from({ length: 3000 }, () => randomText(rand, TEXT_CHARS, 5));
  const theirs = runPython<unknown[]>(`
import sys, json
def num(f):
    try: return f()
    except ValueError: return None
out = []
for s in json.load(sys.stdin):
    out.append([num(lambda: int(s)), num(lambda: int(s, 8)), num(lambda: repr(float(s))), s.strip(), s.rstrip(), repr(s), ascii(s)])
print(json.dumps(out))
`, texts);
  texts.forEach((s, i) => {
    const f = parsePyFloat(s);
    assert.deepEqual([py.parsePyInt(s) ?? null, py.parsePyOctal(s) ?? null, f === undefined ? null : pyFloatRepr(f),
      py.pyStrip(s), py.pyRstrip(s), py.pyRepr(s), py.pyAscii(s)], theirs[i], JSON.stringify(s));
  });
});

test('int() of every numeric code point agrees with Python (and nothing else parses)', { skip }, () => {
  // int() succeeds only on a decimal digit, a subset of str.isnumeric(): ask Python about those.
  const theirs = runPython<[number, number][]>(`
import json
out = []
for c in range(0x110000):
    ch = chr(c)
    if ch.isnumeric():
        try: out.append([c, int(ch)])
        except ValueError: pass
print(json.dumps(out))
`, null);
  const ours: [number, number][] = [];
  for (let c = 0; c < 0x110000; c++) {
    const n = parsePyInt(String.fromCodePoint(c));
    if (n !== undefined) ours.push([c, n]);
  }
  assert.deepEqual(ours, theirs);
});

test('the XML-RPC conversions are the same int() and float(), with Python\'s messages', () => {
  assert.equal(pyInt('\u0663\u0664'), 34, "int('٣٤') is 34 in Python");
  assert.equal(pyFloat(' \u0663.\u0665\u3000'), 3.5);
  assert.equal(pyInt(' 12_3\x85'), 123);
  assert.throws(() => pyInt('\x1c5'), new PyValueError("invalid literal for int() with base 10: '\\x1c5'"));
  assert.throws(() => pyFloat('\x1c5'), new PyValueError("could not convert string to float: '\\x1c5'"));
  assert.throws(() => pyInt('x'.repeat(300)), new PyValueError(`invalid literal for int() with base 10: '${'x'.repeat(199)}`));
  assert.throws(() => pyInt(null), new PyValueError("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"));
});

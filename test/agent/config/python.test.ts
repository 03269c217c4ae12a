// Python built-ins the loader mirrors, against Debian's Python itself: posixpath's split,
// dirname, basename, join, normpath and abspath; str.strip() and repr(); int() and int(s, 8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as py from '../../../agent/config/python.js';
import { fuzzRandom, pythonAvailable, randomText, runPython } from './python-oracle.js';

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
  '\u0661', '\u0669', '\uff15', '\u{1d7d9}', '\u00b2', '\u2460', 'o', 'x', "'", '"', '\\', '\n', '\x7f', '\u200b', '\u2028', 'é'];

test('random text: int(), int(s, 8), strip(), rstrip() and repr() agree with Python', { skip }, () => {
  const rand = fuzzRandom();
  const texts = Array.from({ length: 3000 }, () => randomText(rand, TEXT_CHARS, 5));
  const theirs = runPython<unknown[]>(`
import sys, json
def num(f):
    try: return f()
    except ValueError: return None
out = []
for s in json.load(sys.stdin):
    out.append([num(lambda: int(s)), num(lambda: int(s, 8)), s.strip(), s.rstrip(), repr(s), ascii(s)])
print(json.dumps(out))
`, texts);
  texts.forEach((s, i) => {
    assert.deepEqual([py.parsePyInt(s) ?? null, py.parsePyOctal(s) ?? null, py.pyStrip(s), py.pyRstrip(s), py.pyRepr(s), py.pyAscii(s)],
      theirs[i], JSON.stringify(s));
  });
});

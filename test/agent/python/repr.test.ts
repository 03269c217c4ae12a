// agent/python/repr.ts against CPython itself (Debian's /usr/bin/python3, the one supervisord runs
// on): repr() and ascii() of a table of tricky values, sent to one interpreter run as tagged JSON;
// and str.isprintable(), which decides what repr() escapes, for every code point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pyAscii, pyBytesRepr, pyFloatRepr, pyIsPrintable, pyRepr, pyStrRepr, type PyObject } from '../../../agent/python/repr.js';
import { PYTHON_UNICODE_VERSION } from '../../../agent/python/unicode-data.js';
import { pythonAvailable, runPython } from '../config/python-oracle.js';

const skip = pythonAvailable ? false : 'Debian python3 with the supervisor package is not installed';

const STRINGS: string[] = [
  '', 'plain', "it's", 'say "hi"', `both ' and "`, `'"'"`, 'back\\slash', 'tab\tnew\nline\rcr',
  '\x00\x01\x07\x08\x0b\x0c\x1b\x1f', ' ', 'a b', '\x7f', '\x80\x85\x9f', '\xa0', '\xad', 'é ü ß',
  '\u1680', '\u2000\u200a', '\u200b\u200c\u200d\u200e\u200f', '\u2028', '\u2029', '\u202f\u205f', '\u3000', 'a\u3000b',
  '\u0600', '\u061c', '\u2060\u2064', '\ufeff', '\ufffe', '\uffff', '\ue000', '\uf8ff', '\u0378', '\u0e3f', '\u20ac',
  '\u{1f600}', '\u{10000}', '\u{e0001}', '\u{f0000}', '\u{10ffff}', '\u{1d7d9}', '\u{1f6dc}', '\u{2ebf0}', '\u0897',
  '\ud800', '\udfff', 'x\udc80y', 'e\u0301', '\u0300', '\u20dd', '\u0663\u06f3', '\uff15', '\u00b2', '\u2460',
  "'", '"', '\\', "\\'", '\u0085\u0085', 'Ω≈ç√∫', '日本語', '\u{1f1ef}\u{1f1f5}',
];

const VALUES: PyObject[] = [
  ...STRINGS,
  0, 1, -1, 42, 2 ** 53 - 1, -(2 ** 53 - 1), 123456789012345678901234567890n, -7n,
  0.1, 0.5, -2.5, 1e16, 1e15 + 0.5, 1e-5, 1e-4, 0.0001234, 1.5e300, 5e-324, 1.7976931348623157e308, 1 / 3,
  NaN, Infinity, -Infinity, -0, 123456.789, 2.5e-7,
  true, false, null,
  new Uint8Array([]), new Uint8Array([0, 9, 10, 13, 39, 34, 92, 127, 128, 255, 32, 65]), new Uint8Array([39]), new Uint8Array([39, 34]),
  [], ['a', "b'", 1, 0.1, null, true], [[], [[]], [1, [2, [3]]]], ['\u3000', '\x7f', '\u{1f600}'],
  new Map<PyObject, PyObject>(), new Map<PyObject, PyObject>([['k', 'v'], [1, 0.1], [2.5, [1, 2]], ['\u3000', new Map([['x', null]])]]),
  { a: 1, "b'c": 'd"e', nested: { list: [1e16, -0, NaN] } },
];

type Tagged = [string, unknown];

/** The value in a form JSON carries losslessly; the script below builds the Python object from it. */
function tag(v: PyObject): Tagged {
  if (typeof v === 'string') return ['str', v];
  if (typeof v === 'bigint') return ['int', v.toString()];
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) return ['int', String(v)];
    return ['float', Object.is(v, -0) ? '-0.0' : String(v)];
  }
  if (typeof v === 'boolean') return ['bool', v];
  if (v === null) return ['none', null];
  if (v instanceof Uint8Array) return ['bytes', [...v]];
  if (Array.isArray(v)) return ['list', (v as readonly PyObject[]).map(tag)];
  const entries: [PyObject, PyObject][] = v instanceof Map ? [...(v as ReadonlyMap<PyObject, PyObject>)] : Object.entries(v);
  return ['dict', entries.map(([k, item]) => [tag(k), tag(item)])];
}

const REPR_SCRIPT = `
import sys, json
def build(t):
    kind, v = t
    if kind == 'str': return v
    if kind == 'int': return int(v)
    if kind == 'float': return float(v)
    if kind == 'bool': return v
    if kind == 'none': return None
    if kind == 'bytes': return bytes(v)
    if kind == 'list': return [build(x) for x in v]
    if kind == 'dict': return {build(k): build(x) for k, x in v}
    raise ValueError(kind)
out = []
for t in json.load(sys.stdin):
    v = build(t)
    out.append([repr(v), ascii(v) if isinstance(v, str) else None])
print(json.dumps(out))
`;

test('repr() and ascii() of strings, ints, floats, bytes, lists and dicts agree with CPython', { skip }, () => {
  const theirs = runPython<[string, string | null][]>(REPR_SCRIPT, VALUES.map(tag));
  assert.equal(theirs.length, VALUES.length);
  VALUES.forEach((v, i) => {
    const [repr, ascii] = theirs[i] ?? [];
    const shown = JSON.stringify(tag(v), (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
    assert.equal(pyRepr(v), repr, `repr of ${shown}`);
    if (typeof v === 'string') {
      assert.equal(pyStrRepr(v), repr, `pyStrRepr of ${shown}`);
      assert.equal(pyAscii(v), ascii, `ascii of ${shown}`);
    }
  });
});

test('a float with an integral value is a float through pyFloatRepr, and bytes through pyBytesRepr', { skip }, () => {
  const floats = [2, -3, 0, 1e15, 9007199254740993, 1e16, 1e22];
  const theirs = runPython<string[]>('import sys, json\nprint(json.dumps([repr(float(x)) for x in json.load(sys.stdin)]))', floats.map(String));
  assert.deepEqual(floats.map(pyFloatRepr), theirs);
  assert.equal(pyBytesRepr(Buffer.from("it's\x00")), String.raw`b"it's\x00"`);
});

test('what the main log used to print wrongly: U+3000 and other separators, formats and unassigned code points are escaped', () => {
  assert.equal(pyStrRepr('a\u3000b'), String.raw`'a\u3000b'`);
  assert.equal(pyStrRepr('\u1680\u2000\u202f\u205f'), String.raw`'\u1680\u2000\u202f\u205f'`);
  assert.equal(pyStrRepr('\u0600\ue000\uffff\u{e0001}'), String.raw`'\u0600\ue000\uffff\U000e0001'`);
  assert.equal(pyStrRepr('\u{1f6dc}'), String.raw`'\U0001f6dc'`, 'assigned in Unicode 15.0: unassigned for CPython 3.11');
  assert.equal(pyStrRepr('é\u{1f600}'), "'é\u{1f600}'");
});

const PRINTABLE_SCRIPT = `
import sys, json, unicodedata
ranges = []
start = None
for c in range(0x110000):
    np = not chr(c).isprintable()
    if np and start is None: start = c
    if not np and start is not None: ranges.append([start, c - 1]); start = None
if start is not None: ranges.append([start, 0x10ffff])
print(json.dumps({'version': unicodedata.unidata_version, 'ranges': ranges}))
`;

test('str.isprintable() of every code point agrees with CPython (its Unicode version, not node\'s)', { skip }, () => {
  const theirs = runPython<{ version: string; ranges: [number, number][] }>(PRINTABLE_SCRIPT, null);
  assert.equal(theirs.version, PYTHON_UNICODE_VERSION,
    `the oracle's unicodedata is ${theirs.version}: agent/python/unicode-data.ts describes ${PYTHON_UNICODE_VERSION}`);
  const ours: [number, number][] = [];
  let start = -1;
  for (let c = 0; c <= 0x110000; c++) {
    const np = c < 0x110000 && !pyIsPrintable(String.fromCodePoint(c));
    if (np && start < 0) start = c;
    if (!np && start >= 0) { ours.push([start, c - 1]); start = -1; }
  }
  const hex = (r: [number, number][]): string[] => r.map(([a, b]) => `${a.toString(16)}-${b.toString(16)}`);
  assert.deepEqual(hex(ours), hex(theirs.ranges));
});

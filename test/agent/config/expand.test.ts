// Python %-formatting and supervisord's two expansion error messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expand, pyFormat } from '../../../agent/config/expand.js';
import { pyRepr } from '../../../agent/python/repr.js';
import { fuzzRandom, pick, pythonAvailable, randomText, runPython } from './python-oracle.js';

const skip = pythonAvailable ? false : 'Debian python3 with the supervisor package is not installed';

const map = new Map<string, string | number>([['here', '/tmp/h'], ['n', 7], ['m', -3], ['big', 123]]);

test('pyFormat matches Python for keys, flags, widths and conversions', () => {
  const rows: [string, string][] = [
    ['%(here)s/x', '/tmp/h/x'], ['%(n)02d', '07'], ['%(n)05.2f', '07.00'], ['%(n)#x %(n)X %(n)#o', '0x7 7 0o7'],
    ['%(here)r', "'/tmp/h'"], ['%(here)-8s|', '/tmp/h  |'], ['%(here).2s', '/t'], ['%(m)d %(n)+d', '-3 +7'],
    ['100%%', '100%'], ['%(n)e', '7.000000e+00'], ['%(n)#g', '7.00000'], ['%(n)#.0f', '7.'], ['%(n)#.0e', '7.e+00'],
    ['%(big).1g', '1e+02'], ['%(big)#.1G', '1.E+02'], ['%(big).3g', '123'], ['%(big).2e', '1.23e+02'], ['%(n)ld', '7'], ['%(n)#5.3x', '0x007'], ['%(n)-05d|', '7    |'],
  ];
  for (const [fmt, out] of rows) assert.equal(pyFormat(fmt, map), out, fmt);
});

test('expand reports badly formatted strings with Python\'s wording', () => {
  const rows: [string, string][] = [
    ['ls %(here', 'incomplete format key'],
    ['ls %(here)"', 'unsupported format character \'"\' (0x22) at index 10'],
    ['%(here)d', '%d format: a real number is required, not str'],
    ['%(here)x', '%x format: an integer is required, not str'],
    ['a %', 'incomplete format'],
    ['%5%', "unsupported format character '%' (0x25) at index 2"],
    ['%(n)*d', 'not enough arguments for format string'],
  ];
  for (const [fmt, detail] of rows) {
    const quoted = fmt.includes("'") ? `"${fmt}"` : `'${fmt}'`;
    assert.throws(() => expand(fmt, map, 'program:x.command'),
      { name: 'ValueError', message: `Format string ${quoted} for 'program:x.command' is badly formatted: ${detail}` }, fmt);
  }
});

test('expand lists the sorted available names for an unknown key', () => {
  assert.throws(() => expand('ls %(foo)s', map, 'program:x.command'), {
    message: "Format string 'ls %(foo)s' for 'program:x.command' contains names ('foo') which cannot be expanded. "
      + 'Available names: big, here, m, n',
  });
});

test('"*" takes an argument as CPython does: "* wants int" or "not enough arguments"', () => {
  const rows: [string, string][] = [
    ['%*d', '* wants int'], ['%.*d', '* wants int'], ['%-*d', '* wants int'], ['%(here)*d', '* wants int'],
    ['%(here).*s', '* wants int'], ['%(n)*d', 'not enough arguments for format string'],
    ['%(n).*d', 'not enough arguments for format string'], ['%(n)*', 'incomplete format'],
    ['%s%y', 'not enough arguments for format string'], ['%(n)s%*d', 'not enough arguments for format string'],
    ['%(n)%', "unsupported format character '%' (0x25) at index 4"], ['%(m)c', '%c arg not in range(0x110000)'], ['x\u{1f600}%\u{1f600}', "unsupported format character '?' (0x1f600) at index 3"],
  ];
  for (const [fmt, detail] of rows) {
    assert.throws(() => expand(fmt, map, 'program:x.command'),
      { message: `Format string ${pyRepr(fmt)} for 'program:x.command' is badly formatted: ${detail}` }, fmt);
  }
});

const FORMAT_PIECES = ['%', '%', '%', '(here)', '(n)', '(m)', '(big)', '(nope)', '(', ')', 's', 'd', 'x', 'r', 'a', 'c', 'f', 'e', 'g',
  'G', 'o', 'i', 'u', 'X', 'y', '*', '.', '-', '+', ' ', '#', '0', '5', '12', 'l', 'é', '\u{1f600}'];

test('random format strings expand (or fail) exactly as supervisord\'s expand()', { skip }, () => {
  const rand = fuzzRandom();
  const formats = Array.from({ length: 3000 }, () => pick(rand, FORMAT_PIECES) + randomText(rand, FORMAT_PIECES, 5));
  const theirs = runPython<string[]>(`
import sys, json
from supervisor.options import expand
out = []
for s in json.load(sys.stdin):
    try: out.append('ok ' + expand(s, {'here': '/tmp/h', 'n': 7, 'm': -3, 'big': 123}, 'program:x.command'))
    except ValueError as e: out.append('error ' + str(e))
print(json.dumps(out))
`, formats);
  formats.forEach((s, i) => {
    let mine: string;
    try { mine = 'ok ' + expand(s, map, 'program:x.command'); } catch (err) { mine = 'error ' + (err as Error).message; }
    assert.equal(mine, theirs[i], JSON.stringify(s));
  });
});

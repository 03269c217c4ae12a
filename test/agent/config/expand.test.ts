// Python %-formatting and supervisord's two expansion error messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expand, pyFormat } from '../../../agent/config/expand.js';

const map = new Map<string, string | number>([['here', '/tmp/h'], ['n', 7], ['m', -3]]);

test('pyFormat matches Python for keys, flags, widths and conversions', () => {
  const rows: [string, string][] = [
    ['%(here)s/x', '/tmp/h/x'], ['%(n)02d', '07'], ['%(n)05.2f', '07.00'], ['%(n)#x %(n)X %(n)#o', '0x7 7 0o7'],
    ['%(here)r', "'/tmp/h'"], ['%(here)-8s|', '/tmp/h  |'], ['%(here).2s', '/t'], ['%(m)d %(n)+d', '-3 +7'],
    ['100%%', '100%'], ['%(n)e', '7.000000e+00'], ['%(n)ld', '7'], ['%(n)#5.3x', '0x007'], ['%(n)-05d|', '7    |'],
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
      + 'Available names: here, m, n',
  });
});

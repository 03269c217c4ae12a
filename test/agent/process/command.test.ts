// shlex splitting, Python repr quoting, PATH search and the executable checks of
// supervisor/process.py Subprocess.get_execv_args.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pyRepr } from '../../../agent/python/repr.js';
import { shlexSplit } from '../../../agent/process/shlex.js';
import { resolveCommand, searchPath, DEFAULT_PATH } from '../../../agent/process/command.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const splits: [string, string[]][] = [
  ['a b  c', ['a', 'b', 'c']],
  ["a 'b c' d", ['a', 'b c', 'd']],
  ['a "b \\" c"', ['a', 'b " c']],
  ['a "x\\y"', ['a', 'x\\y']],
  ["a 'x\\y'", ['a', 'x\\y']],
  ['a\\ b c', ['a b', 'c']],
  ["a ''", ['a', '']],
  ['a\nb\tc', ['a', 'b', 'c']],
  ['x"y z"w', ['xy zw']],
  ['a # b', ['a', '#', 'b']],
  ['  ', []],
];
for (const [input, expected] of splits) {
  test(`shlexSplit(${JSON.stringify(input)})`, () => assert.deepEqual(shlexSplit(input), expected));
}

const reprs: [string, string][] = [
  ['abc', "'abc'"], ["it's", `"it's"`], [`a'b"c`, `'a\\'b"c'`], ['a\\b', "'a\\\\b'"], ['a\nb', "'a\\nb'"],
];
for (const [input, expected] of reprs) {
  test(`pyRepr(${JSON.stringify(input)})`, () => assert.equal(pyRepr(input), expected));
}

const errors: [string, string][] = [
  ['', 'command is empty'],
  ['   ', 'command is empty'],
  ["echo 'a", `can't parse command "echo 'a": No closing quotation`],
  ['echo a\\', "can't parse command 'echo a\\\\': No escaped character"],
  ['/nonexistent/x', "can't find command '/nonexistent/x'"],
  ['no-such-binary-xyz arg', "can't find command 'no-such-binary-xyz'"],
  ['/tmp', "command at '/tmp' is a directory"],
  ['/etc/passwd', "command at '/etc/passwd' is not executable"],
];
for (const [command, message] of errors) {
  test(`resolveCommand error: ${message}`, () => {
    assert.throws(() => resolveCommand(command, ['/usr/bin', '/bin']), { message });
  });
}

test('bare names are searched on PATH in order; slashes are used as is, relative to cwd', (t) => {
  const dir = makeTmpDir(t);
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  for (const d of ['a', 'b']) {
    writeFileSync(join(dir, d, 'tool'), '#!/bin/sh\n');
    chmodSync(join(dir, d, 'tool'), 0o755);
  }
  assert.deepEqual(resolveCommand('tool -v', [join(dir, 'b'), join(dir, 'a')]), { file: join(dir, 'b', 'tool'), argv: ['tool', '-v'] });
  assert.deepEqual(resolveCommand('./a/tool', [], dir), { file: './a/tool', argv: ['./a/tool'] });
  assert.throws(() => resolveCommand('./a/tool', [], '/'), { message: "can't find command './a/tool'" });
});

test('searchPath: program PATH, else daemon PATH, else the default', () => {
  assert.deepEqual(searchPath('/x:/y', '/z'), ['/x', '/y']);
  assert.deepEqual(searchPath(undefined, '/z'), ['/z']);
  assert.deepEqual(searchPath(undefined, ''), DEFAULT_PATH);
  assert.deepEqual(searchPath(undefined, undefined), ['/bin', '/usr/bin', '/usr/local/bin']);
});

// readLogSlice / tailLogSlice: every offset/length case, errors, tail overflow, and agreement with supervisord.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PYTHON } from '../../helpers/paths.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { LogReadError, readLogSlice, tailLogSlice } from '../../../agent/logging/read.js';

function tenBytes(t: { after(fn: () => void): void }): string {
  const path = join(makeTmpDir(t), 'ten.log');
  writeFileSync(path, '0123456789');
  return path;
}

const readCases: Array<[number, number, string]> = [
  [-3, 0, '789'],
  [-10, 0, '0123456789'],
  [-20, 0, '0123456789'],
  [0, 0, '0123456789'],
  [4, 0, '456789'],
  [10, 0, ''],
  [20, 0, ''],
  [2, 3, '234'],
  [8, 5, '89'],
  [0, 10, '0123456789'],
  [15, 2, ''],
];
for (const [offset, length, expected] of readCases) {
  test(`readLogSlice(${offset}, ${length}) = '${expected}'`, (t) => {
    assert.equal(readLogSlice(tenBytes(t), offset, length).toString(), expected);
  });
}

const badArgs: Array<[number, number]> = [[-3, 1], [-3, -1], [0, -1], [5, -10]];
for (const [offset, length] of badArgs) {
  test(`readLogSlice(${offset}, ${length}) is BAD_ARGUMENTS`, (t) => {
    const path = tenBytes(t);
    assert.throws(() => readLogSlice(path, offset, length), (err: unknown) => {
      assert.ok(err instanceof LogReadError);
      assert.equal(err.kind, 'BAD_ARGUMENTS');
      assert.equal(err.message, `BAD_ARGUMENTS: ${path}`);
      return true;
    });
  });
}

test('readLogSlice of a missing file is NO_FILE, even with bad arguments', (t) => {
  const path = join(makeTmpDir(t), 'missing.log');
  for (const [offset, length] of [[0, 0], [-3, 5]] as const) {
    assert.throws(() => readLogSlice(path, offset, length), { name: 'LogReadError', kind: 'NO_FILE', message: `NO_FILE: ${path}` });
  }
});

test('readLogSlice of something unreadable (a directory) is FAILED', (t) => {
  const dir = join(makeTmpDir(t), 'd');
  mkdirSync(dir);
  assert.throws(() => readLogSlice(dir, -3, 1), { kind: 'FAILED', message: `FAILED: ${dir}` });
});

const tailCases: Array<{ offset: number; length: number; bytes: string; overflow: boolean }> = [
  { offset: 0, length: 5, bytes: '56789', overflow: true },
  { offset: 5, length: 5, bytes: '56789', overflow: false },
  { offset: 8, length: 5, bytes: '56789', overflow: false },
  { offset: 10, length: 5, bytes: '', overflow: false },
  { offset: 30, length: 5, bytes: '', overflow: false },
  { offset: 0, length: 0, bytes: '', overflow: true },
  { offset: 0, length: 1, bytes: '9', overflow: true },
  { offset: 0, length: 100, bytes: '0123456789', overflow: false },
  { offset: -5, length: 3, bytes: '789', overflow: true },
  { offset: 3, length: -2, bytes: '', overflow: true },
];
for (const c of tailCases) {
  test(`tailLogSlice(${c.offset}, ${c.length}) = '${c.bytes}', overflow ${c.overflow}`, (t) => {
    const got = tailLogSlice(tenBytes(t), c.offset, c.length);
    assert.deepEqual({ bytes: got.bytes.toString(), offset: got.offset, overflow: got.overflow }, { bytes: c.bytes, offset: 10, overflow: c.overflow });
  });
}

test('tailLogSlice of a missing file is empty at offset 0 without overflow', (t) => {
  const got = tailLogSlice(join(makeTmpDir(t), 'missing.log'), 1234, 100);
  assert.deepEqual({ bytes: got.bytes.length, offset: got.offset, overflow: got.overflow }, { bytes: 0, offset: 0, overflow: false });
});

test('tailLogSlice of a directory echoes the requested offset', (t) => {
  const got = tailLogSlice(makeTmpDir(t), 77, 0);
  assert.deepEqual({ bytes: got.bytes.length, offset: got.offset, overflow: got.overflow }, { bytes: 0, offset: 77, overflow: false });
});

const ORACLE = `
import sys, json
from supervisor.options import readFile, tailFile
path = sys.argv[1]
out = []
for o in range(-14, 15):
    for l in range(-3, 14):
        try:
            r = readFile(path, o, l).hex()
        except ValueError as e:
            r = e.args[0]
        d, off, ov = tailFile(path, o, l)
        out.append([o, l, r, d.encode('latin1').hex(), off, ov])
print(json.dumps(out))
`;

test('both readers agree with supervisord readFile/tailFile over a grid of offsets and lengths', (t) => {
  try {
    execFileSync(PYTHON, ['-c', 'import supervisor.options'], { stdio: 'ignore' });
  } catch {
    t.skip('python3 with the supervisor package is not installed');
    return;
  }
  const path = tenBytes(t);
  const rows = JSON.parse(execFileSync(PYTHON, ['-c', ORACLE, path], { encoding: 'utf8' })) as Array<[number, number, string, string, number, boolean]>;
  for (const [o, l, read, tail, tailOffset, overflow] of rows) {
    let mine: string;
    try {
      mine = readLogSlice(path, o, l).toString('hex');
    } catch (err) {
      mine = err instanceof LogReadError ? err.kind : String(err);
    }
    assert.equal(mine, read, `readLogSlice(${o}, ${l})`);
    const got = tailLogSlice(path, o, l);
    assert.deepEqual([got.bytes.toString('hex'), got.offset, got.overflow], [tail, tailOffset, overflow], `tailLogSlice(${o}, ${l})`);
  }
});

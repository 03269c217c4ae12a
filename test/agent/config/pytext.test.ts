// Strict UTF-8 reading of config files as CPython's open() + configparser do it: the same
// UnicodeDecodeError text, positions counted within TextIOWrapper's 8192-byte chunks, and a
// missing section header in the lines decoded before the bad chunk reported first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { IniParser } from '../../../agent/config/ini.js';
import { ConfigError } from '../../../agent/config/errors.js';
import { decodeAsPython } from '../../../agent/python/utf8.js';
import { fuzzRandom, parseFileOurs, pick, pythonAvailable, pythonParseFiles } from './python-oracle.js';

const skip = pythonAvailable ? false : 'Debian python3 with the supervisor package is not installed';

function message(bytes: number[] | Buffer): string | undefined {
  return decodeAsPython(Uint8Array.from(bytes)).failure?.message;
}

test('decode errors: CPython\'s reasons and byte ranges', () => {
  const rows: [number[], string | undefined][] = [
    [[0x61, 0xe2, 0x82, 0xac], undefined],
    [[0xef, 0xbb, 0xbf, 0x61], undefined],
    [[0xff], "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"],
    [[0x61, 0x80], "'utf-8' codec can't decode byte 0x80 in position 1: invalid start byte"],
    [[0xc0, 0xaf], "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte"],
    [[0xc3, 0x28], "'utf-8' codec can't decode byte 0xc3 in position 0: invalid continuation byte"],
    [[0xe0, 0x80, 0x80], "'utf-8' codec can't decode byte 0xe0 in position 0: invalid continuation byte"],
    [[0xed, 0xa0, 0x80], "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte"],
    [[0xf0, 0x90, 0x80, 0x41], "'utf-8' codec can't decode bytes in position 0-2: invalid continuation byte"],
    [[0xf4, 0x90], "'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte"],
    // An incomplete sequence at the end is only found by the final decode call, whose input is
    // the carried-over bytes alone: so the position is 0, wherever the bytes are in the file.
    [[0x61, 0x3d, 0xe2, 0x82], "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"],
    [[0x61, 0xe2], "'utf-8' codec can't decode byte 0xe2 in position 0: unexpected end of data"],
  ];
  for (const [bytes, expected] of rows) assert.equal(message(bytes), expected, JSON.stringify(bytes));
});

test('positions count from the chunk (plus carried-over bytes), not from the file start', () => {
  const head = Buffer.from('[supervisord]\n');
  const big = Buffer.concat([head, Buffer.alloc(8200, 0x23), Buffer.from('\na=\xff\n', 'latin1')]);
  assert.equal(message(big), "'utf-8' codec can't decode byte 0xff in position 25: invalid start byte");
  const carried = Buffer.concat([head, Buffer.alloc(8176, 0x23), Buffer.from([0xe2, 0x82, 0x41, 0x0a])]);
  assert.equal(message(carried), "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte");
});

test('a decode error names the file and line of the byte in its location; a header error before it wins', () => {
  const p = new IniParser();
  const bytes = Buffer.from('[s]\na=1\r\nb=\xff\n', 'latin1');
  assert.throws(() => p.readBytes(bytes, 'x.conf'), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, "'utf-8' codec can't decode byte 0xff in position 11: invalid start byte");
    assert.equal(err.location(), 'in x.conf line 3, byte 11');
    return true;
  });
  const late = Buffer.concat([Buffer.from('x=1\n'), Buffer.alloc(8200, 0x23), Buffer.from('\n\xff', 'latin1')]);
  assert.throws(() => new IniParser().readBytes(late, 'y.conf'), { message: "File contains no section headers.\nfile: 'y.conf', line: 1\n'x=1\\n'" });
  const early = Buffer.from('x=1\n\xff', 'latin1');
  assert.throws(() => new IniParser().readBytes(early, 'y.conf'), { message: "'utf-8' codec can't decode byte 0xff in position 4: invalid start byte" });
});

const BYTES = [0x61, 0x3d, 0x0a, 0x0d, 0x20, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];

test('random bytes, near chunk boundaries too, fail (or not) exactly as supervisord\'s reader does', { skip }, (t) => {
  const dir = makeTmpDir(t);
  const rand = fuzzRandom();
  const files: string[] = [];
  for (let f = 0; f < 600; f++) {
    const out: number[] = [];
    if (f % 5 !== 0) out.push(...Buffer.from('[s]\nk=\n'));
    // Every third file has a long 'x=###' line ending just before or after the 8192 boundary: with
    // no header before it, it fails first only if Python decoded its line end before the bad chunk.
    if (f % 3 === 0) {
      const end = pick(rand, [[0x0a], [0x0d], [0x0d, 0x0a]]);
      out.push(0x78, 0x3d, ...Buffer.alloc(8192 - out.length - 2 - Math.floor(rand() * 6) + 2, 0x23), ...end);
    }
    const n = 1 + Math.floor(rand() * 10);
    for (let i = 0; i < n; i++) out.push(pick(rand, BYTES));
    const path = join(dir, `b${f}.conf`);
    writeFileSync(path, Uint8Array.from(out));
    files.push(path);
  }
  const theirs = pythonParseFiles(files);
  files.forEach((path, i) => assert.deepEqual(parseFileOurs(path), theirs[i], `${path}: ${readFileSync(path).subarray(-16).toString('hex')}`));
});

test('every lead byte with every kind of continuation, at the end of the file and inside it', { skip }, (t) => {
  const dir = makeTmpDir(t);
  const leads = [0x80, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf1, 0xf4, 0xf5];
  const conts = [0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0];
  const files: string[] = [];
  let n = 0;
  const add = (bytes: number[]) => {
    const path = join(dir, `m${n++}.conf`);
    writeFileSync(path, Uint8Array.from([...Buffer.from('[s]\nk=ab'), ...bytes]));
    files.push(path);
  };
  for (const lead of leads) {
    for (const a of conts) {
      add([lead, a]); add([lead, a, 0x7a, 0x0a]);
      for (const b of conts) { add([lead, a, b]); add([lead, a, b, 0x7a]); }
    }
  }
  const theirs = pythonParseFiles(files);
  files.forEach((path, i) => assert.deepEqual(parseFileOurs(path), theirs[i], readFileSync(path).subarray(7).toString('hex')));
});

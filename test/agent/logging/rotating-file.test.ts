// RotatingFile: rotation boundaries (no file passes maxbytes), backup shifting, truncation, no lost bytes, reopen and clear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { RotatingFile } from '../../../agent/logging/rotating-file.js';

function sizesOf(base: string, backups: number): Array<number | null> {
  const names = [base, ...Array.from({ length: backups + 1 }, (_, i) => `${base}.${i + 1}`)];
  return names.map((n) => (existsSync(n) ? statSync(n).size : null));
}

test('a 520-byte write with maxbytes 300 is cut: .1 is full (300 bytes), the file holds the other 220', (t) => {
  const path = join(makeTmpDir(t), 'talker.log');
  const f = new RotatingFile({ path, maxbytes: 300, backups: 2 });
  t.after(() => f.close());
  const data = Buffer.from(Array.from({ length: 520 }, (_, i) => 65 + (i % 26)));
  f.write(data);
  assert.deepEqual(sizesOf(path, 2), [220, 300, null, null]);
  assert.deepEqual(Buffer.concat([readFileSync(`${path}.1`), readFileSync(path)]), data);
  assert.equal(f.size, 220);
});

const boundaryCases: Array<{ name: string; writes: number[]; sizes: Array<number | null> }> = [
  { name: 'below maxbytes stays put', writes: [100, 100, 99], sizes: [299, null, null] },
  { name: 'reaching maxbytes exactly keeps the file until the next write', writes: [100, 100, 100], sizes: [300, null, null] },
  { name: 'a full file rotates before the next write', writes: [100, 100, 100, 1], sizes: [1, 300, null] },
  { name: 'a write that would pass maxbytes goes whole to a fresh file', writes: [250, 100], sizes: [100, 250, null] },
  { name: 'with one backup a second rotation replaces .1', writes: [300, 10, 291], sizes: [291, 10, null] },
  { name: 'a write of more than maxbytes fills files of its own', writes: [10, 700], sizes: [100, 300, null] },
];
for (const c of boundaryCases) {
  test(`rotation boundary: ${c.name}`, (t) => {
    const path = join(makeTmpDir(t), 'b.log');
    const f = new RotatingFile({ path, maxbytes: 300, backups: 1 });
    t.after(() => f.close());
    for (const n of c.writes) f.write(Buffer.alloc(n, 'a'));
    assert.deepEqual(sizesOf(path, 1), c.sizes);
  });
}

test('backups shift oldest-first and the oldest beyond the window is dropped', (t) => {
  const path = join(makeTmpDir(t), 's.log');
  const f = new RotatingFile({ path, maxbytes: 10, backups: 3 });
  t.after(() => f.close());
  for (const letter of 'ABCDE') f.write(Buffer.alloc(10, letter));
  assert.equal(readFileSync(path, 'latin1'), 'E'.repeat(10));
  assert.equal(readFileSync(`${path}.1`, 'latin1'), 'D'.repeat(10));
  assert.equal(readFileSync(`${path}.2`, 'latin1'), 'C'.repeat(10));
  assert.equal(readFileSync(`${path}.3`, 'latin1'), 'B'.repeat(10));
  assert.equal(existsSync(`${path}.4`), false);
});

test('backups=0 truncates in place and creates no backup', (t) => {
  const path = join(makeTmpDir(t), 't.log');
  const f = new RotatingFile({ path, maxbytes: 10, backups: 0 });
  t.after(() => f.close());
  f.write(Buffer.from('123456789'));
  assert.equal(readFileSync(path, 'latin1'), '123456789');
  f.write(Buffer.from('ab'));
  assert.equal(readFileSync(path, 'latin1'), 'ab');
  f.write(Buffer.from('c'));
  assert.equal(readFileSync(path, 'latin1'), 'abc');
  assert.equal(existsSync(`${path}.1`), false);
});

test('maxbytes 0 never rotates', (t) => {
  const path = join(makeTmpDir(t), 'n.log');
  const f = new RotatingFile({ path, maxbytes: 0, backups: 5 });
  t.after(() => f.close());
  for (let i = 0; i < 50; i++) f.write(Buffer.alloc(100, 'z'));
  assert.deepEqual(sizesOf(path, 1), [5000, null, null]);
});

/** The backups from the oldest, then the current file. */
function generations(path: string, backups: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = backups; i >= 1; i--) if (existsSync(`${path}.${i}`)) parts.push(readFileSync(`${path}.${i}`));
  parts.push(readFileSync(path));
  return parts;
}

test('no byte is lost across rotations while the backups window holds everything, and no file passes maxbytes', (t) => {
  const path = join(makeTmpDir(t), 'r.log');
  const backups = 400;
  const f = new RotatingFile({ path, maxbytes: 64, backups });
  t.after(() => f.close());
  const written: Buffer[] = [];
  for (let i = 0; i < 300; i++) {
    const chunk = randomBytes(randomInt(1, 90));
    written.push(chunk);
    f.write(chunk);
  }
  assert.ok(!existsSync(`${path}.${backups}`), 'test must stay inside the backups window');
  const parts = generations(path, backups);
  assert.deepEqual(Buffer.concat(parts), Buffer.concat(written));
  for (const part of parts) assert.ok(part.length <= 64, `a file of ${part.length} bytes`);
});

test('3 MiB in pipe-sized writes through a 1 MiB log: every file at most 1 MiB, each rotated one nearly full, nothing lost', (t) => {
  const path = join(makeTmpDir(t), 'big.log');
  const maxbytes = 1024 * 1024;
  const f = new RotatingFile({ path, maxbytes, backups: 10 });
  t.after(() => f.close());
  const data = randomBytes(3 * maxbytes);
  let longest = 0;
  for (let at = 0; at < data.length;) {
    // The sizes a read of a child's pipe has: anything from 1 byte to 64 KiB.
    const n = Math.min(data.length - at, randomInt(1, 64 * 1024 + 1));
    f.write(data.subarray(at, at + n));
    longest = Math.max(longest, n);
    at += n;
  }
  const parts = generations(path, 10);
  assert.ok(parts.length >= 4, `${parts.length} files`);
  assert.deepEqual(Buffer.concat(parts), data);
  for (const part of parts) assert.ok(part.length <= maxbytes, `a file of ${part.length} bytes`);
  // Rotated only when the next write would not fit: a backup lacks less than one write.
  for (const part of parts.slice(0, -1)) assert.ok(part.length > maxbytes - longest, `a backup of ${part.length} bytes`);
});

test('reopen after an external mv writes to a fresh file at the original path', (t) => {
  const path = join(makeTmpDir(t), 'm.log');
  const f = new RotatingFile({ path });
  t.after(() => f.close());
  f.write(Buffer.from('before\n'));
  renameSync(path, `${path}.old`);
  f.write(Buffer.from('still old\n'));
  f.reopen();
  f.write(Buffer.from('after\n'));
  assert.equal(readFileSync(`${path}.old`, 'utf8'), 'before\nstill old\n');
  assert.equal(readFileSync(path, 'utf8'), 'after\n');
});

test('reopen appends to an existing file', (t) => {
  const path = join(makeTmpDir(t), 'a.log');
  const f = new RotatingFile({ path });
  t.after(() => f.close());
  f.write(Buffer.from('one\n'));
  f.reopen();
  f.write(Buffer.from('two\n'));
  assert.equal(readFileSync(path, 'utf8'), 'one\ntwo\n');
  assert.equal(f.size, 8);
});

test('clear deletes the content and keeps logging to the same path', (t) => {
  const path = join(makeTmpDir(t), 'c.log');
  const f = new RotatingFile({ path, maxbytes: 1000 });
  t.after(() => f.close());
  f.write(Buffer.from('old content\n'));
  f.clear();
  assert.equal(readFileSync(path, 'utf8'), '');
  assert.equal(f.size, 0);
  f.write(Buffer.from('new\n'));
  assert.equal(readFileSync(path, 'utf8'), 'new\n');
});

test('clear tolerates a file already deleted by someone else', (t) => {
  const path = join(makeTmpDir(t), 'g.log');
  const f = new RotatingFile({ path });
  t.after(() => f.close());
  unlinkSync(path);
  f.clear();
  assert.equal(existsSync(path), true);
});

// A cleanup script removing the active log must not break rotation (supervisord ignores ENOENT there).
test('rotation tolerates the active file having been deleted', (t) => {
  const path = join(makeTmpDir(t), 'd.log');
  const f = new RotatingFile({ path, maxbytes: 10, backups: 2 });
  t.after(() => f.close());
  f.write(Buffer.from('12345'));
  unlinkSync(path);
  f.write(Buffer.from('678901'));
  assert.equal(readFileSync(path, 'utf8'), '678901');
  assert.equal(existsSync(`${path}.1`), false);
});

test('a created file gets the requested mode minus the umask', (t) => {
  const path = join(makeTmpDir(t), 'mode.log');
  const f = new RotatingFile({ path, fileMode: 0o640 });
  t.after(() => f.close());
  const umask = process.umask();
  assert.equal(statSync(path).mode & 0o777, 0o640 & ~umask);
});

test('writing after close fails with a message naming the file', (t) => {
  const path = join(makeTmpDir(t), 'x.log');
  const f = new RotatingFile({ path });
  f.close();
  assert.throws(() => f.write(Buffer.from('x')), { message: `log file ${path} is closed` });
});

test('opening in a missing directory throws the errno error', (t) => {
  const path = join(makeTmpDir(t), 'nope', 'x.log');
  assert.throws(() => new RotatingFile({ path }), { code: 'ENOENT' });
});

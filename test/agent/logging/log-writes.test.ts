// What a RotatingFile announces to the followers of its path: each write (bytes, end, file
// identity), then a rotation, reopening or clearing as `replaced`; nothing when nobody follows;
// a failing follower never disturbs the write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LogWrites, type LogWriteEvent } from '../../../agent/logging/log-writes.js';
import { RotatingFile } from '../../../agent/logging/rotating-file.js';
import { makeTmpDir } from '../../helpers/tmp.js';

type Seen = { kind: 'append'; text: string; end: number; ino: bigint } | { kind: 'replaced' };

function record(writes: LogWrites, path: string): Seen[] {
  const seen: Seen[] = [];
  writes.subscribe(path, (e: LogWriteEvent) => {
    seen.push(e.kind === 'append' ? { kind: 'append', text: e.data.toString('latin1'), end: e.end, ino: e.ino } : { kind: 'replaced' });
  });
  return seen;
}

test('each write is announced with its bytes, the new end and the file; a rotation after it', (t) => {
  const dir = makeTmpDir(t);
  const path = join(dir, 'a.log');
  const writes = new LogWrites();
  const f = new RotatingFile({ path, maxbytes: 10, backups: 1, writes });
  t.after(() => f.close());
  f.write(Buffer.from('unseen\n'));
  assert.equal(writes.followed(LogWrites.key(path)), false);
  // A relative name of the same file meets the writer's absolute one.
  const seen = record(writes, relative(process.cwd(), path));
  const ino = BigInt(statSync(path).ino);
  f.write(Buffer.from('abc'));
  f.write(Buffer.from('defg'));
  const newIno = BigInt(statSync(path).ino);
  f.write(Buffer.from('h'));
  assert.deepEqual(seen.map((s) => s.kind), ['append', 'replaced', 'append', 'append']);
  assert.deepEqual(seen[0], { kind: 'append', text: 'abc', end: 10, ino });
  assert.deepEqual(seen[2], { kind: 'append', text: 'defg', end: 4, ino: newIno });
  assert.deepEqual(seen[3], { kind: 'append', text: 'h', end: 5, ino: newIno });
  assert.notEqual(ino, newIno);
  assert.equal(readFileSync(`${path}.1`, 'latin1'), 'unseen\nabc');
});

test('reopen and clear are announced; a follower that throws disturbs neither the write nor the others', (t) => {
  const dir = makeTmpDir(t);
  const path = join(dir, 'b.log');
  const writes = new LogWrites();
  const f = new RotatingFile({ path, writes });
  t.after(() => f.close());
  const stop = writes.subscribe(path, () => { throw new Error('a broken follower'); });
  const seen = record(writes, path);
  f.write(Buffer.from('one\n'));
  f.reopen();
  f.clear();
  f.write(Buffer.from('two\n'));
  assert.deepEqual(seen.map((s) => s.kind), ['append', 'replaced', 'replaced', 'append']);
  assert.deepEqual(seen[3], { kind: 'append', text: 'two\n', end: 4, ino: BigInt(statSync(path).ino) });
  assert.equal(readFileSync(path, 'latin1'), 'two\n');
  stop();
  assert.equal(writes.followed(LogWrites.key(path)), true, 'the other follower is still there');
});

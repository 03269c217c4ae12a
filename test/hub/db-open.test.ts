// Opening the database: owner-only file mode whatever the umask, the pragmas, and the warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseWarnings, openDatabase } from '../../hub/db/open.js';
import { makeTmpDir } from '../helpers/tmp.js';

test('a new database file is created 0600 even with umask 0', (t) => {
  const dir = makeTmpDir(t);
  const path = join(dir, 'hub.db');
  const old = process.umask(0);
  try {
    const db = openDatabase(path);
    db.exec('CREATE TABLE x (a)');
    // SQLite gives its WAL and shared-memory files the database file's mode.
    for (const side of ['-wal', '-shm']) assert.equal(statSync(path + side).mode & 0o777, 0o600, side);
    db.close();
  } finally {
    process.umask(old);
  }
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(databaseWarnings(path), []);
});

test('an existing file keeps its mode and its contents', (t) => {
  const dir = makeTmpDir(t);
  const path = join(dir, 'hub.db');
  const first = openDatabase(path);
  first.exec("CREATE TABLE x (a); INSERT INTO x VALUES ('kept')");
  first.close();
  const again = openDatabase(path);
  t.after(() => again.close());
  assert.deepEqual(again.prepare('SELECT a FROM x').all(), [{ a: 'kept' }]);
});

test('the pragmas are set', (t) => {
  const db = openDatabase(join(makeTmpDir(t), 'hub.db'));
  t.after(() => db.close());
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
  assert.equal(db.pragma('synchronous', { simple: true }), 1);
});

test(':memory: opens without a file', () => {
  const db = openDatabase(':memory:');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  db.close();
  assert.deepEqual(databaseWarnings(':memory:'), []);
});

test('a missing parent directory is an error naming it', (t) => {
  const dir = join(makeTmpDir(t), 'no', 'such');
  assert.throws(() => openDatabase(join(dir, 'hub.db')), (err: unknown) => err instanceof Error && err.message.includes(`the directory ${dir} does not exist`));
});

test('a file readable by group or others gets a warning', (t) => {
  const path = join(makeTmpDir(t), 'hub.db');
  writeFileSync(path, '');
  chmodSync(path, 0o644);
  const warnings = databaseWarnings(path);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /hub\.db is readable by its group and others \(mode 0644\).*chmod 600/);
  chmodSync(path, 0o604);
  assert.match(databaseWarnings(path)[0] ?? '', /readable by others \(mode 0604\)/);
  chmodSync(path, 0o600);
  assert.deepEqual(databaseWarnings(path), []);
  assert.deepEqual(databaseWarnings(path + '.missing'), []);
});

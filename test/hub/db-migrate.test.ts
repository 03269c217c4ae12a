// Migrations: a fresh database, an older one brought up to date, and the databases and files refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../hub/db/open.js';
import { listMigrations, migrate, migrationsDir } from '../../hub/db/migrate.js';
import { DatabaseVersionError } from '../../hub/db/errors.js';
import { makeTmpDir } from '../helpers/tmp.js';

const ALL = ['001_users.sql', '002_settings.sql', '003_sessions.sql', '004_activity.sql', '005_api_tokens.sql'];

function open(t: { after(fn: () => void): void }, dir: string): Database.Database {
  const db = openDatabase(join(dir, 'hub.db'));
  t.after(() => db.close());
  return db;
}

function versionOf(db: Database.Database): unknown {
  return db.pragma('user_version', { simple: true });
}

function journal(db: Database.Database): unknown[] {
  return db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
}

/** A migrations directory holding copies of the named real files (and any extra files given). */
function migrationsWith(dir: string, names: readonly string[], extra: Record<string, string> = {}): string {
  const out = join(dir, 'migrations');
  mkdirSync(out);
  for (const n of names) copyFileSync(join(migrationsDir(), n), join(out, n));
  for (const [n, sql] of Object.entries(extra)) writeFileSync(join(out, n), sql);
  return out;
}

test('migrationsDir finds the shipped migrations', () => {
  assert.ok(existsSync(join(migrationsDir(), '001_users.sql')));
  assert.deepEqual(listMigrations(migrationsDir()).map((m) => m.name), ALL);
});

test('an empty database gets every migration, recorded, and a second run does nothing', (t) => {
  const db = open(t, makeTmpDir(t));
  const result = migrate(db, migrationsDir(), () => 1234);
  assert.deepEqual(result, { from: 0, to: 5, applied: ALL });
  assert.equal(versionOf(db), 5);
  assert.deepEqual(journal(db), ALL.map((name, i) => ({ version: i + 1, name })));
  assert.deepEqual(db.prepare('SELECT DISTINCT applied_at FROM schema_migrations').all(), [{ applied_at: 1234 }]);
  for (const table of ['users', 'user_environment_types', 'settings', 'sessions', 'activity', 'api_tokens']) {
    assert.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table), table);
  }
  assert.deepEqual(migrate(db, migrationsDir()), { from: 5, to: 5, applied: [] });
});

test('an older database gets only the newer migrations and keeps its data', (t) => {
  const dir = makeTmpDir(t);
  const db = open(t, dir);
  const old = migrationsWith(dir, ALL.slice(0, 3));
  assert.deepEqual(migrate(db, old), { from: 0, to: 3, applied: ALL.slice(0, 3) });
  db.prepare("INSERT INTO users (username, password_hash, type, created_at, updated_at) VALUES ('kept', 'x', 1, 1, 1)").run();
  db.prepare("INSERT INTO settings (key, value) VALUES ('k', 'v')").run();
  assert.deepEqual(migrate(db, migrationsDir()), { from: 3, to: 5, applied: ALL.slice(3) });
  assert.equal(versionOf(db), 5);
  assert.deepEqual(db.prepare('SELECT username FROM users').all(), [{ username: 'kept' }]);
  assert.deepEqual(db.prepare('SELECT value FROM settings').all(), [{ value: 'v' }]);
  assert.equal(journal(db).length, 5);
});

test('a database written by a newer hub is refused with advice', (t) => {
  const dir = makeTmpDir(t);
  const db = open(t, dir);
  migrate(db, migrationsDir());
  db.pragma('user_version = 7');
  assert.throws(
    () => migrate(db, migrationsDir()),
    (err: unknown) => {
      assert.ok(err instanceof DatabaseVersionError);
      assert.equal(
        err.message,
        `${join(dir, 'hub.db')}: database schema version 7 is newer than this fleetvisor-hub knows (5): it was written by a newer ` +
          'version; upgrade fleetvisor-hub or set [cesi] database to another file',
      );
      return true;
    },
  );
});

test('badly named, missing and duplicate migration files are refused', (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ '001_a.sql': '', '2_b.sql': '' }, /2_b\.sql: a migration file must be named NNN_words\.sql/],
    [{ '001_Users.sql': '' }, /001_Users\.sql: a migration file must be named/],
    [{ '001_a.sql': '', '003_c.sql': '' }, /migration 002 is missing \(next is 003_c\.sql\)/],
    [{ '002_b.sql': '' }, /migration 001 is missing/],
    [{ '001_a.sql': '', '001_b.sql': '' }, /001_a\.sql and 001_b\.sql have the same number/],
  ];
  for (const [files, re] of cases) {
    const dir = makeTmpDir(t);
    const db = open(t, dir);
    const mdir = migrationsWith(dir, [], files);
    assert.throws(() => migrate(db, mdir), re);
    assert.equal(versionOf(db), 0);
  }
});

test('other files in the directory are ignored', (t) => {
  const dir = makeTmpDir(t);
  const mdir = migrationsWith(dir, ALL, { 'README.md': 'notes', 'backup.sql~': '' });
  assert.equal(listMigrations(mdir).length, 5);
});

test('a failing migration rolls back only itself', (t) => {
  const dir = makeTmpDir(t);
  const db = open(t, dir);
  const mdir = migrationsWith(dir, ALL.slice(0, 2), { '003_broken.sql': 'CREATE TABLE half (a);\nINSERT INTO nowhere VALUES (1);\n' });
  assert.throws(() => migrate(db, mdir), /migration 003_broken\.sql failed, the database stays at version 2: no such table: nowhere/);
  assert.equal(versionOf(db), 2);
  assert.equal(journal(db).length, 2);
  assert.equal(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'half'").get(), undefined);
  assert.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'settings'").get());
});

test("cesi v1's userinfo.db is refused with the import command to use", (t) => {
  const dir = makeTmpDir(t);
  const path = join(dir, 'userinfo.db');
  const cesi = new Database(path);
  cesi.exec('CREATE TABLE userinfo(username varchar(30) PRIMARY KEY NOT NULL, password varchar(50) NOT NULL, type INT NOT NULL)');
  cesi.prepare("INSERT INTO userinfo VALUES ('admin', 'admin', 0)").run();
  cesi.close();
  const db = openDatabase(path);
  t.after(() => db.close());
  assert.throws(
    () => migrate(db, migrationsDir()),
    (err: unknown) => err instanceof DatabaseVersionError && err.message.includes(`fleetvisor-hub import-cesi-v1 ${path}`),
  );
  assert.equal(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'").get(), undefined);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'delete', 'not switched to WAL');
});

test('a database of another program with a schema version is refused', (t) => {
  const db = open(t, makeTmpDir(t));
  db.exec('CREATE TABLE other (a)');
  db.pragma('user_version = 2');
  assert.throws(() => migrate(db, migrationsDir()), /not a fleetvisor-hub database/);
});

// `fleetvisor-hub user ...` and `import-cesi-v1` with piped (and a fake terminal's) standard input:
// exit codes, messages, the activity log, and that no password is ever printed or logged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { openDatabase } from '../../hub/db/open.js';
import { migrate, migrationsDir } from '../../hub/db/migrate.js';
import { UserStore } from '../../hub/db/users.js';
import { ActivityLog } from '../../hub/db/activity.js';
import { runUserCommand, type CliIo } from '../../hub/cli/user-command.js';
import { importCesiV1 } from '../../hub/cli/import-cesi-v1.js';
import { makeTmpDir } from '../helpers/tmp.js';

interface Ctx { after(fn: () => void): void }

interface Harness {
  db: Database.Database;
  dir: string;
  users: UserStore;
  activity: ActivityLog;
  /** Run `user <args>` with `input` piped to standard input. */
  run(args: string[], input?: string, extra?: Partial<CliIo>): Promise<{ code: number; out: string; err: string }>;
  /** Every activity row as one string, to look for leaked passwords in. */
  activityText(): string;
}

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

function setup(t: Ctx): Harness {
  const dir = makeTmpDir(t);
  const db = openDatabase(join(dir, 'hub.db'));
  t.after(() => db.close());
  migrate(db, migrationsDir());
  const users = new UserStore(db, { bcryptRounds: 4 });
  const activity = new ActivityLog(db, { file: null });
  return {
    db, dir, users, activity,
    async run(args, input = '', extra = {}) {
      const out = sink();
      const err = sink();
      const io: CliIo = { users, activity, stdin: Readable.from(input === '' ? [] : [input]), stdout: out.stream, stderr: err.stream, actor: 'root', ...extra };
      const code = await runUserCommand(args, io);
      return { code, out: out.text(), err: err.text() };
    },
    activityText: () => JSON.stringify(db.prepare('SELECT * FROM activity').all()),
  };
}

function lastActivity(h: Harness): unknown {
  const e = h.activity.latest(1)[0];
  return e === undefined ? undefined : { user: e.user, remote: e.remote, action: e.action, target: e.target, result: e.result, detail: e.detail };
}

test('user add reads the password from stdin and logs the change without it', async (t) => {
  const h = setup(t);
  const r = await h.run(['add', 'alice'], 'correct horse battery\n');
  assert.deepEqual(r, { code: 0, out: 'added user alice (Standard)\n', err: '' });
  const alice = await h.users.verify('alice', 'correct horse battery');
  assert.equal(alice?.type, 1);
  assert.equal(alice?.mustChangePassword, false);
  assert.deepEqual(lastActivity(h), { user: 'root', remote: 'cli', action: 'user.add', target: 'alice', result: 'ok', detail: 'Standard' });
  assert.ok(!h.activityText().includes('correct horse'));
});

test('user add with type, environment types and must-change; CRLF and no final newline', async (t) => {
  const h = setup(t);
  const r = await h.run(['add', 'bob', '--type', 'read-only', '--env', 'prod=admin', '--env=staging=Only Log', '--must-change'], 'bob password\r\n');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, 'added user bob (Read Only; prod=Admin, staging=Only Log; must change password)\n');
  const bob = await h.users.verify('bob', 'bob password');
  assert.deepEqual([bob?.type, bob?.mustChangePassword, [...(bob?.environmentTypes ?? [])]], [3, true, [['prod', 0], ['staging', 2]]]);
  assert.equal((await h.run(['add', 'carol', '--type=2'], 'carol password')).code, 0);
  assert.ok(await h.users.verify('carol', 'carol password'));
});

test('user add refuses weak passwords, existing and bad names (exit 1)', async (t) => {
  const h = setup(t);
  const weak = await h.run(['add', 'alice'], 'hunter2\n');
  assert.equal(weak.code, 1);
  assert.equal(weak.out, '');
  assert.equal(weak.err, 'fleetvisor-hub user add: the password must be at least 8 characters long\n');
  assert.deepEqual(lastActivity(h), { user: 'root', remote: 'cli', action: 'user.add', target: 'alice', result: 'failed', detail: 'Standard; too_short' });
  assert.ok(!h.activityText().includes('hunter2'));
  assert.equal((await h.run(['add', 'alice'], 'admin\n')).err, 'fleetvisor-hub user add: the password must not be "admin"\n');
  assert.equal((await h.run(['add', 'alice'], 'good password\n')).code, 0);
  const again = await h.run(['add', 'alice']);
  assert.deepEqual([again.code, again.err], [1, 'fleetvisor-hub user add: a user named "alice" already exists\n'], 'refused before asking');
  assert.equal((await h.run(['add', 'bad name'])).code, 1);
  const empty = await h.run(['add', 'dave']);
  assert.deepEqual([empty.code, empty.err], [1, 'fleetvisor-hub user add: no password on standard input\n']);
});

test('usage errors exit 2 and print the usage', async (t) => {
  const h = setup(t);
  for (const args of [[], ['frobnicate'], ['add'], ['add', 'a', 'b'], ['add', 'a', '--type', 'root'], ['add', 'a', '--type'], ['add', 'a', '--bogus'],
    ['add', 'a', '--env', 'prod'], ['type', 'a'], ['type', 'a', 'superuser'], ['env', 'a', 'prod'], ['delete'], ['list', 'x'], ['passwd']]) {
    const r = await h.run(args, 'some password\n');
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /usage: fleetvisor-hub user add NAME/);
    assert.equal(r.out, '');
  }
  const help = await h.run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /^usage:/);
  assert.equal(h.activity.latest(1).length, 0);
});

test('user passwd sets the password, can force a change, and ends web sessions', async (t) => {
  const h = setup(t);
  await h.users.add('alice', 'first password', 1);
  const ended: number[] = [];
  const sessions = { destroyUserSessions: (id: number): number => (ended.push(id), 2) };
  const r = await h.run(['passwd', 'alice', '--must-change'], 'second password\n', { sessions });
  assert.deepEqual(r, { code: 0, out: 'changed the password of alice (to be changed at next login); ended 2 web sessions\n', err: '' });
  assert.deepEqual(ended, [h.users.get('alice')?.id]);
  assert.equal((await h.users.verify('alice', 'second password'))?.mustChangePassword, true);
  assert.deepEqual(lastActivity(h), { user: 'root', remote: 'cli', action: 'user.password.reset', target: 'alice', result: 'ok', detail: 'must change password' });
  assert.equal((await h.run(['passwd', 'alice'], 'third password\n')).out, 'changed the password of alice\n');
  assert.equal((await h.run(['passwd', 'alice'], 'alice\n')).code, 1);
  const unknown = await h.run(['passwd', 'nobody'], 'whatever pass\n');
  assert.deepEqual([unknown.code, unknown.err], [1, 'fleetvisor-hub user passwd: no user named "nobody"\n']);
  const all = h.activityText() + r.out + r.err;
  for (const pw of ['second password', 'third password']) assert.ok(!all.includes(pw));
});

test('user delete, type and env, with the protected and last-admin rules', async (t) => {
  const h = setup(t);
  await h.users.seedAdmin();
  await h.users.add('alice', 'alice password', 1);
  assert.deepEqual(await h.run(['type', 'alice', 'admin']), { code: 0, out: 'alice is now Admin\n', err: '' });
  assert.deepEqual(lastActivity(h), { user: 'root', remote: 'cli', action: 'user.type', target: 'alice', result: 'ok', detail: 'Admin' });
  assert.equal((await h.run(['type', 'admin', 'standard'])).code, 0);
  const last = await h.run(['type', 'alice', 'standard']);
  assert.deepEqual([last.code, last.err], [1, 'fleetvisor-hub user type: alice is the last Admin user: make another user Admin first\n']);
  assert.equal(h.activity.latest(1)[0]?.result, 'failed');
  const prot = await h.run(['delete', 'admin']);
  assert.deepEqual([prot.code, prot.err], [1, 'fleetvisor-hub user delete: the user admin cannot be deleted\n']);
  assert.equal((await h.run(['type', 'nobody', '1'])).code, 1);
  assert.deepEqual(await h.run(['env', 'admin', 'prod', 'read-only']), { code: 0, out: 'admin is Read Only in prod\n', err: '' });
  assert.deepEqual(lastActivity(h), { user: 'root', remote: 'cli', action: 'user.type', target: 'admin', result: 'ok', detail: 'environment prod: Read Only' });
  assert.deepEqual([...(h.users.get('admin')?.environmentTypes ?? [])], [['prod', 3]]);
  assert.equal((await h.run(['env', 'admin', 'prod', 'none'])).code, 0);
  assert.equal(h.users.get('admin')?.environmentTypes.size, 0);
  await h.users.add('bob', 'bob password', 1);
  assert.deepEqual(await h.run(['delete', 'bob']), { code: 0, out: 'deleted user bob\n', err: '' });
  assert.deepEqual(lastActivity(h), { user: 'root', remote: 'cli', action: 'user.delete', target: 'bob', result: 'ok', detail: null });
  assert.equal((await h.run(['delete', 'bob'])).code, 1);
});

test('user list prints an aligned table', async (t) => {
  const h = setup(t);
  assert.deepEqual(await h.run(['list']), { code: 0, out: 'no users\n', err: '' });
  await h.users.seedAdmin();
  await h.users.add('alice', 'alice password', 2, { environmentTypes: { prod: 0, dev: 3 } });
  assert.equal(
    (await h.run(['list'])).out,
    'NAME   TYPE      ENVIRONMENTS               NOTE\n' +
      'admin  Admin     -                          must change password\n' +
      'alice  Only Log  dev=Read Only, prod=Admin\n',
  );
});

/** Standard input that claims to be a terminal, with raw mode recorded. */
function fakeTty(): { stdin: PassThrough & { isTTY: boolean; setRawMode(on: boolean): void }; raw: boolean[] } {
  const raw: boolean[] = [];
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (on: boolean) => void raw.push(on) });
  return { stdin, raw };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check());
}

test('on a terminal the password is asked twice without echo', async (t) => {
  const h = setup(t);
  const { stdin, raw } = fakeTty();
  const out = sink();
  const err = sink();
  const done = runUserCommand(['add', 'alice'], { users: h.users, activity: h.activity, stdin, stdout: out.stream, stderr: err.stream, actor: 'root' });
  await until(() => err.text() === 'Password: ');
  stdin.write('alice passwordX\u007f');
  stdin.write('\r');
  await until(() => err.text() === 'Password: \nRepeat password: ');
  stdin.write('alice password\r');
  assert.equal(await done, 0);
  assert.deepEqual(raw, [true, false, true, false]);
  assert.ok(await h.users.verify('alice', 'alice password'));
  assert.ok(!(out.text() + err.text()).includes('alice password'));
});

test('on a terminal two different entries are refused; a paste of both works', async (t) => {
  const h = setup(t);
  const tty = fakeTty();
  const err = sink();
  const io = { users: h.users, activity: h.activity, stdout: sink().stream, stderr: err.stream, actor: 'root' };
  const done = runUserCommand(['add', 'alice'], { ...io, stdin: tty.stdin });
  await until(() => err.text() === 'Password: ');
  tty.stdin.write('first password\r');
  await until(() => err.text().endsWith('Repeat password: '));
  tty.stdin.write('other password\r');
  assert.equal(await done, 1);
  assert.match(err.text(), /fleetvisor-hub user add: the passwords do not match\n$/);
  assert.equal(h.users.get('alice'), null);
  const pasted = fakeTty();
  pasted.stdin.write('pasted password\r\npasted password\r');
  assert.equal(await runUserCommand(['add', 'bob'], { ...io, stdin: pasted.stdin }), 0);
  assert.ok(await h.users.verify('bob', 'pasted password'));
});

/** cesi v1's userinfo.db, as cesi created it, holding `rows`. */
function cesiDb(dir: string, rows: [string, string, number | string][]): string {
  const path = join(dir, 'userinfo.db');
  const db = new Database(path);
  db.exec('CREATE TABLE userinfo(username varchar(30) PRIMARY KEY NOT NULL, password varchar(50) NOT NULL, type INT NOT NULL)');
  const insert = db.prepare('INSERT INTO userinfo VALUES (?, ?, ?)');
  for (const r of rows) insert.run(...r);
  db.close();
  return path;
}

const CESI_ROWS: [string, string, number][] = [['admin', 'admin', 0], ['ops', 's3cret-pass', 1], ['viewer', 'viewer', 3]];

async function runImport(h: Harness, file: string, replace = false): Promise<{ code: number; out: string; err: string }> {
  const out = sink();
  const err = sink();
  const code = await importCesiV1(file, { users: h.users, activity: h.activity, stdin: Readable.from([]), stdout: out.stream, stderr: err.stream, actor: 'root', replace });
  return { code, out: out.text(), err: err.text() };
}

test('import-cesi-v1 brings users over with their types and passwords', async (t) => {
  const h = setup(t);
  const file = cesiDb(h.dir, CESI_ROWS);
  const r = await runImport(h, file);
  assert.equal(r.code, 0, r.err);
  assert.equal(
    r.out,
    'admin   Admin      imported, must change password\n' +
      'ops     Standard   imported\n' +
      'viewer  Read Only  imported, must change password\n' +
      `${file}: 3 users: 3 imported, 0 replaced, 0 skipped, 0 failed\n`,
  );
  assert.deepEqual(
    h.users.list().map((u) => [u.username, u.type, u.mustChangePassword]),
    [['admin', 0, true], ['ops', 1, false], ['viewer', 3, true]],
  );
  for (const [name, pw] of CESI_ROWS) assert.ok(await h.users.verify(name, pw), name);
  assert.deepEqual(lastActivity(h), { user: 'root', remote: 'cli', action: 'import.cesi_v1', target: file, result: 'ok', detail: 'imported: admin, ops, viewer' });
  assert.ok(!(h.activityText() + r.out).includes('s3cret-pass'));
  const stored = JSON.stringify(h.db.prepare('SELECT * FROM users').all());
  assert.ok(!stored.includes('s3cret-pass'));
});

test('import-cesi-v1 again skips existing users; --replace replaces them', async (t) => {
  const h = setup(t);
  const file = cesiDb(h.dir, CESI_ROWS);
  await runImport(h, file);
  await h.users.setPassword('ops', 'changed password', { mustChangePassword: false });
  const again = await runImport(h, file);
  assert.equal(again.code, 0);
  assert.match(again.out, /^ops {5}Standard {3}skipped: a user of that name exists \(--replace replaces it\)$/m);
  assert.match(again.out, /3 users: 0 imported, 0 replaced, 3 skipped, 0 failed\n$/);
  assert.ok(await h.users.verify('ops', 'changed password'));
  const replaced = await runImport(h, file, true);
  assert.equal(replaced.code, 0);
  assert.match(replaced.out, /^viewer {2}Read Only {2}replaced, must change password$/m);
  assert.match(replaced.out, /3 users: 0 imported, 3 replaced, 0 skipped, 0 failed\n$/);
  assert.ok(await h.users.verify('ops', 's3cret-pass'));
  assert.equal(h.users.list().length, 3);
});

test('import-cesi-v1 after the hub seeded admin skips it', async (t) => {
  const h = setup(t);
  await h.users.seedAdmin();
  const r = await runImport(h, cesiDb(h.dir, CESI_ROWS));
  assert.equal(r.code, 0);
  assert.match(r.out, /2 imported, 0 replaced, 1 skipped/);
});

test('import-cesi-v1 reports rows it cannot take and exits 1', async (t) => {
  const h = setup(t);
  const r = await runImport(h, cesiDb(h.dir, [['good', 'good password', '2'], ['bad name', 'whatever', 1], ['odd', 'odd password', 7]]));
  assert.equal(r.code, 1);
  assert.match(r.out, /^good {6}Only Log {3}imported$/m);
  assert.match(r.out, /^bad name  Standard {3}not imported: bad user name/m);
  assert.match(r.out, /^odd {7}\? {10}not imported: unknown user type 7$/m);
  assert.equal(h.activity.latest(1)[0]?.result, 'failed');
});

test('import-cesi-v1 refuses files that are not cesi v1 user databases', async (t) => {
  const h = setup(t);
  const text = join(h.dir, 'notes.txt');
  writeFileSync(text, 'hello, this is not SQLite at all, just some text that is long enough\n'.repeat(20));
  for (const [file, re] of [
    [text, /notes\.txt is not a cesi v1 user database/],
    [join(h.dir, 'hub.db'), /hub\.db is not a cesi v1 user database \(userinfo\.db\): it has no userinfo table/],
    [join(h.dir, 'missing.db'), /cannot open .*missing\.db/],
  ] as const) {
    const r = await runImport(h, file);
    assert.equal(r.code, 1, file);
    assert.match(r.err, re);
    assert.equal(r.out, '');
  }
});

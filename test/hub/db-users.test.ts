// Users: adding and reading, the password policy, verify's single bcrypt comparison, the protected
// `admin`, the last Admin, per-environment types, and the user-type names.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import bcrypt from 'bcrypt';
import type Database from 'better-sqlite3';
import { openDatabase } from '../../hub/db/open.js';
import { migrate, migrationsDir } from '../../hub/db/migrate.js';
import { UserStore } from '../../hub/db/users.js';
import { StoreError } from '../../hub/db/errors.js';
import { passwordProblem } from '../../hub/db/passwords.js';
import { parseUserType, UserType, userTypeLabel } from '../../hub/db/user-types.js';
import { makeTmpDir } from '../helpers/tmp.js';

interface Ctx { after(fn: () => void): void }

function freshDb(t: Ctx): Database.Database {
  const db = openDatabase(join(makeTmpDir(t), 'hub.db'));
  t.after(() => db.close());
  migrate(db, migrationsDir());
  return db;
}

function store(t: Ctx, opts: { environments?: string[] } = {}): UserStore {
  let clock = 1000;
  return new UserStore(freshDb(t), { bcryptRounds: 4, now: () => clock++, ...opts });
}

async function rejectsWith(p: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  const run = typeof p === 'function' ? async () => p() : () => p;
  await assert.rejects(run, (err: unknown) => {
    assert.ok(err instanceof StoreError, String(err));
    assert.equal(err.code, code);
    return true;
  });
}

test('user types: numbers, labels and short names', () => {
  assert.deepEqual(UserType, { ADMIN: 0, STANDARD: 1, ONLY_LOG: 2, READ_ONLY: 3 });
  const cases: [string, number | null][] = [
    ['0', 0], ['3', 3], ['Admin', 0], ['ADMIN', 0], ['standard', 1], ['Only Log', 2], ['only log', 2], ['log', 2],
    ['only-log', 2], ['Read Only', 3], ['readonly', 3], ['read-only', 3], ['4', null], ['root', null], ['', null],
  ];
  for (const [s, want] of cases) assert.equal(parseUserType(s), want, s);
  assert.deepEqual(([0, 1, 2, 3] as const).map(userTypeLabel), ['Admin', 'Standard', 'Only Log', 'Read Only']);
});

test('password policy codes', () => {
  assert.equal(passwordProblem('short', 'alice'), 'too_short');
  assert.equal(passwordProblem('é'.repeat(7), 'alice'), 'too_short');
  assert.equal(passwordProblem('a'.repeat(72), 'alice'), null);
  assert.equal(passwordProblem('a'.repeat(73), 'alice'), 'too_long');
  assert.equal(passwordProblem('é'.repeat(37), 'alice'), 'too_long', '37 characters but 74 bytes');
  assert.equal(passwordProblem('administrator', 'administrator'), 'same_as_username');
  assert.equal(passwordProblem('Administrator', 'administrator'), 'same_as_username');
  assert.equal(passwordProblem('admin', 'alice'), 'default_password');
  assert.equal(passwordProblem('ADMIN', 'alice'), 'default_password');
  assert.equal(passwordProblem('correct horse', 'alice'), null);
});

test('seedAdmin adds admin/admin once, to be changed', async (t) => {
  const users = store(t);
  assert.equal(await users.seedAdmin(), true);
  assert.equal(await users.seedAdmin(), false);
  const admin = users.get('admin');
  assert.ok(admin);
  assert.equal(admin.type, UserType.ADMIN);
  assert.equal(admin.mustChangePassword, true);
  assert.ok(await users.verify('admin', 'admin'));
  assert.equal(users.list().length, 1);
});

test('seedAdmin does nothing when there are users', async (t) => {
  const users = store(t);
  await users.add('root', 'long enough', 0);
  assert.equal(await users.seedAdmin(), false);
  assert.equal(users.get('admin'), null);
});

test('add, get, getById and list', async (t) => {
  const users = store(t);
  const bob = await users.add('bob', 'bob password', UserType.READ_ONLY);
  const alice = await users.add('alice', 'alice password', UserType.ADMIN, { mustChangePassword: true, environmentTypes: { prod: 2 } });
  assert.deepEqual(
    { ...alice, environmentTypes: [...alice.environmentTypes] },
    { id: alice.id, username: 'alice', type: 0, mustChangePassword: true, createdAt: alice.createdAt, environmentTypes: [['prod', 2]] },
  );
  assert.equal(bob.mustChangePassword, false);
  assert.deepEqual(users.list().map((u) => u.username), ['alice', 'bob']);
  assert.deepEqual(users.getById(bob.id)?.username, 'bob');
  assert.equal(users.get('carol'), null);
  assert.equal(users.getById(9999), null);
  assert.deepEqual([...(users.list()[0]?.environmentTypes ?? [])], [['prod', 2]]);
});

test('add refuses duplicates, bad names, bad types and weak passwords', async (t) => {
  const users = store(t);
  await users.add('alice', 'alice password', 1);
  await rejectsWith(users.add('alice', 'other password', 1), 'user_exists');
  for (const name of ['', 'a'.repeat(33), 'with space', 'semi;colon', 'ünïcode']) await rejectsWith(users.add(name, 'long enough', 1), 'bad_username');
  await users.add('a'.repeat(32), 'long enough', 1);
  await users.add('x.y@z_w-1', 'long enough', 1);
  // What a caller outside TypeScript's reach might pass.
  const seven: 0 = JSON.parse('7');
  await rejectsWith(users.add('carol', 'long enough', seven), 'bad_user_type');
  await rejectsWith(users.add('carol', 'long enough', 1, { environmentTypes: { prod: seven } }), 'bad_user_type');
  await rejectsWith(users.add('dave', 'short', 1), 'too_short');
  await rejectsWith(users.add('dave', 'x'.repeat(73), 1), 'too_long');
  await rejectsWith(users.add('davedave', 'davedave', 1), 'same_as_username');
  await rejectsWith(users.add('dave', 'admin', 1), 'default_password');
  assert.equal(users.get('dave'), null);
});

test('verify: right, wrong and unknown, each with exactly one bcrypt comparison', async (t) => {
  const users = store(t);
  await users.add('alice', 'alice password', 1);
  const compare = mock.method(bcrypt, 'compare');
  t.after(() => compare.mock.restore());
  assert.equal((await users.verify('alice', 'alice password'))?.username, 'alice');
  assert.equal(compare.mock.callCount(), 1);
  assert.equal(await users.verify('alice', 'wrong password'), null);
  assert.equal(compare.mock.callCount(), 2);
  assert.equal(await users.verify('nobody', 'alice password'), null);
  assert.equal(compare.mock.callCount(), 3);
  // The unknown name was compared against a hash of the configured cost.
  assert.match(String(compare.mock.calls[2]?.arguments[1]), /^\$2b\$04\$.{53}$/);
  assert.equal(await users.verify('ALICE', 'alice password'), null, 'names are case-sensitive');
});

test('setPassword applies the policy and the flag', async (t) => {
  const users = store(t);
  await users.add('alice', 'alice password', 1);
  await rejectsWith(users.setPassword('alice', 'short', { mustChangePassword: false }), 'too_short');
  await rejectsWith(users.setPassword('alice', 'alice', { mustChangePassword: false }), 'same_as_username');
  await rejectsWith(users.setPassword('alice', 'Admin', { mustChangePassword: false }), 'default_password');
  await rejectsWith(users.setPassword('nobody', 'long enough', { mustChangePassword: false }), 'user_not_found');
  await users.setPassword('alice', 'new password', { mustChangePassword: true });
  assert.equal(await users.verify('alice', 'alice password'), null);
  assert.equal((await users.verify('alice', 'new password'))?.mustChangePassword, true);
  await users.setPassword('alice', 'newer password', { mustChangePassword: false });
  assert.equal(users.get('alice')?.mustChangePassword, false);
});

test('the user named admin cannot be deleted, even with other admins', async (t) => {
  const users = store(t);
  await users.seedAdmin();
  await users.add('boss', 'boss password', 0);
  await rejectsWith(() => users.delete('admin'), 'protected_admin');
  await rejectsWith(() => users.delete('nobody'), 'user_not_found');
  users.setType('admin', UserType.STANDARD);
  await rejectsWith(() => users.delete('admin'), 'protected_admin');
  await rejectsWith(() => users.delete('boss'), 'last_admin');
  await users.add('other', 'other password', 1);
  users.delete('other');
  assert.deepEqual(users.list().map((u) => u.username), ['admin', 'boss']);
});

test('the last Admin can be neither deleted nor demoted', async (t) => {
  const users = store(t);
  await users.add('root', 'root password', 0);
  await users.add('bob', 'bob password', 1);
  await rejectsWith(() => users.delete('root'), 'last_admin');
  await rejectsWith(() => users.setType('root', 3), 'last_admin');
  users.setType('root', 0);
  users.setType('bob', 0);
  users.setType('root', 3);
  await rejectsWith(() => users.delete('bob'), 'last_admin');
  users.delete('root');
  await rejectsWith(() => users.setType('nobody', 1), 'user_not_found');
  await rejectsWith(() => users.setType('bob', JSON.parse('4')), 'bad_user_type');
  assert.deepEqual(users.list().map((u) => [u.username, u.type]), [['bob', 0]]);
});

test('per-environment types are set, replaced and removed', async (t) => {
  const users = store(t, { environments: ['prod', 'staging'] });
  await users.add('alice', 'alice password', 1);
  users.setEnvironmentType('alice', 'prod', 3);
  users.setEnvironmentType('alice', 'staging', 0);
  users.setEnvironmentType('alice', 'prod', 2);
  assert.deepEqual([...(users.get('alice')?.environmentTypes ?? [])], [['prod', 2], ['staging', 0]]);
  users.setEnvironmentType('alice', 'prod', null);
  assert.deepEqual([...(users.get('alice')?.environmentTypes ?? [])], [['staging', 0]]);
  await rejectsWith(() => users.setEnvironmentType('alice', 'qa', 1), 'unknown_environment');
  await rejectsWith(() => users.setEnvironmentType('alice', '', 1), 'unknown_environment');
  users.setEnvironmentType('alice', 'qa', null);
  await rejectsWith(() => users.setEnvironmentType('nobody', 'prod', 1), 'user_not_found');
  await rejectsWith(users.add('bob', 'bob password', 1, { environmentTypes: { qa: 1 } }), 'unknown_environment');
  assert.equal(users.get('alice')?.type, 1, 'the overall type is untouched');
});

test('deleting a user removes its environment types', async (t) => {
  const db = freshDb(t);
  const users = new UserStore(db, { bcryptRounds: 4 });
  await users.add('root', 'root password', 0);
  await users.add('alice', 'alice password', 1, { environmentTypes: { prod: 0 } });
  users.delete('alice');
  assert.deepEqual(db.prepare('SELECT * FROM user_environment_types').all(), []);
});

test('importUser keeps weak passwords, skips or replaces existing users', async (t) => {
  const users = store(t);
  assert.equal(await users.importUser('viewer', 'viewer', 3, { mustChangePassword: true, replace: false }), 'imported');
  assert.ok(await users.verify('viewer', 'viewer'));
  users.setEnvironmentType('viewer', 'prod', 0);
  assert.equal(await users.importUser('viewer', 'other', 2, { mustChangePassword: false, replace: false }), 'skipped');
  assert.equal(await users.importUser('viewer', 'other', 2, { mustChangePassword: false, replace: true }), 'replaced');
  const v = users.get('viewer');
  assert.equal(v?.type, 2);
  assert.equal(v?.environmentTypes.size, 0);
  assert.ok(await users.verify('viewer', 'other'));
  await rejectsWith(users.importUser('bad name', 'x', 1, { mustChangePassword: true, replace: false }), 'bad_username');
});

test('the bcrypt cost is checked', (t) => {
  const db = freshDb(t);
  assert.throws(() => new UserStore(db, { bcryptRounds: 3 }), RangeError);
  assert.throws(() => new UserStore(db, { bcryptRounds: 32 }), RangeError);
});

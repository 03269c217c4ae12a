// API tokens: the shown-once token, hashed storage, resolving, wrong secrets, revoking and names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openDatabase } from '../../hub/db/open.js';
import { migrate, migrationsDir } from '../../hub/db/migrate.js';
import { TokenStore } from '../../hub/db/tokens.js';
import { UserStore } from '../../hub/db/users.js';
import { StoreError } from '../../hub/db/errors.js';
import { makeTmpDir } from '../helpers/tmp.js';

interface Ctx { after(fn: () => void): void }

async function setup(t: Ctx): Promise<{ db: Database.Database; tokens: TokenStore; clock: { now: number }; alice: number; bob: number }> {
  const db = openDatabase(join(makeTmpDir(t), 'hub.db'));
  t.after(() => db.close());
  migrate(db, migrationsDir());
  const users = new UserStore(db, { bcryptRounds: 4 });
  const alice = (await users.add('alice', 'alice password', 0)).id;
  const bob = (await users.add('bob', 'bob password', 1)).id;
  const clock = { now: 1_000_000 };
  return { db, tokens: new TokenStore(db, { now: () => clock.now }), clock, alice, bob };
}

function code(c: string): (err: unknown) => boolean {
  return (err) => err instanceof StoreError && err.code === c;
}

test('a token is shown once and only its hash is stored', async (t) => {
  const { db, tokens, alice } = await setup(t);
  const made = tokens.create(alice, 'deploy bot');
  assert.match(made.token, new RegExp(`^fvh_${made.id}_[A-Za-z0-9_-]{43}$`));
  assert.equal(made.name, 'deploy bot');
  const secret = made.token.slice(`fvh_${made.id}_`.length);
  const stored = JSON.stringify(db.prepare('SELECT * FROM api_tokens').all());
  assert.ok(!stored.includes(secret));
  assert.ok(stored.includes(createHash('sha256').update(secret).digest('hex')));
  assert.deepEqual(tokens.list(alice), [{ id: made.id, name: 'deploy bot', createdAt: 1_000_000, lastUsedAt: null }]);
});

test('resolve: right token, wrong secret, malformed, unknown id', async (t) => {
  const { tokens, alice } = await setup(t);
  const made = tokens.create(alice, 'ci');
  assert.deepEqual(tokens.resolve(made.token), { userId: alice, tokenId: made.id, name: 'ci' });
  const last = made.token.at(-1) === 'A' ? 'B' : 'A';
  assert.equal(tokens.resolve(made.token.slice(0, -1) + last), null);
  assert.equal(tokens.resolve(made.token.replace(`fvh_${made.id}_`, `fvh_${made.id + 1}_`)), null);
  for (const bad of ['', 'fvh_', made.token + 'x', made.token.replace('fvh_', 'fvx_'), `fvh_0_${made.token.split('_').slice(2).join('_')}`]) {
    assert.equal(tokens.resolve(bad), null, bad);
  }
});

test('last_used_at is written at most once a minute', async (t) => {
  const { db, tokens, clock, alice } = await setup(t);
  const made = tokens.create(alice, 'ci');
  const lastUsed = (): unknown => db.prepare('SELECT last_used_at AS v FROM api_tokens WHERE id = ?').get(made.id);
  tokens.resolve(made.token);
  assert.deepEqual(lastUsed(), { v: 1_000_000 });
  clock.now += 59_000;
  tokens.resolve(made.token);
  assert.deepEqual(lastUsed(), { v: 1_000_000 });
  clock.now += 1_000;
  tokens.resolve(made.token);
  assert.deepEqual(lastUsed(), { v: 1_060_000 });
  assert.equal(tokens.list(alice)[0]?.lastUsedAt, 1_060_000);
});

test('revoke: only the owner, only once, and the token stops working', async (t) => {
  const { tokens, alice, bob } = await setup(t);
  const made = tokens.create(alice, 'ci');
  assert.equal(tokens.revoke(bob, made.id), false);
  assert.ok(tokens.resolve(made.token));
  assert.equal(tokens.revoke(alice, made.id), true);
  assert.equal(tokens.revoke(alice, made.id), false);
  assert.equal(tokens.resolve(made.token), null);
  assert.deepEqual(tokens.list(alice), []);
  assert.equal(tokens.revoke(alice, 424242), false);
});

test('names: printable, 1 to 64, unique per user among live tokens', async (t) => {
  const { tokens, alice, bob } = await setup(t);
  const first = tokens.create(alice, 'ci');
  assert.throws(() => tokens.create(alice, 'ci'), code('token_name_exists'));
  tokens.create(bob, 'ci');
  tokens.revoke(alice, first.id);
  tokens.create(alice, 'ci');
  for (const bad of ['', '   ', 'x'.repeat(65), 'new\nline', 'tab\there']) assert.throws(() => tokens.create(alice, bad), code('bad_token_name'), bad);
  tokens.create(alice, 'ü'.repeat(64));
  assert.throws(() => tokens.create(424242, 'x'), code('user_not_found'));
});

test("deleting a user deletes its tokens", async (t) => {
  const { db, tokens, bob } = await setup(t);
  const made = tokens.create(bob, 'ci');
  new UserStore(db, { bcryptRounds: 4 }).delete('bob');
  assert.equal(tokens.resolve(made.token), null);
  assert.deepEqual(db.prepare('SELECT * FROM api_tokens').all(), []);
});

// The SQLite session store: the express-session calls, expiry, the user_id column, ending a user's
// sessions, pruning, and errors delivered to callbacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Database from 'better-sqlite3';
import session, { type SessionData } from 'express-session';
import express from 'express';
import { openDatabase } from '../../hub/db/open.js';
import { migrate, migrationsDir } from '../../hub/db/migrate.js';
import { SqliteSessionStore } from '../../hub/db/session-store.js';
import { UserStore } from '../../hub/db/users.js';
import { makeTmpDir } from '../helpers/tmp.js';

interface Ctx { after(fn: () => void): void }

const T0 = Date.UTC(2025, 0, 1);

async function setup(t: Ctx): Promise<{ db: Database.Database; store: SqliteSessionStore; clock: { now: number }; alice: number; bob: number }> {
  const db = openDatabase(join(makeTmpDir(t), 'hub.db'));
  t.after(() => db.close());
  migrate(db, migrationsDir());
  const users = new UserStore(db, { bcryptRounds: 4 });
  const alice = (await users.add('alice', 'alice password', 0)).id;
  const bob = (await users.add('bob', 'bob password', 1)).id;
  const clock = { now: T0 };
  const store = new SqliteSessionStore(db, { now: () => clock.now });
  t.after(() => store.close());
  return { db, store, clock, alice, bob };
}

/** Session data as express-session hands it over (cookie included), plus any extra fields. */
function sess(expiresAt: number | null, extra: Record<string, unknown> = {}): SessionData {
  const cookie = { originalMaxAge: null, expires: expiresAt === null ? null : new Date(expiresAt), httpOnly: true, path: '/' };
  return { cookie, ...extra };
}

function calls(store: SqliteSessionStore) {
  return {
    get: (sid: string) => new Promise<unknown>((resolve, reject) => store.get(sid, (err, s) => (err ? reject(err) : resolve(s)))),
    set: promisify(store.set.bind(store)),
    touch: (sid: string, s: SessionData) => new Promise<void>((resolve, reject) => store.touch(sid, s, (err) => (err ? reject(err) : resolve()))),
    destroy: promisify(store.destroy.bind(store)),
    clear: promisify(store.clear.bind(store)),
    length: () => new Promise<unknown>((resolve, reject) => store.length((err, n) => (err ? reject(err) : resolve(n)))),
    all: () => new Promise<unknown>((resolve, reject) => store.all((err, o) => (err ? reject(err) : resolve(o)))),
  };
}

function rowOf(db: Database.Database, sid: string): unknown {
  return db.prepare('SELECT expires, user_id FROM sessions WHERE sid = ?').get(sid);
}

test('set then get returns the data; user_id comes from sess.userId', async (t) => {
  const { db, store, alice } = await setup(t);
  const c = calls(store);
  await c.set('s1', sess(T0 + 3600_000, { userId: alice, flash: 'hi' }));
  const got = await c.get('s1');
  assert.deepEqual(got, { cookie: { originalMaxAge: null, expires: new Date(T0 + 3600_000).toISOString(), httpOnly: true, path: '/' }, userId: alice, flash: 'hi' });
  assert.deepEqual(rowOf(db, 's1'), { expires: T0 + 3600_000, user_id: alice });
  await c.set('s2', sess(T0 + 1000, { userId: 'not a number' }));
  assert.deepEqual(rowOf(db, 's2'), { expires: T0 + 1000, user_id: null });
  await c.set('s1', sess(T0 + 7200_000));
  assert.deepEqual(rowOf(db, 's1'), { expires: T0 + 7200_000, user_id: null }, 'set replaces');
  assert.equal(await c.get('missing'), undefined);
});

test('without a cookie expiry a session lasts a day', async (t) => {
  const { db, store } = await setup(t);
  await calls(store).set('s', sess(null));
  assert.deepEqual(rowOf(db, 's'), { expires: T0 + 86_400_000, user_id: null });
});

test('an expired session is not returned and is deleted', async (t) => {
  const { db, store, clock } = await setup(t);
  const c = calls(store);
  await c.set('s', sess(T0 + 1000));
  clock.now = T0 + 1000;
  assert.equal(await c.get('s'), undefined);
  assert.equal(rowOf(db, 's'), undefined);
});

test('touch extends a live session only', async (t) => {
  const { db, store, clock } = await setup(t);
  const c = calls(store);
  await c.set('s', sess(T0 + 1000));
  await c.touch('s', sess(T0 + 5000));
  assert.deepEqual(rowOf(db, 's'), { expires: T0 + 5000, user_id: null });
  clock.now = T0 + 6000;
  await c.touch('s', sess(T0 + 9000));
  assert.deepEqual(rowOf(db, 's'), { expires: T0 + 5000, user_id: null });
  await c.touch('never-set', sess(T0 + 9000));
  assert.equal(rowOf(db, 'never-set'), undefined);
});

test('length, all, destroy and clear count only live sessions', async (t) => {
  const { store, clock } = await setup(t);
  const c = calls(store);
  await c.set('a', sess(T0 + 1000));
  await c.set('b', sess(T0 + 5000));
  await c.set('c', sess(T0 + 5000));
  clock.now = T0 + 2000;
  assert.equal(await c.length(), 2);
  assert.deepEqual(Object.keys((await c.all()) ?? {}).sort(), ['b', 'c']);
  await c.destroy('b');
  assert.equal(await c.length(), 1);
  await c.clear();
  assert.equal(await c.length(), 0);
});

test("destroyUserSessions ends a user's sessions, optionally but one", async (t) => {
  const { db, store, alice, bob } = await setup(t);
  const c = calls(store);
  for (const sid of ['a1', 'a2', 'a3']) await c.set(sid, sess(T0 + 5000, { userId: alice }));
  await c.set('b1', sess(T0 + 5000, { userId: bob }));
  await c.set('anon', sess(T0 + 5000));
  assert.equal(store.destroyUserSessions(alice, 'a2'), 2);
  assert.deepEqual(db.prepare('SELECT sid FROM sessions ORDER BY sid').all(), [{ sid: 'a2' }, { sid: 'anon' }, { sid: 'b1' }]);
  assert.equal(store.destroyUserSessions(alice), 1);
  assert.equal(store.destroyUserSessions(bob), 1);
  assert.equal(store.destroyUserSessions(424242), 0);
});

test('a session of a user who no longer exists is not written back; deleting a user ends its sessions', async (t) => {
  const { db, store, bob } = await setup(t);
  const c = calls(store);
  await c.set('b1', sess(T0 + 5000, { userId: bob }));
  new UserStore(db, { bcryptRounds: 4 }).delete('bob');
  assert.equal(rowOf(db, 'b1'), undefined);
  await c.set('b1', sess(T0 + 5000, { userId: bob }));
  assert.equal(rowOf(db, 'b1'), undefined);
});

test('prune deletes expired rows', async (t) => {
  const { db, store, clock } = await setup(t);
  const c = calls(store);
  await c.set('old', sess(T0 + 1000));
  await c.set('new', sess(T0 + 9000));
  clock.now = T0 + 5000;
  assert.equal(store.prune(), 1);
  assert.deepEqual(db.prepare('SELECT sid FROM sessions').all(), [{ sid: 'new' }]);
});

test('unreadable data reads as no session', async (t) => {
  const { db, store } = await setup(t);
  db.prepare("INSERT INTO sessions (sid, expires, data) VALUES ('junk', ?, 'not json'), ('nocookie', ?, '{}')").run(T0 + 5000, T0 + 5000);
  assert.equal(await calls(store).get('junk'), undefined);
  assert.equal(await calls(store).get('nocookie'), undefined);
});

test('errors go to the callback, never thrown', async (t) => {
  const { db, store } = await setup(t);
  db.close();
  const c = calls(store);
  await assert.rejects(c.get('s'), /not open/);
  await assert.rejects(c.set('s', sess(T0 + 1000)), /not open/);
  await assert.rejects(c.destroy('s'), /not open/);
  await assert.rejects(c.touch('s', sess(T0 + 1000)), /not open/);
  await assert.rejects(c.clear(), /not open/);
  await assert.rejects(c.length(), /not open/);
  await assert.rejects(c.all(), /not open/);
  assert.doesNotThrow(() => store.set('s', sess(T0 + 1000)));
});

test('the prune timer runs on its own and close stops it', async (t) => {
  const { db } = await setup(t);
  let now = T0;
  const store = new SqliteSessionStore(db, { now: () => now, pruneIntervalMs: 10 });
  await calls(store).set('old', sess(T0 + 1000));
  now = T0 + 2000;
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(rowOf(db, 'old'), undefined);
  store.close();
  await calls(store).set('old', sess(T0 + 1000));
  now = T0 + 3000;
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.notEqual(rowOf(db, 'old'), undefined);
});

test('express-session keeps a login across requests with this store', async (t) => {
  const { db, store, alice } = await setup(t);
  const app = express();
  app.use(session({ store, secret: 'test secret', resave: false, saveUninitialized: false, cookie: { maxAge: 60_000 } }));
  app.post('/login', (req, res) => {
    Object.assign(req.session, { userId: alice });
    res.send('ok');
  });
  app.get('/me', (req, res) => {
    res.send(String('userId' in req.session ? req.session.userId : 'nobody'));
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.after(() => server.close());
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  const base = `http://127.0.0.1:${address.port}`;
  const login = await fetch(`${base}/login`, { method: 'POST' });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  assert.match(cookie, /^connect\.sid=/);
  assert.equal(await (await fetch(`${base}/me`, { headers: { cookie } })).text(), String(alice));
  assert.equal(await (await fetch(`${base}/me`)).text(), 'nobody');
  assert.deepEqual(db.prepare('SELECT user_id FROM sessions').all(), [{ user_id: alice }]);
  store.destroyUserSessions(alice);
  assert.equal(await (await fetch(`${base}/me`, { headers: { cookie } })).text(), 'nobody');
});

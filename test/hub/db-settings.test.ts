// Settings: plain keys, and the session secret that must survive a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDatabase } from '../../hub/db/open.js';
import { migrate, migrationsDir } from '../../hub/db/migrate.js';
import { Settings } from '../../hub/db/settings.js';
import { makeTmpDir } from '../helpers/tmp.js';

test('get and set', (t) => {
  const db = openDatabase(join(makeTmpDir(t), 'hub.db'));
  t.after(() => db.close());
  migrate(db, migrationsDir());
  const s = new Settings(db);
  assert.equal(s.get('theme'), null);
  s.set('theme', 'dark');
  s.set('theme', 'light');
  assert.equal(s.get('theme'), 'light');
});

test('the session secret is made once and survives reopening', (t) => {
  const path = join(makeTmpDir(t), 'hub.db');
  const first = openDatabase(path);
  migrate(first, migrationsDir());
  const secret = new Settings(first).sessionSecret();
  assert.match(secret, /^[0-9a-f]{64}$/);
  assert.equal(new Settings(first).sessionSecret(), secret);
  first.close();
  const again = openDatabase(path);
  t.after(() => again.close());
  assert.equal(new Settings(again).sessionSecret(), secret);
});

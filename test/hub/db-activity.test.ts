// The activity log: recording, searching (each filter, paging, LIKE escaping, newest first), the filter
// menus, and cesi's plain-text file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from '../../hub/db/open.js';
import { migrate, migrationsDir } from '../../hub/db/migrate.js';
import { ActivityLog, type ActivityInput } from '../../hub/db/activity.js';
import { activityLine, pyCtime } from '../../hub/db/activity-file.js';
import { makeTmpDir } from '../helpers/tmp.js';

// The text file is in local time; pin it so the expected lines hold anywhere.
process.env.TZ = 'UTC';

interface Ctx { after(fn: () => void): void }

function freshDb(t: Ctx): Database.Database {
  const db = openDatabase(join(makeTmpDir(t), 'hub.db'));
  t.after(() => db.close());
  migrate(db, migrationsDir());
  return db;
}

const base: ActivityInput = { user: 'admin', remote: '10.0.0.5', action: 'process.start', result: 'ok' };

/** A log with a few varied entries, at times 1000, 2000, ... in the order given. */
function seeded(t: Ctx): ActivityLog {
  const log = new ActivityLog(freshDb(t), { file: null });
  const entries: Partial<ActivityInput>[] = [
    { user: 'admin', node: 'web1', target: 'web:web_0', targetKind: 'process', action: 'process.start' },
    { user: 'alice', node: 'web1', target: 'web:web_1', targetKind: 'process', action: 'process.stop', result: 'failed', detail: 'NOT_RUNNING' },
    { user: 'alice', node: 'db1', target: 'Postgres', targetKind: 'process', action: 'process.restart' },
    { user: 'bob', node: 'db1', target: 'a%b', action: 'process.start', result: 'refused' },
    { user: 'bob', node: null, target: 'axb', action: 'user.add' },
    { user: null, remote: null, target: 'a_b', action: 'node.down', detail: 'connection refused 100%' },
    { user: 'admin', target: 'back\\slash', action: 'user.delete' },
  ];
  entries.forEach((e, i) => log.record({ ...base, ...e, time: (i + 1) * 1000 }));
  return log;
}

test('record returns the stored entry; latest is newest first', (t) => {
  const log = new ActivityLog(freshDb(t), { file: null, now: () => 5000 });
  const a = log.record({ ...base, node: 'web1', target: 'web:web_0', targetKind: 'process' });
  assert.deepEqual(a, {
    id: a.id, time: 5000, user: 'admin', remote: '10.0.0.5', node: 'web1', target: 'web:web_0', targetKind: 'process',
    action: 'process.start', result: 'ok', detail: null,
  });
  const b = log.record({ ...base, action: 'process.stop' });
  const c = log.record({ ...base, action: 'old', time: 10 });
  assert.deepEqual(log.latest(10).map((e) => e.id), [b.id, a.id, c.id], 'same time: the later record first');
  assert.deepEqual(log.latest(1), [b]);
  assert.deepEqual(log.latest(0), []);
});

test('search with no filter: all, newest first, with page counts', (t) => {
  const r = seeded(t).search({});
  assert.equal(r.total, 7);
  assert.equal(r.page, 1);
  assert.equal(r.perPage, 50);
  assert.equal(r.pages, 1);
  assert.deepEqual(r.entries.map((e) => e.time), [7000, 6000, 5000, 4000, 3000, 2000, 1000]);
});

test('search by user, node and action is exact', (t) => {
  const log = seeded(t);
  assert.deepEqual(log.search({ user: 'alice' }).entries.map((e) => e.time), [3000, 2000]);
  assert.deepEqual(log.search({ user: 'ali' }).total, 0);
  assert.deepEqual(log.search({ node: 'db1' }).entries.map((e) => e.time), [4000, 3000]);
  assert.deepEqual(log.search({ action: 'process.start' }).entries.map((e) => e.time), [4000, 1000]);
  assert.deepEqual(log.search({ user: 'bob', node: 'db1' }).entries.map((e) => e.time), [4000]);
  assert.equal(log.search({ user: '' }).total, 7, 'an empty filter means any');
});

test('search by process matches part of the target, any case', (t) => {
  const log = seeded(t);
  assert.deepEqual(log.search({ process: 'WEB:' }).entries.map((e) => e.target), ['web:web_1', 'web:web_0']);
  assert.deepEqual(log.search({ process: 'gres' }).entries.map((e) => e.target), ['Postgres']);
});

test('LIKE wildcards in the search text are taken literally', (t) => {
  const log = seeded(t);
  assert.deepEqual(log.search({ process: '%' }).entries.map((e) => e.target), ['a%b']);
  assert.deepEqual(log.search({ process: 'a_b' }).entries.map((e) => e.target), ['a_b']);
  assert.deepEqual(log.search({ process: '\\' }).entries.map((e) => e.target), ['back\\slash']);
  assert.deepEqual(log.search({ text: '100%' }).entries.map((e) => e.time), [6000]);
});

test('text searches user, node, target, action and detail', (t) => {
  const log = seeded(t);
  assert.deepEqual(log.search({ text: 'not_running' }).entries.map((e) => e.time), [2000], 'detail');
  assert.deepEqual(log.search({ text: 'BOB' }).entries.map((e) => e.time), [5000, 4000], 'user');
  assert.deepEqual(log.search({ text: 'db1' }).entries.map((e) => e.time), [4000, 3000], 'node');
  assert.deepEqual(log.search({ text: 'node.' }).entries.map((e) => e.time), [6000], 'action');
  assert.deepEqual(log.search({ text: 'postgres' }).entries.map((e) => e.time), [3000], 'target');
});

test('from and to are inclusive', (t) => {
  const log = seeded(t);
  assert.deepEqual(log.search({ from: 2000, to: 4000 }).entries.map((e) => e.time), [4000, 3000, 2000]);
  assert.deepEqual(log.search({ from: 6000 }).entries.map((e) => e.time), [7000, 6000]);
  assert.deepEqual(log.search({ to: 1000 }).entries.map((e) => e.time), [1000]);
  assert.equal(log.search({ from: Number.NaN }).total, 7);
});

test('paging', (t) => {
  const log = seeded(t);
  const p1 = log.search({ perPage: 3 });
  assert.deepEqual([p1.total, p1.pages, p1.page], [7, 3, 1]);
  assert.deepEqual(p1.entries.map((e) => e.time), [7000, 6000, 5000]);
  assert.deepEqual(log.search({ perPage: 3, page: 3 }).entries.map((e) => e.time), [1000]);
  assert.deepEqual(log.search({ perPage: 3, page: 4 }).entries, []);
  assert.equal(log.search({ perPage: 100000 }).perPage, 500);
  assert.equal(log.search({ perPage: 0 }).perPage, 1);
  assert.equal(log.search({ page: -2 }).page, 1);
  const none = log.search({ user: 'nobody' });
  assert.deepEqual([none.total, none.pages, none.entries.length], [0, 1, 0]);
});

test('distinct values for the filter menus', (t) => {
  assert.deepEqual(seeded(t).distinct(), {
    users: ['admin', 'alice', 'bob'],
    nodes: ['db1', 'web1'],
    actions: ['node.down', 'process.restart', 'process.start', 'process.stop', 'user.add', 'user.delete'],
  });
});

test("time in Python's ctime format", () => {
  assert.equal(pyCtime(Date.UTC(2018, 8, 4, 12, 0, 0)), 'Tue Sep  4 12:00:00 2018');
  assert.equal(pyCtime(Date.UTC(2024, 11, 25, 3, 4, 5)), 'Wed Dec 25 03:04:05 2024');
});

test('each record is appended to the text file as one line', (t) => {
  const dir = makeTmpDir(t);
  const file = join(dir, 'activity.log');
  const log = new ActivityLog(freshDb(t), { file, now: () => Date.UTC(2018, 8, 4, 12, 0, 0) });
  log.record({ ...base, node: 'local', target: 'web:web_0', targetKind: 'process' });
  log.record({ user: 'alice', remote: null, action: 'process.stop', target: 'evil\nname', result: 'failed', detail: 'line one\r\nline two' });
  log.record({ user: null, remote: null, action: 'node.down', node: 'db1', result: 'ok' });
  assert.equal(
    readFileSync(file, 'utf8'),
    'Tue Sep  4 12:00:00 2018 - admin (10.0.0.5): process.start web:web_0 on node local: ok\n' +
      'Tue Sep  4 12:00:00 2018 - alice: process.stop evil name: failed (line one  line two)\n' +
      'Tue Sep  4 12:00:00 2018 - (hub): node.down on node db1: ok\n',
  );
  // Moved away (as logrotate does): the next line starts a new file.
  renameSync(file, file + '.1');
  log.record({ ...base });
  assert.equal(readFileSync(file, 'utf8').split('\n').length, 2);
});

test('a file that cannot be written is reported and the row is kept', (t) => {
  const file = join(makeTmpDir(t), 'missing-dir', 'activity.log');
  const errors: [unknown, string][] = [];
  const log = new ActivityLog(freshDb(t), { file, onFileError: (err, f) => errors.push([err, f]) });
  const e = log.record(base);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.[1], file);
  assert.deepEqual(log.latest(1), [e]);
  new ActivityLog(freshDb(t), { file }).record(base);
});

test('activityLine ends with a newline and holds no other', () => {
  const line = activityLine({ time: 0, user: 'a\nb', remote: 'r\u2028', node: 'n\r', target: 't\t', action: 'x\n', result: 'ok', detail: '\n' });
  assert.equal(line.indexOf('\n'), line.length - 1);
});

// Main log: line format, level tags and filtering, stdout echo, syslog records, clear, and the parse-time buffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { createMainLogger, formatLogTime } from '../../../agent/logging/main-log.js';
import type { LogLevelName } from '../../../agent/config/types.js';

const fixed = (): Date => new Date(2026, 10, 24, 16, 28, 28, 781);

function collector(): { lines: string[]; write(text: string): void } {
  const lines: string[] = [];
  return { lines, write: (text: string) => { lines.push(text); } };
}

test('timestamps are local time with zero-padded milliseconds', () => {
  assert.equal(formatLogTime(fixed()), '2026-11-24 16:28:28,781');
  assert.equal(formatLogTime(new Date(2026, 0, 2, 3, 4, 5, 6)), '2026-01-02 03:04:05,006');
});

const tags: Array<[LogLevelName, string]> = [
  ['critical', 'CRIT'], ['error', 'ERRO'], ['warn', 'WARN'], ['info', 'INFO'],
  ['debug', 'DEBG'], ['trace', 'TRAC'], ['blather', 'BLAT'],
];
for (const [level, tag] of tags) {
  test(`${level} messages are written with the ${tag} tag`, (t) => {
    const path = join(makeTmpDir(t), 'main.log');
    const log = createMainLogger({ logfile: path, maxbytes: 0, backups: 0, level: 'blather', echo: false, clock: fixed });
    t.after(() => log.close());
    log[level]('received SIGTERM indicating exit request');
    assert.equal(readFileSync(path, 'utf8'), `2026-11-24 16:28:28,781 ${tag} received SIGTERM indicating exit request\n`);
  });
}

test('messages below the configured level are dropped', (t) => {
  const path = join(makeTmpDir(t), 'main.log');
  const log = createMainLogger({ logfile: path, maxbytes: 0, backups: 0, level: 'warn', echo: false, clock: fixed });
  t.after(() => log.close());
  for (const [level] of tags) log[level](level);
  const levels = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => l.split(' ')[3]);
  assert.deepEqual(levels, ['critical', 'error', 'warn']);
  assert.equal(log.level, 30);
});

test('multi-line messages are written as-is', (t) => {
  const path = join(makeTmpDir(t), 'main.log');
  const log = createMainLogger({ logfile: path, maxbytes: 0, backups: 0, level: 'debug', echo: false, clock: fixed });
  t.after(() => log.close());
  log.debug("'web' stdout output:\nline1\nline2\n");
  assert.equal(readFileSync(path, 'utf8'), "2026-11-24 16:28:28,781 DEBG 'web' stdout output:\nline1\nline2\n\n");
});

test('echo copies every line to stdout; without echo nothing is printed', (t) => {
  const dir = makeTmpDir(t);
  const out = collector();
  const log = createMainLogger({ logfile: join(dir, 'a.log'), maxbytes: 0, backups: 0, level: 'info', echo: true, clock: fixed, stdout: out });
  t.after(() => log.close());
  log.info('supervisord started with pid 42');
  log.debug('hidden');
  assert.deepEqual(out.lines, ['2026-11-24 16:28:28,781 INFO supervisord started with pid 42\n']);
  const quiet = collector();
  const log2 = createMainLogger({ logfile: join(dir, 'b.log'), maxbytes: 0, backups: 0, level: 'info', echo: false, stdout: quiet });
  t.after(() => log2.close());
  log2.info('x');
  assert.deepEqual(quiet.lines, []);
});

test('the main log rotates like any log file', (t) => {
  const path = join(makeTmpDir(t), 'main.log');
  const log = createMainLogger({ logfile: path, maxbytes: 100, backups: 2, level: 'info', echo: false, clock: fixed });
  t.after(() => log.close());
  for (let i = 0; i < 4; i++) log.info(`message number ${i} padded to be long enough`);
  // Each line is over half of maxbytes: each file holds one, whole; the oldest went past the 2 backups.
  assert.match(readFileSync(path, 'utf8'), /^[^\n]*message number 3[^\n]*\n$/);
  assert.match(readFileSync(`${path}.1`, 'utf8'), /^[^\n]*message number 2[^\n]*\n$/);
  assert.match(readFileSync(`${path}.2`, 'utf8'), /^[^\n]*message number 1[^\n]*\n$/);
  assert.equal(existsSync(`${path}.3`), false);
});

test('logfile=syslog sends one record per line, each with the time and level prefix', (t) => {
  const sent: string[] = [];
  const log = createMainLogger({
    logfile: 'syslog', maxbytes: 0, backups: 0, level: 'info', echo: false, clock: fixed,
    syslog: { send: (line) => { sent.push(line); }, close: () => undefined },
  });
  t.after(() => log.close());
  log.warn('first\nsecond\n\n');
  assert.deepEqual(sent, ['2026-11-24 16:28:28,781 WARN first', '2026-11-24 16:28:28,781 WARN second']);
  assert.equal(log.path, 'syslog');
});

test('clear deletes the file; "reopening log file" goes to the old file and stdout, once per destination', (t) => {
  const path = join(makeTmpDir(t), 'main.log');
  const out = collector();
  const log = createMainLogger({ logfile: path, maxbytes: 0, backups: 0, level: 'info', echo: true, clock: fixed, stdout: out });
  t.after(() => log.close());
  log.info('before');
  log.clear();
  assert.equal(readFileSync(path, 'utf8'), '');
  log.info('after');
  assert.equal(readFileSync(path, 'utf8'), '2026-11-24 16:28:28,781 INFO after\n');
  assert.deepEqual(out.lines.map((l) => l.slice(24)), ['INFO before\n', 'INFO reopening log file\n', 'INFO reopening log file\n', 'INFO after\n']);
});

test('clear of a file that vanished throws ENOENT for the caller to map', (t) => {
  const path = join(makeTmpDir(t), 'main.log');
  const log = createMainLogger({ logfile: path, maxbytes: 0, backups: 0, level: 'info', echo: false });
  t.after(() => log.close());
  unlinkSync(path);
  assert.throws(() => log.clear(), { code: 'ENOENT' });
});

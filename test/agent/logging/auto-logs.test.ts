// AUTO child logs: name shape, mode 0600, uniqueness, and the startup cleanup pattern.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { autoLogPattern, cleanupAutoLogs, createAutoLogFile } from '../../../agent/logging/auto-logs.js';
import type { Logger } from '../../../agent/logging/types.js';

test('AUTO log names are <name>-<channel>---<identifier>-<8 chars>.log, empty, mode 0600, unique', (t) => {
  const dir = makeTmpDir(t);
  const a = createAutoLogFile(dir, 'sleeper', 'stdout', 'supervisor');
  const b = createAutoLogFile(dir, 'sleeper', 'stdout', 'supervisor');
  for (const path of [a, b]) {
    assert.match(basename(path), /^sleeper-stdout---supervisor-[a-z0-9_]{8}\.log$/);
    assert.equal(join(dir, basename(path)), path);
    assert.equal(statSync(path).size, 0);
    assert.equal(statSync(path).mode & 0o777, 0o600 & ~process.umask());
  }
  assert.notEqual(a, b);
  assert.match(basename(createAutoLogFile(dir, 'w', 'stderr', 'id')), /^w-stderr---id-[a-z0-9_]{8}\.log$/);
});

test('createAutoLogFile in a missing directory throws ENOENT', (t) => {
  assert.throws(() => createAutoLogFile(join(makeTmpDir(t), 'none'), 'x', 'stdout', 'supervisor'), { code: 'ENOENT' });
});

const names: Array<[string, boolean]> = [
  ['a-stdout---supervisor-abcdefgh.log', true],
  ['a-stdout---supervisor-abcdefgh.log.1', true],
  ['a-stdout---supervisor-abcdefgh.log.10000', true],
  ['x---supervisor-q.log.bak', true],
  ['a-stdout---other-abcdefgh.log', false],
  ['a-stdout---supervisorx-abcdefgh.log', false],
  ['a---supervisor-.log', false],
  ['---supervisor-abc.log', false],
  ['plain.log', false],
  ['a-stdout---supervisor-ab cd.log', false],
];

test('cleanupAutoLogs deletes exactly the files matching the identifier pattern', (t) => {
  const dir = makeTmpDir(t);
  for (const [name] of names) writeFileSync(join(dir, name), 'x');
  const removed = cleanupAutoLogs(dir, 'supervisor');
  const left = new Set(readdirSync(dir));
  for (const [name, deleted] of names) assert.equal(!left.has(name), deleted, name);
  assert.equal(removed.length, names.filter(([, d]) => d).length);
});

test('the pattern agrees with supervisord for the default identifier', (t) => {
  try {
    execFileSync('python3', ['-c', 'import re'], { stdio: 'ignore' });
  } catch {
    t.skip('python3 is not installed');
    return;
  }
  const script = "import re,sys,json\nfnre=re.compile(r'.+?---%s-\\S+\\.log\\.{0,1}\\d{0,4}' % 'supervisor')\nprint(json.dumps([bool(fnre.match(n)) for n in json.loads(sys.stdin.read())]))";
  const expected = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(names.map(([n]) => n)), encoding: 'utf8' })) as boolean[];
  assert.deepEqual(names.map(([n]) => autoLogPattern('supervisor').test(n)), expected);
});

test('an identifier with regex characters only matches itself', () => {
  assert.equal(autoLogPattern('sup.v').test('a-stdout---sup.v-abc.log'), true);
  assert.equal(autoLogPattern('sup.v').test('a-stdout---supXv-abc.log'), false);
});

function warnings(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const none = (): void => undefined;
  return { lines, logger: { level: 20, critical: none, error: none, warn: (m) => { lines.push(m); }, info: none, debug: none, trace: none, blather: none } };
}

test('cleanup of an unreadable childlogdir warns "Could not clear childlog dir"', (t) => {
  const w = warnings();
  assert.deepEqual(cleanupAutoLogs(join(makeTmpDir(t), 'missing'), 'supervisor', w.logger), []);
  assert.deepEqual(w.lines, ['Could not clear childlog dir']);
});

test('a matching entry that cannot be removed is reported and the rest still go', (t) => {
  const dir = makeTmpDir(t);
  mkdirSync(join(dir, 'd---supervisor-x.log'));
  writeFileSync(join(dir, 'f---supervisor-y.log'), '');
  const w = warnings();
  cleanupAutoLogs(dir, 'supervisor', w.logger);
  assert.deepEqual(w.lines, [`Failed to clean up '${join(dir, 'd---supervisor-x.log')}'`]);
  assert.equal(existsSync(join(dir, 'f---supervisor-y.log')), false);
});

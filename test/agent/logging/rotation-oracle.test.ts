// Oracle: the real supervisord 4.2.5 and our RotatingFile after the same single 520-byte write with
// maxbytes 300. supervisord writes, then rotates (loggers.py): its .1 holds all 520 bytes, past the
// limit. We rotate before a write would pass it and cut a write larger than it: .1 holds 300, the
// file 220. The same bytes in the same order either way. Only this single-write case is used: one
// pipe write under PIPE_BUF arrives as one read, so it is deterministic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { RotatingFile } from '../../../agent/logging/rotating-file.js';

const SUPERVISORD = '/usr/bin/supervisord';

function snapshot(base: string): Array<string | null> {
  return [base, `${base}.1`, `${base}.2`, `${base}.3`].map((p) => (existsSync(p) ? readFileSync(p, 'latin1') : null));
}

test('after a 520-byte write with maxbytes 300, supervisord and RotatingFile keep the same bytes; ours stay within maxbytes', { skip: !existsSync(SUPERVISORD) && 'supervisord not installed' }, async (t) => {
  const dir = makeTmpDir(t);
  const conf = join(dir, 'supervisord.conf');
  writeFileSync(conf, [
    '[supervisord]', 'nodaemon=true', 'silent=true', `logfile=${dir}/supervisord.log`, `pidfile=${dir}/supervisord.pid`, `childlogdir=${dir}`,
    '[program:talker]', `command=python3 -c "import os; os.write(1, b'x'*520)"`, `stdout_logfile=${dir}/talker.log`,
    'stdout_logfile_maxbytes=300', 'stdout_logfile_backups=2', 'startsecs=0', 'autorestart=false', '',
  ].join('\n'));
  const daemon = spawn(SUPERVISORD, ['-c', conf], { stdio: 'ignore' });
  t.after(() => { if (daemon.pid !== undefined && daemon.exitCode === null) process.kill(daemon.pid, 'SIGKILL'); });
  const exited = new Promise((resolve) => daemon.once('exit', resolve));
  const deadline = Date.now() + 10000;
  const backup = join(dir, 'talker.log.1');
  while (!(existsSync(backup) && statSync(backup).size === 520)) {
    assert.ok(Date.now() < deadline, 'supervisord did not rotate talker.log in time');
    await new Promise((r) => setTimeout(r, 20));
  }
  process.kill(daemon.pid as number, 'SIGTERM');
  await exited;

  const mine = join(dir, 'mine.log');
  const f = new RotatingFile({ path: mine, maxbytes: 300, backups: 2 });
  f.write(Buffer.alloc(520, 'x'));
  f.close();
  const theirs = snapshot(join(dir, 'talker.log'));
  assert.deepEqual(theirs, ['', 'x'.repeat(520), null, null], 'supervisord: written whole, then rotated');
  assert.deepEqual(snapshot(mine), ['x'.repeat(220), 'x'.repeat(300), null, null], 'ours: rotated before passing 300');
  const all = (files: Array<string | null>): string => files.filter((f): f is string => f !== null).reverse().join('');
  assert.equal(all(snapshot(mine)), all(theirs));
});

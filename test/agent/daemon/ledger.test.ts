// The orphan ledger: appended at each spawn, compacted when dead entries pile up, read back by the
// next daemon (findOrphans) and by the guardian's shell (`pgid starttime name` lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findOrphans, LedgerWriter } from '../../../agent/daemon/orphans.js';
import { readProcStat } from '../../../agent/process/proc-stat.js';
import { makeTmpDir } from '../../helpers/tmp.js';

function sleeper(t: { after(fn: () => void): void }): number {
  const c = spawn('/bin/sleep', ['300'], { detached: true, stdio: 'ignore' });
  const pid = c.pid as number;
  t.after(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } });
  return pid;
}

test('a spawn appends one line; the file starts with the daemon pid and lists live children', (t) => {
  const path = join(makeTmpDir(t), 'd.pid.children');
  const w = new LedgerWriter(path);
  assert.equal(readFileSync(path, 'utf8'), `daemon ${process.pid}\n`);
  const a = sleeper(t);
  const b = sleeper(t);
  w.update([{ pid: a, name: 'a' }]);
  const size = statSync(path).size;
  w.update([{ pid: a, name: 'a' }]);
  assert.equal(statSync(path).size, size, 'a known child is not written again');
  w.update([{ pid: a, name: 'a' }, { pid: b, name: 'b' }]);
  const st = (pid: number) => readProcStat(pid)?.starttime;
  assert.equal(readFileSync(path, 'utf8'), `daemon ${process.pid}\n${a} ${st(a)} a\n${b} ${st(b)} b\n`);
  assert.deepEqual(findOrphans(path).map((o) => [o.entry.name, o.pids, o.daemonPid]), [['a', [a], process.pid], ['b', [b], process.pid]]);
  w.remove();
  assert.throws(() => statSync(path), { code: 'ENOENT' });
});

test('dead entries are compacted away once they outnumber the live ones by the slack', (t) => {
  const path = join(makeTmpDir(t), 'd.pid.children');
  const w = new LedgerWriter(path);
  const live = sleeper(t);
  // Each round a different (exited) child stands in: its /proc entry is gone, so it is skipped;
  // use live pids of our own instead, each listed once and then dropped.
  const others = Array.from({ length: 70 }, () => sleeper(t));
  for (const pid of others) w.update([{ pid: live, name: 'live' }, { pid, name: `p${pid}` }]);
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  assert.ok(lines.length < 70, `compacted (${lines.length} lines)`);
  assert.equal(lines[0], `daemon ${process.pid}`);
  assert.ok(lines.some((l) => l.startsWith(`${live} `)), 'the live child survives a compaction');
  w.remove();
});

// fleetvisord as a daemon: daemonizing, the pidfile guard, SIGHUP restart, SIGUSR2 reopen, and
// orphan protection when the daemon itself is SIGKILLed (supervisor issues #199, #168).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { fleetvisordBin, programsDir } from '../../helpers/paths.js';
import { descendants, isAlive, logLines, startDaemon, waitForLog, writeConf } from '../../helpers/daemon.js';
import { waitFor } from '../../helpers/wait-for.js';

const grandchildProgram = `${process.execPath} ${join(programsDir, 'diff-grandchild.js')}`;

function pidOf(text: string, label: string): number {
  const m = new RegExp(`(?:^| )${label} (\\d+)$`, 'm').exec(text);
  assert.ok(m, `no "${label} <pid>" in ${JSON.stringify(text)}`);
  return Number(m[1]);
}

test('without -n it daemonizes: the parent exits 0 and the daemon writes its own pid', async (t) => {
  const dir = makeTmpDir(t);
  const conf = writeConf(dir, '[program:s]\ncommand=/bin/sleep 300\n');
  writeFileSync(conf, readFileSync(conf, 'utf8').replace('nodaemon=true\n', ''));
  const r = spawnSync(process.execPath, [fleetvisordBin, '-c', conf], { encoding: 'utf8', timeout: 20_000 });
  const pidfile = join(dir, 'daemon.pid');
  const daemonPid = existsSync(pidfile) ? Number(readFileSync(pidfile, 'utf8').trim()) : 0;
  t.after(async () => {
    if (daemonPid > 0 && isAlive(daemonPid)) {
      const kids = descendants(daemonPid);
      process.kill(daemonPid, 'SIGKILL');
      for (const k of kids) { try { process.kill(k, 'SIGKILL'); } catch { /* gone */ } }
    }
  });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(daemonPid > 0 && isAlive(daemonPid), 'daemon alive after the parent exited');
  assert.notEqual(daemonPid, r.pid);
  await waitFor(() => logLines(readFileSync(join(dir, 'main.log'), 'utf8')).some((l) => l.startsWith("INFO success: s entered RUNNING")), { timeoutMs: 10_000 });
  const log = logLines(readFileSync(join(dir, 'main.log'), 'utf8'));
  assert.ok(log.includes('INFO daemonizing the supervisord process'));
  assert.ok(log.includes(`INFO supervisord started with pid ${daemonPid}`));
  process.kill(daemonPid, 'SIGTERM');
  await waitFor(() => !isAlive(daemonPid), { timeoutMs: 15_000, what: 'daemon exit' });
  assert.ok(!existsSync(pidfile), 'pidfile removed at shutdown');
});

test('a second daemon on the same pidfile refuses to start, exit 2, and leaves the first alone', async (t) => {
  const dir = makeTmpDir(t);
  const conf = writeConf(dir, '[program:s]\ncommand=/bin/sleep 300\n');
  const first = startDaemon(t, 'fleetvisord', dir, conf);
  await waitForLog(first, /^INFO success: s entered RUNNING/);
  const r = spawnSync(process.execPath, [fleetvisordBin, '-c', conf], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`^Error: Another supervisor daemon \\(pid ${first.pid}\\) is already running with pidfile`));
  assert.equal(readFileSync(join(dir, 'daemon.pid'), 'utf8'), `${first.pid}\n`);
  assert.equal(await first.stop(), 0);
});

test('SIGHUP restarts every process in the same daemon; an invalid config then exits 2', async (t) => {
  const dir = makeTmpDir(t);
  const conf = writeConf(dir, '[program:s]\ncommand=/bin/sleep 300\n');
  const d = startDaemon(t, 'fleetvisord', dir, conf);
  await waitForLog(d, /^INFO success: s entered RUNNING/);
  const firstPid = pidOf(d.mainLog(), "spawned: 's' with pid");
  process.kill(d.pid, 'SIGHUP');
  await waitFor(() => logLines(d.mainLog()).filter((l) => l.startsWith("INFO spawned: 's'")).length === 2, { timeoutMs: 15_000, what: 'respawn after SIGHUP' });
  const lines = logLines(d.mainLog());
  assert.ok(lines.includes('WARN received SIGHUP indicating restart request'));
  assert.equal(lines.filter((l) => l === `INFO supervisord started with pid ${d.pid}`).length, 2);
  assert.ok(!isAlive(firstPid), 'the old child was stopped');
  // Now break the config and restart again: the daemon stops everything and exits 2.
  writeFileSync(conf, readFileSync(conf, 'utf8') + '\n[program:bad]\ncommand=/bin/true\nautostart=maybe\n');
  process.kill(d.pid, 'SIGHUP');
  assert.equal(await d.exited(), 2);
  assert.match(d.stderr(), /Error: not a valid boolean value: 'maybe' in section 'program:bad'/);
});

test('SIGUSR2 reopens the main log after an external rotation', async (t) => {
  const dir = makeTmpDir(t);
  const conf = writeConf(dir, '[program:s]\ncommand=/bin/sleep 300\n');
  const d = startDaemon(t, 'fleetvisord', dir, conf);
  await waitForLog(d, /^INFO success: s entered RUNNING/);
  renameSync(join(dir, 'main.log'), join(dir, 'main.log.rotated'));
  process.kill(d.pid, 'SIGUSR2');
  // As supervisord does, both lines are written to the old (rotated) file, then the log is reopened.
  const rotated = () => logLines(readFileSync(join(dir, 'main.log.rotated'), 'utf8'));
  await waitFor(() => rotated().includes('INFO supervisord logreopen'), { what: 'logreopen in the old file' });
  assert.deepEqual(rotated().slice(-2), ['INFO received SIGUSR2 indicating log reopen request', 'INFO supervisord logreopen']);
  assert.equal(await d.stop(), 0);
  assert.ok(logLines(d.mainLog()).some((l) => l.startsWith('WARN stopped: s')), 'later lines go to the new file');
});

test('SIGKILL of the daemon: its child dies with it and the next daemon ends the leftover grandchild', async (t) => {
  const dir = makeTmpDir(t);
  const conf = writeConf(dir, `[program:tree]\ncommand=${grandchildProgram}\nstdout_logfile=${dir}/tree.log\n`);
  const first = startDaemon(t, 'fleetvisord', dir, conf);
  await waitForLog(first, /^INFO success: tree entered RUNNING/);
  await waitFor(() => existsSync(join(dir, 'tree.log')) && readFileSync(join(dir, 'tree.log'), 'utf8').includes('child '), { what: 'tree output' });
  const out = readFileSync(join(dir, 'tree.log'), 'utf8');
  const child = pidOf(out, 'child');
  const grandchild = pidOf(out, 'grandchild');
  t.after(() => { for (const p of [child, grandchild]) if (isAlive(p)) process.kill(p, 'SIGKILL'); });
  await waitFor(() => existsSync(join(dir, 'daemon.pid.children')), { what: 'orphan ledger' });
  process.kill(first.pid, 'SIGKILL');
  await first.exited();
  await waitFor(() => !isAlive(child), { timeoutMs: 10_000, what: 'the direct child to die with the daemon' });
  assert.ok(isAlive(grandchild), 'the grandchild survived the kernel parent-death signal');

  const second = startDaemon(t, 'fleetvisord', dir, conf);
  // Both daemons log to the same file: wait for the second one's own lines.
  await waitForLog(second, new RegExp(`^INFO supervisord started with pid ${second.pid}$`));
  await waitFor(() => logLines(second.mainLog()).filter((l) => l.startsWith('INFO success: tree entered RUNNING')).length === 2, { what: 'second daemon running tree' });
  assert.ok(logLines(second.mainLog()).some((l) => l.startsWith("WARN killed orphaned processes of 'tree'")));
  await waitFor(() => !isAlive(grandchild), { timeoutMs: 5_000, what: 'the orphaned grandchild to be ended' });
  const trees = logLines(second.mainLog()).filter((l) => l.startsWith("INFO spawned: 'tree'"));
  assert.equal(trees.length, 2, 'one spawn per daemon: no duplicate left running');
  assert.equal(await second.stop(), 0);
});

// fleetvisord as a daemon: daemonizing, the pidfile guard, SIGHUP restart, SIGUSR2 reopen, and
// orphan protection when the daemon itself is SIGKILLed (README "Orphan protection"): the
// guardian (layer 1) and the next daemon's ledger sweep (layer 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { fleetvisordBin, programsDir } from '../../helpers/paths.js';
import { descendants, isAlive, logLines, startDaemon, waitForLog, writeConf } from '../../helpers/daemon.js';
import { waitFor } from '../../helpers/wait-for.js';
import { GUARDIAN_NAME } from '../../../agent/daemon/guardian.js';
import { readProcStat } from '../../../agent/process/proc-stat.js';
import { pipeDirPrefix } from '../../../agent/process/fifo-pool.js';

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
  // A restart of the daemonized process is a new life in the same process; it must not report its
  // start to the long-gone parent (that channel is closed), and it lives on.
  process.kill(daemonPid, 'SIGHUP');
  await waitFor(() => logLines(readFileSync(join(dir, 'main.log'), 'utf8')).filter((l) => l.startsWith('INFO success: s entered RUNNING')).length === 2, { timeoutMs: 15_000, what: 'respawn after SIGHUP' });
  assert.ok(isAlive(daemonPid), 'the daemon lives on after SIGHUP');
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

/**
 * The daemon's guardian: its child whose argv[0] is the guardian's name. Waits for that cmdline
 * itself (until its exec has laid out argv, a process's cmdline reads as '' or its parent's).
 */
async function guardianOf(daemonPid: number): Promise<number> {
  let found: number[] = [];
  await waitFor(() => {
    found = descendants(daemonPid).filter((p) => {
      try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0] === GUARDIAN_NAME; } catch { return false; }
    });
    return found.length > 0;
  }, { what: `the guardian under ${daemonPid}` });
  assert.equal(found.length, 1, `one guardian under ${daemonPid}: ${found.join(', ')}`);
  return found[0] ?? -1;
}

/** Starts a daemon running the tree program; returns its pids once the ledger lists the tree. */
async function startTree(t: { after(fn: () => void | Promise<void>): void }, dir: string, conf: string) {
  const d = startDaemon(t, 'fleetvisord', dir, conf);
  await waitForLog(d, /^INFO success: tree entered RUNNING/);
  await waitFor(() => existsSync(join(dir, 'tree.log')) && readFileSync(join(dir, 'tree.log'), 'utf8').includes('child '), { what: 'tree output' });
  const out = readFileSync(join(dir, 'tree.log'), 'utf8');
  const child = pidOf(out, 'child');
  const grandchild = pidOf(out, 'grandchild');
  t.after(() => { for (const p of [child, grandchild]) if (isAlive(p)) process.kill(p, 'SIGKILL'); });
  await waitFor(() => existsSync(join(dir, 'daemon.pid.children')) && readFileSync(join(dir, 'daemon.pid.children'), 'utf8').split('\n').some((l) => l.startsWith(`${child} `)), { what: 'orphan ledger' });
  return { d, child, grandchild, guardian: await guardianOf(d.pid) };
}

test('SIGKILL of the daemon: the guardian ends its child and grandchild at once, and the next daemon finds nothing left', async (t) => {
  const dir = makeTmpDir(t);
  const conf = writeConf(dir, `[program:tree]\ncommand=${grandchildProgram}\nstdout_logfile=${dir}/tree.log\n`);
  const first = await startTree(t, dir, conf);
  process.kill(first.d.pid, 'SIGKILL');
  await first.d.exited();
  await waitFor(() => !isAlive(first.child) && !isAlive(first.grandchild), { timeoutMs: 3_000, what: 'the whole child group to end with the daemon' });
  await waitFor(() => !isAlive(first.guardian), { timeoutMs: 5_000, what: 'the guardian to exit' });

  const second = startDaemon(t, 'fleetvisord', dir, conf);
  // Both daemons log to the same file: wait for the second one's own lines.
  await waitForLog(second, new RegExp(`^INFO supervisord started with pid ${second.pid}$`));
  await waitFor(() => logLines(second.mainLog()).filter((l) => l.startsWith('INFO success: tree entered RUNNING')).length === 2, { what: 'second daemon running tree' });
  assert.ok(!logLines(second.mainLog()).some((l) => l.startsWith('WARN killed orphaned processes')), 'nothing was left for layer 2');
  assert.equal(logLines(second.mainLog()).filter((l) => l.startsWith("INFO spawned: 'tree'")).length, 2, 'one spawn per daemon');
  assert.equal(await second.stop(), 0);
});

test('SIGKILL of the guardian, then of the daemon: the next daemon ends the leftover child and grandchild before it starts', async (t) => {
  const dir = makeTmpDir(t);
  const conf = writeConf(dir, `[program:tree]\ncommand=${grandchildProgram}\nstdout_logfile=${dir}/tree.log\n`);
  const first = await startTree(t, dir, conf);
  process.kill(first.guardian, 'SIGKILL');
  await waitForLog(first.d, new RegExp(`^WARN orphan guardian \\(pid ${first.guardian}\\) ended \\(SIGKILL\\)`));
  process.kill(first.d.pid, 'SIGKILL');
  await first.d.exited();
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(isAlive(first.child) && isAlive(first.grandchild), 'without the guardian the tree survives the daemon');

  const second = startDaemon(t, 'fleetvisord', dir, conf);
  await waitForLog(second, new RegExp(`^INFO supervisord started with pid ${second.pid}$`));
  const lines = logLines(second.mainLog());
  const killed = lines.findIndex((l) => l.startsWith("WARN killed orphaned processes of 'tree' (process group"));
  assert.ok(killed >= 0, 'layer 2 logged what it ended');
  assert.match(lines[killed] ?? '', new RegExp(`pids (${first.child}, ${first.grandchild}|${first.grandchild}, ${first.child})\\) left by a previous daemon \\(pid ${first.d.pid}\\)`));
  await waitFor(() => !isAlive(first.child) && !isAlive(first.grandchild), { timeoutMs: 5_000, what: 'the orphans to be ended' });
  const prefix = pipeDirPrefix(first.d.pid);
  assert.ok(!readdirSync(dirname(prefix)).some((n) => join(dirname(prefix), n).startsWith(prefix)), 'the dead daemon\'s FIFO directory is removed');
  await waitFor(() => logLines(second.mainLog()).filter((l) => l.startsWith('INFO success: tree entered RUNNING')).length === 2, { what: 'second daemon running tree' });
  const spawned = logLines(second.mainLog()).findLastIndex((l) => l.startsWith("INFO spawned: 'tree'"));
  assert.ok(spawned > logLines(second.mainLog()).findIndex((l) => l.startsWith("WARN killed orphaned processes of 'tree'")), 'ended before the new spawn');
  assert.equal(await second.stop(), 0);
});

test('one guardian per daemon: it survives SIGHUP restarts and leaves quietly at an orderly shutdown', async (t) => {
  const dir = makeTmpDir(t);
  const conf = writeConf(dir, '[program:s]\ncommand=/bin/sleep 300\n');
  const d = startDaemon(t, 'fleetvisord', dir, conf);
  await waitForLog(d, /^INFO success: s entered RUNNING/);
  const guardian = await guardianOf(d.pid);
  assert.equal(readProcStat(guardian)?.pgrp, guardian, 'in its own process group');
  process.kill(d.pid, 'SIGHUP');
  await waitFor(() => logLines(d.mainLog()).filter((l) => l.startsWith('INFO success: s entered RUNNING')).length === 2, { timeoutMs: 15_000, what: 'restart' });
  assert.equal(await guardianOf(d.pid), guardian, 'the same guardian after the restart');
  assert.equal(await d.stop(), 0);
  await waitFor(() => !isAlive(guardian), { timeoutMs: 5_000, what: 'the guardian to leave with the daemon' });
  assert.ok(!logLines(d.mainLog()).some((l) => l.includes('orphan guardian')), 'no guardian warning');
  assert.ok(!existsSync(join(dir, 'daemon.pid.children')), 'ledger removed');
});

const asRootWithNobody = process.getuid?.() === 0 && readFileSync('/etc/passwd', 'utf8').split('\n').some((l) => l.startsWith('nobody:'))
  ? false : 'needs root and a user nobody';

test('[supervisord] user= drops the daemon\'s privileges, and its programs still start, as that user', { skip: asRootWithNobody }, async (t) => {
  // A daemon that changed uid is not dumpable, so the spawn helper cannot reopen its pipe ends
  // through /proc: spawns must fall back to node rather than fail with EACCES.
  const dir = makeTmpDir(t);
  chmodSync(dir, 0o777);
  const conf = writeConf(dir, '[program:s]\ncommand=/bin/sleep 300\nstartsecs=0\n[program:t]\ncommand=/bin/sh -c "id -u; exec sleep 300"\nstartsecs=0\n', 'user=nobody\n');
  const d = startDaemon(t, 'fleetvisord', dir, conf);
  await waitForLog(d, /^INFO success: s entered RUNNING/);
  await waitForLog(d, /^INFO success: t entered RUNNING/);
  const nobodyUid = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'))?.split(':')[2];
  const status = readFileSync(`/proc/${d.pid}/status`, 'utf8');
  assert.match(status, new RegExp(`^Uid:\\t${nobodyUid}\\t`, 'm'), 'the daemon runs as nobody');
  const out = readdirSync(dir).find((f) => /^t-stdout---/.test(f));
  assert.ok(out);
  await waitFor(() => readFileSync(join(dir, out), 'utf8') === `${nobodyUid}\n`, { what: 'the program ran as nobody' });
  assert.ok(!logLines(readFileSync(join(dir, 'main.log'), 'utf8')).some((l) => l.includes('spawnerr')), 'no spawn error');
});

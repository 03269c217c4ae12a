// fleetvisord in place of Debian's supervisor (agent/deploy/fleetvisord-debian.service): Debian's
// own /etc/supervisor/supervisord.conf, as the supervisor package installs it, run by fleetvisord
// the way the unit runs it, with a program in its conf.d, and Debian's supervisorctl talking to it
// on the config's socket. The file's absolute paths (socket, pidfile, log directory, conf.d) are
// moved into a temp dir: nothing else of it is changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon } from '../helpers/daemon.js';
import { repoRoot, SUPERVISORCTL } from '../helpers/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

const DEBIAN_CONF = '/etc/supervisor/supervisord.conf';
const skip = !existsSync(DEBIAN_CONF) || !existsSync(SUPERVISORCTL)
  ? `${DEBIAN_CONF} or ${SUPERVISORCTL} not found (apt-get install supervisor): Debian's config not tried` : false;

test('fleetvisord-debian.service\'s command runs Debian\'s supervisord.conf; Debian\'s supervisorctl talks to it', { skip }, async (t) => {
  const unit = readFileSync(join(repoRoot, 'agent/deploy/fleetvisord-debian.service'), 'utf8');
  const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1]?.split(/\s+/) ?? [];
  assert.deepEqual(execStart, ['fleetvisord', '-n', '-c', DEBIAN_CONF]);

  const dir = makeTmpDir(t, 'fv-debian-');
  mkdirSync(join(dir, 'log'));
  mkdirSync(join(dir, 'conf.d'));
  let text = readFileSync(DEBIAN_CONF, 'utf8');
  const moves: [string, string][] = [
    ['/var/run/supervisor.sock', join(dir, 'supervisor.sock')], ['/var/run/supervisord.pid', join(dir, 'supervisord.pid')],
    ['/var/log/supervisor', join(dir, 'log')], ['/etc/supervisor/conf.d', join(dir, 'conf.d')],
  ];
  for (const [from, to] of moves) {
    assert.ok(text.includes(from), `${DEBIAN_CONF} names ${from}`);
    text = text.split(from).join(to);
  }
  const conf = join(dir, 'supervisord.conf');
  writeFileSync(conf, text);
  writeFileSync(join(dir, 'conf.d', 'sleeper.conf'), '[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n');

  const d = startDaemon(t, 'fleetvisord', dir, conf, execStart.slice(1, -2));
  const ctl = (...args: string[]): { status: number | null; out: string } => {
    const r = spawnSync(SUPERVISORCTL, ['-c', conf, ...args], { cwd: dir, encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  let last = '';
  await waitFor(() => {
    if (d.proc.exitCode !== null) throw new Error(`fleetvisord exited ${d.proc.exitCode}:\n${d.stderr()}`);
    last = ctl('status').out;
    return /^sleeper\s+RUNNING\s+pid \d+/m.test(last);
  }, { timeoutMs: 20_000, everyMs: 200, what: `sleeper RUNNING in supervisorctl status` }).catch((err: Error) => {
    throw new Error(`${err.message}; last status:\n${last}\nfleetvisord:\n${d.stderr()}`);
  });
  assert.equal(ctl('version').out.trim(), '4.2.5');
  // Debian's logfile= and childlogdir= (the unit's LogsDirectory=supervisor).
  assert.match(readFileSync(join(dir, 'log', 'supervisord.log'), 'utf8'), /success: sleeper entered RUNNING/);
  assert.equal(readFileSync(join(dir, 'supervisord.pid'), 'utf8').trim(), String(d.pid));
  assert.deepEqual(ctl('shutdown'), { status: 0, out: 'Shut down\n' });
  assert.equal(await d.exited(), 0);
});

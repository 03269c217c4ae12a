// The logrotate snippets of the package, run by logrotate itself (Debian's logrotate package;
// .ci/run installs it) against a real fleetvisord (dist/agent/bin/fleetvisord.js) and a real
// fleetvisor-hub (dist/hub/main.js), each on a config in a temp dir. The snippets are used as
// shipped but for what only a server has: the log's path (a temp one), the owner of `create` and
// `su` (a system user), and the postrotate's `systemctl kill` (there is no systemd here: `kill`
// with the same signal to the daemon's pid, as --kill-who=main does).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logLines, startDaemon, waitForLog, writeConf } from '../helpers/daemon.js';
import { repoRoot } from '../helpers/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

const LOGROTATE = ['/usr/sbin/logrotate', '/sbin/logrotate'].find((p) => existsSync(p)) ?? null;
const skip = LOGROTATE === null ? 'logrotate not found in /usr/sbin (apt-get install logrotate): the snippets are not run' : false;

/** The snippet `rel` with its log path moved to `log` and the server-only parts replaced as described above. */
function snippet(rel: string, shippedPath: string, log: string, postrotate: string | null): string {
  let text = readFileSync(join(repoRoot, rel), 'utf8');
  assert.ok(text.includes(`${shippedPath} {`), `${rel} rotates ${shippedPath}`);
  text = text.replace(`${shippedPath} {`, `${log} {`)
    .replace(/^(\s*create \d+)( \S+ \S+)$/m, '$1')
    .replace(/^\s*su \S+ \S+\n/m, '');
  if (postrotate !== null) {
    const m = /^\s*postrotate\n(.*)\n\s*endscript$/m.exec(text);
    assert.ok(m !== null, `${rel} has a postrotate script`);
    text = text.replace(m[1] ?? '', `        ${postrotate}`);
  }
  return text;
}

/** Runs logrotate -f (the snippets rotate weekly) on `conf`, with its own state file. */
function logrotate(dir: string, conf: string): void {
  const r = spawnSync(LOGROTATE as string, ['-f', '-s', join(dir, 'logrotate.state'), conf], { encoding: 'utf8' });
  assert.equal(r.status, 0, `logrotate failed:\n${r.stdout}${r.stderr}`);
}

describe('logrotate snippets', { skip }, () => {
  it('fleetvisord.logrotate: the daemon gets SIGUSR2 and writes on in the new main log', async (t) => {
    const shipped = readFileSync(join(repoRoot, 'agent/deploy/fleetvisord.logrotate'), 'utf8');
    assert.match(shipped, /systemctl kill --kill-who=main --signal=SIGUSR2 fleetvisord\.service/);
    const dir = makeTmpDir(t, 'fv-logrotate-');
    const conf = writeConf(dir, '[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n', 'logfile_maxbytes=0');
    const d = startDaemon(t, 'fleetvisord', dir, conf);
    await waitForLog(d, /^INFO success: sleeper entered RUNNING/);

    const rotateConf = join(dir, 'fleetvisord.logrotate');
    writeFileSync(rotateConf, snippet('agent/deploy/fleetvisord.logrotate', '/var/log/fleetvisor/fleetvisord.log', join(dir, 'main.log'),
      `kill -USR2 ${d.pid}`), { mode: 0o644 });
    logrotate(dir, rotateConf);

    // The old file, kept uncompressed for one round (delaycompress), ends with the reopen, as under supervisord.
    const rotated = (): string[] => logLines(readFileSync(join(dir, 'main.log.1'), 'utf8'));
    await waitFor(() => rotated().includes('INFO supervisord logreopen'), { what: 'logreopen in main.log.1' });
    assert.ok(rotated().some((l) => l.startsWith('INFO success: sleeper entered RUNNING')));
    assert.deepEqual(rotated().slice(-2), ['INFO received SIGUSR2 indicating log reopen request', 'INFO supervisord logreopen']);

    // Then the daemon writes in the file logrotate created (stopping its program), not in the moved one.
    assert.equal(await d.stop(), 0);
    const fresh = logLines(d.mainLog());
    assert.ok(fresh.some((l) => /^(WARN|INFO) stopped: sleeper/.test(l)), `the new main.log:\n${fresh.join('\n')}`);
    assert.ok(!fresh.some((l) => l.includes('entered RUNNING')), 'nothing from before the rotation');
    assert.ok(!rotated().some((l) => /stopped: sleeper/.test(l)), 'nothing written to the rotated file after the reopen');

    // A second round compresses the first (.1 -> .2.gz); the daemon is gone, so the postrotate is told to do nothing.
    writeFileSync(rotateConf, snippet('agent/deploy/fleetvisord.logrotate', '/var/log/fleetvisor/fleetvisord.log', join(dir, 'main.log'), 'true'), { mode: 0o644 });
    logrotate(dir, rotateConf);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('main.log')).sort(), ['main.log', 'main.log.1', 'main.log.2.gz']);
  });

  it('fleetvisor-hub.logrotate: the activity file is left at once; SIGUSR2 does not end the hub', async (t) => {
    const dir = makeTmpDir(t, 'fv-logrotate-hub-');
    const activity = join(dir, 'activity.log');
    const conf = join(dir, 'cesi.conf');
    writeFileSync(conf, ['[cesi]', `database = ${join(dir, 'hub.db')}`, `activity_log = ${activity}`,
      'host = 127.0.0.1', 'port = 0', 'bcrypt_rounds = 4', ''].join('\n'));
    const hub = spawn(process.execPath, [join(repoRoot, 'dist/hub/main.js'), '-c', conf], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    hub.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    hub.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    const exited = new Promise<number | string>((resolve) => hub.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
    t.after(async () => {
      if (hub.exitCode === null && hub.signalCode === null && hub.pid !== undefined) {
        process.kill(hub.pid, 'SIGKILL');
        await exited;
      }
    });
    let url = '';
    await waitFor(() => {
      if (hub.exitCode !== null) throw new Error(`fleetvisor-hub exited ${hub.exitCode}:\n${out}`);
      url = / listening on (http:\/\/\S+) /.exec(out)?.[1] ?? '';
      return url !== '';
    }, { timeoutMs: 20_000, what: 'the hub to listen' });
    const login = async (password: string): Promise<number> => (await fetch(`${url}/api/v2/auth/login/`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }),
    })).status;

    assert.equal(await login('wrong-1'), 403);  // cesi's status for a wrong password
    await waitFor(() => existsSync(activity) && readFileSync(activity, 'utf8').includes('login.failed'), { what: 'the first line' });

    const rotateConf = join(dir, 'fleetvisor-hub.logrotate');
    writeFileSync(rotateConf, snippet('hub/deploy/fleetvisor-hub.logrotate', '/var/log/fleetvisor-hub/activity.log', activity, null), { mode: 0o644 });
    logrotate(dir, rotateConf);
    assert.match(readFileSync(`${activity}.1`, 'utf8'), / - admin \(127\.0\.0\.1\): login\.failed: refused$/m);
    assert.equal(readFileSync(activity, 'utf8'), '', 'logrotate created the new file');

    // Someone sends the agent's signal anyway: the hub says so and runs on.
    process.kill(hub.pid as number, 'SIGUSR2');
    await waitFor(() => out.includes('received SIGUSR2 (log reopen)'), { what: 'the hub to acknowledge SIGUSR2' });
    assert.equal(hub.exitCode, null);

    assert.equal(await login('admin'), 200);
    await waitFor(() => readFileSync(activity, 'utf8').includes('admin (127.0.0.1): login: ok'), { what: 'the next line in the new file' });
    assert.equal(readFileSync(`${activity}.1`, 'utf8').split('\n').filter((l) => l !== '').length, 1, 'the rotated file is left alone');

    process.kill(hub.pid as number, 'SIGTERM');
    assert.equal(await exited, 0);
  });
});

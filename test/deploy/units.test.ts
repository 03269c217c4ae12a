// The systemd units of the package, checked by `systemd-analyze verify` (Debian's systemd package
// provides it; .ci/run installs it). The units name their programs without a path (systemd finds
// them on its fixed search path, /usr/local/bin or /usr/bin, wherever npm's prefix put them), so
// verify run on the files as shipped may only complain that such a command is not installed here;
// run on a copy whose missing commands point at a stub, it must say nothing at all (verify exits 0
// even for unknown keys and bad values, so its output is what is checked).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';

const ANALYZE = '/usr/bin/systemd-analyze';
const UNITS = ['agent/deploy/fleetvisord.service', 'agent/deploy/fleetvisord-debian.service', 'hub/deploy/fleetvisor-hub.service'];
/** systemd's compiled-in search path for command names without a slash. */
const SEARCH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
/** The commands a unit may name that this machine need not have: ours, and procps' kill. */
const MAY_BE_MISSING = new Set(['fleetvisord', 'fleetvisor-hub', 'kill']);

const skip = existsSync(ANALYZE) ? false : `${ANALYZE} not found (apt-get install systemd): units not verified`;

function verify(file: string): { status: number | null; lines: string[] } {
  const r = spawnSync(ANALYZE, ['verify', file], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0', SYSTEMD_PAGER: 'cat' } });
  const lines = `${r.stdout}${r.stderr}`.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return { status: r.status, lines };
}

/** The unit with every command systemd would not find here replaced by `stub`; and their names. */
function withStubs(text: string, stub: string): { text: string; stubbed: Set<string> } {
  const stubbed = new Set<string>();
  const out = text.split('\n').map((line) => {
    const m = /^(Exec[A-Za-z]+=)([-@:+!]*)(\S+)(.*)$/.exec(line);
    if (m === null) return line;
    const [, key = '', prefix = '', cmd = '', rest = ''] = m;
    if (cmd.includes('/') || SEARCH.some((d) => existsSync(join(d, cmd)))) return line;
    stubbed.add(cmd);
    return `${key}${prefix}${stub}${rest}`;
  });
  return { text: out.join('\n'), stubbed };
}

describe('systemd units', { skip }, () => {
  for (const unit of UNITS) {
    it(`systemd-analyze verify accepts ${unit}`, (t) => {
      const file = join(repoRoot, unit);
      const asShipped = verify(file);
      for (const line of asShipped.lines) {
        const m = /: Command (\S+) is not executable: No such file or directory$/.exec(line);
        assert.ok(m !== null && MAY_BE_MISSING.has(m[1] ?? ''), `systemd-analyze verify ${unit}: ${line}`);
      }
      const dir = makeTmpDir(t, 'fv-units-');
      const stub = join(dir, 'stub');
      writeFileSync(stub, '#!/bin/sh\nexit 0\n');
      chmodSync(stub, 0o755);
      const { text, stubbed } = withStubs(readFileSync(file, 'utf8'), stub);
      for (const cmd of stubbed) assert.ok(MAY_BE_MISSING.has(cmd), `${unit} runs ${cmd}, which is not on systemd's search path here`);
      const copy = join(dir, basename(unit));
      writeFileSync(copy, text);
      const stubbedRun = verify(copy);
      assert.deepEqual(stubbedRun.lines, [], `systemd-analyze verify ${unit} (commands stubbed: ${[...stubbed].join(', ') || 'none'})`);
      assert.equal(stubbedRun.status, 0);
    });
  }
});

describe('hardening', { skip }, () => {
  // systemd's own scale (0 hardened .. 10 exposed), read from the file (--offline): the hub's
  // sandbox must not erode. The agent's is minimal on purpose (9.0: its programs inherit it, README).
  for (const [unit, most] of [['hub/deploy/fleetvisor-hub.service', 2.0]] as const) {
    it(`systemd-analyze security rates ${unit} ${most} or less`, (t) => {
      const r = spawnSync(ANALYZE, ['security', '--offline=true', join(repoRoot, unit)], {
        encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: 'cat' },
      });
      const level = /Overall exposure level for \S+: (\d+\.\d+)/.exec(r.stdout)?.[1];
      assert.ok(level !== undefined, `no exposure level in:\n${r.stdout}${r.stderr}`);
      t.diagnostic(`${unit}: exposure ${level}`);
      assert.ok(Number(level) <= most, `${unit}: exposure ${level}`);
    });
  }
});

describe('unit settings', () => {
  it('the stop settings leave the agent\'s own shutdown in charge; the hub runs as its own user', () => {
    const agent = readFileSync(join(repoRoot, 'agent/deploy/fleetvisord.service'), 'utf8');
    const debian = readFileSync(join(repoRoot, 'agent/deploy/fleetvisord-debian.service'), 'utf8');
    const hub = readFileSync(join(repoRoot, 'hub/deploy/fleetvisor-hub.service'), 'utf8');
    const setting = (text: string, key: string): string[] => [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1] ?? '');
    for (const text of [agent, debian]) {
      assert.deepEqual(setting(text, 'KillMode'), ['mixed']);
      assert.ok(Number(setting(text, 'TimeoutStopSec')[0]) >= 300);
      assert.deepEqual(setting(text, 'OOMPolicy'), ['continue']);
      assert.deepEqual(setting(text, 'User'), []);
    }
    // The programs' stop time fits in the unit's: every stopwaitsecs of the shipped configs (and
    // supervisord's default, 10) added up, as if each program were its own priority level.
    const stopTimes = ['agent/deploy/supervisord.conf', 'supervisord.conf.example']
      .flatMap((f) => [...readFileSync(join(repoRoot, f), 'utf8').matchAll(/^;?stopwaitsecs\s*=\s*(\d+)/gm)].map((m) => Number(m[1])));
    assert.ok(stopTimes.length >= 1, 'agent/deploy/supervisord.conf shows stopwaitsecs');
    const worst = stopTimes.reduce((a, b) => a + b, 10);
    for (const text of [agent, debian]) assert.ok(Number(setting(text, 'TimeoutStopSec')[0]) > worst, `TimeoutStopSec above ${worst} s`);
    for (const text of [agent, debian]) assert.deepEqual(setting(text, 'KillSignal'), ['SIGTERM']);
    assert.deepEqual(setting(agent, 'ExecStart'), ['fleetvisord -n -c /etc/supervisord.conf']);
    assert.deepEqual(setting(debian, 'ExecStart'), ['fleetvisord -n -c /etc/supervisor/supervisord.conf']);
    assert.deepEqual(setting(debian, 'Conflicts'), ['supervisor.service']);
    assert.deepEqual(setting(hub, 'User'), ['fleetvisor-hub']);
    assert.deepEqual(setting(hub, 'StateDirectory'), ['fleetvisor-hub']);
    assert.deepEqual(setting(hub, 'ExecStart'), ['fleetvisor-hub -c /etc/cesi.conf']);
    // The production cesi.conf keeps the database where the unit lets the hub write.
    const cesi = readFileSync(join(repoRoot, 'hub/deploy/cesi.conf'), 'utf8');
    assert.match(cesi, /^database = \/var\/lib\/fleetvisor-hub\//m);
    assert.match(cesi, /^activity_log = \/var\/log\/fleetvisor-hub\/activity\.log$/m);
  });
});

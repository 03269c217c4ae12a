// loadConfig over whole files: defaults, overrides, warnings, [include], diffGroups, findConfigFile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { ConfigError, diffGroups, findConfigFile, loadConfig } from '../../../agent/config/index.js';
import type { UserDb } from '../../../agent/config/users.js';
import { NO_EXTRAS } from '../../../agent/config/types.js';

const passwd: UserDb = { users: [{ name: 'root', uid: 0, gid: 0, home: '/root' }], groups: [{ name: 'root', gid: 0 }] };

function load(dir: string, body: string, extra: Parameters<typeof loadConfig>[1] = {}) {
  const file = join(dir, 'supervisord.conf');
  writeFileSync(file, body);
  return loadConfig(file, { env: { HOME: dir }, cwd: dir, hostname: 'box', passwd, ...extra });
}

test('[program:x] defaults are supervisord\'s', (t) => {
  const dir = makeTmpDir(t);
  const c = load(dir, '[supervisord]\n[program:web]\ncommand=/bin/cat\n');
  assert.equal(c.supervisord.logfile, join(dir, 'supervisord.log'));
  assert.equal(c.supervisord.pidfile, join(dir, 'supervisord.pid'));
  assert.equal(c.supervisord.umask, 0o22);
  assert.equal(c.supervisord.identifier, 'supervisor');
  const [g] = c.groups;
  assert.equal(g?.kind, 'program');
  assert.deepEqual(g?.processes[0], {
    name: 'web', program_name: 'web', process_num: 0, command: '/bin/cat', priority: 999, autostart: true, startsecs: 1,
    startretries: 3, autorestart: 'unexpected', exitcodes: [0], stopsignal: 15, stopwaitsecs: 10, stopasgroup: false,
    killasgroup: false, user: null, redirect_stderr: false,
    stdout: { logfile: null, auto: true, logfile_maxbytes: 52428800, logfile_backups: 10, capture_maxbytes: 0, events_enabled: false, syslog: false },
    stderr: { logfile: null, auto: true, logfile_maxbytes: 52428800, logfile_backups: 10, capture_maxbytes: 0, events_enabled: false, syslog: false },
    environment: null, directory: null, umask: null, serverurl: null, extra: NO_EXTRAS,
  });
  assert.ok(Object.isFrozen(g?.processes[0]?.stdout));
});

test('command-line overrides win, and their bad values use the flag in the message', (t) => {
  const dir = makeTmpDir(t);
  const c = load(dir, '[supervisord]\nloglevel=debug\nidentifier=a\n', { overrides: { loglevel: 'warn', nodaemon: true } });
  assert.equal(c.supervisord.loglevel, 'warn');
  assert.equal(c.supervisord.nodaemon, true);
  assert.throws(() => load(dir, '[supervisord]\n', { overrides: { umask: '8' } }),
    { message: "invalid value for -m '8': 8 can not be converted to an octal type" });
});

test('parse-time warnings and groups sorted by priority then name', (t) => {
  const dir = makeTmpDir(t);
  const c = load(dir, '[supervisord]\n[program:b]\ncommand=x\nstdout_logfile_maxbytes=0\nredirect_stderr=true\n'
    + `stderr_logfile=${dir}/e.log\n[program:a]\ncommand=x\n[eventlistener:l]\ncommand=x\nevents=tick_5\n`);
  assert.deepEqual(c.groups.map((g) => g.name), ['l', 'a', 'b']);
  assert.deepEqual(c.messages.map((m) => m.text), [
    'For [program:b], AUTO logging used for stdout_logfile without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally',
    'For [program:b], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored',
  ]);
  const b = c.groups[2]?.processes[0];
  assert.equal(b?.stderr.logfile, null);
  assert.equal(b?.stderr.auto, false);
});

test('[include] globs relative to the main file, sorted, with %(here)s of each file', (t) => {
  const dir = makeTmpDir(t);
  mkdirSync(join(dir, 'conf.d'));
  writeFileSync(join(dir, 'conf.d', 'b.conf'), '[program:b]\ncommand=%(here)s/run\n');
  writeFileSync(join(dir, 'conf.d', 'a.conf'), '[program:a]\ncommand=bad %(nope)s\n[program:a]\ncommand=ok\n');
  const c = load(dir, '[supervisord]\n[include]\nfiles=conf.d/*.conf missing/*.conf\n');
  assert.deepEqual(c.groups.map((g) => g.processes[0]?.command), ['ok', `${dir}/conf.d/run`]);
  assert.deepEqual(c.messages, [
    { level: 'warn', text: `No file matches via include "${dir}/missing/*.conf"` },
    { level: 'info', text: `Included extra file "${dir}/conf.d/a.conf" during parsing` },
    { level: 'info', text: `Included extra file "${dir}/conf.d/b.conf" during parsing` },
  ]);
});

test('errors in an included program name that file and carry a precise location', (t) => {
  const dir = makeTmpDir(t);
  writeFileSync(join(dir, 'x.ini'), '[program:x]\ncommand=c\nautorestart=maybe\n');
  try {
    load(dir, '[supervisord]\n[include]\nfiles=x.ini\n');
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, `invalid 'autorestart' value 'maybe' in section 'program:x' (file: '${dir}/x.ini')`);
    assert.equal(err.location(), `in ${dir}/x.ini line 3, [program:x] autorestart = 'maybe'`);
  }
});

test('diffGroups reports added, changed and removed names; AUTO logs compare equal', (t) => {
  const dir = makeTmpDir(t);
  const a = load(dir, '[supervisord]\n[program:same]\ncommand=x\n[program:chg]\ncommand=x\n[program:gone]\ncommand=x\n');
  const b = load(dir, `[supervisord]\n[program:same]\ncommand=x\nstdout_logfile=${dir}/o.log\n[program:chg]\ncommand=y\n[program:new]\ncommand=x\n`);
  assert.deepEqual(diffGroups(a.groups, b.groups), { added: ['new'], changed: ['chg'], removed: ['gone'] });
  assert.deepEqual(diffGroups(a.groups, a.groups), { added: [], changed: [], removed: [] });
});

test('findConfigFile searches supervisord\'s paths in order and reports them all', () => {
  const seen: string[] = [];
  const found = findConfigFile('/opt/fv/bin/fleetvisord', '/work', (p) => { seen.push(p); return p === '/work/etc/supervisord.conf'; });
  assert.equal(found, 'etc/supervisord.conf');
  assert.deepEqual(seen, ['/opt/fv/etc/supervisord.conf', '/opt/fv/supervisord.conf', '/work/supervisord.conf', '/work/etc/supervisord.conf']);
  assert.throws(() => findConfigFile('/usr/bin/fleetvisord', '/w', () => false), {
    message: 'No config file found at default paths (/usr/etc/supervisord.conf, /usr/supervisord.conf, supervisord.conf, '
      + 'etc/supervisord.conf, /etc/supervisord.conf, /etc/supervisor/supervisord.conf); use the -c option to specify a config file at a different path',
  });
});

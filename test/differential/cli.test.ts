// Differential: command-line and config errors. Both daemons must refuse with the same
// "Error: ..." text and exit status 2, starting nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../helpers/tmp.js';
import { daemonCommand, supervisordAvailable, writeConf, type DaemonKind } from '../helpers/daemon.js';

const skip = supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed';

function run(kind: DaemonKind, dir: string, args: string[]): { code: number | null; first: string } {
  const [cmd, base] = daemonCommand(kind, '/unused');
  const argv = kind === 'fleetvisord' ? [base[0] as string, ...args] : args;
  const r = spawnSync(cmd, argv, { cwd: dir, encoding: 'utf8', timeout: 15_000 });
  return { code: r.status, first: (r.stderr.split('\n')[0] ?? '') };
}

const ARG_CASES: [string, (dir: string, conf: string) => string[]][] = [
  ['unknown short option', (_d, c) => ['-c', c, '-x']],
  ['unknown long option', (_d, c) => ['-c', c, '--bogus']],
  ['repeated flag', (_d, c) => ['-c', c, '-n', '-n']],
  ['positional argument', (_d, c) => ['-c', c, 'foo']],
  ['bad umask', (_d, c) => ['-c', c, '-m', '8']],
  ['flag with a value', (_d, c) => ['-c', c, '--nodaemon=1']],
  ['bad minfds', (_d, c) => ['-c', c, '-a', 'abc']],
  ['bad loglevel', (_d, c) => ['-c', c, '-e', 'loud']],
  ['bad logfile_maxbytes', (_d, c) => ['-c', c, '-y', '1k']],
  ['missing value', (_d, c) => ['-c', c, '-j']],
  ['childlogdir missing', (_d, c) => ['-c', c, '-q', '/nonexistent/dir']],
  ['logfile dir missing', (_d, c) => ['-c', c, '-l', '/nonexistent/dir/x.log']],
  ['missing config file', (d) => ['-c', join(d, 'nope.conf')]],
];

const CONF_CASES: [string, string][] = [
  ['bad boolean', '[program:x]\ncommand=/bin/true\nautostart=maybe\n'],
  ['bad autorestart', '[program:x]\ncommand=/bin/true\nautorestart=sometimes\n'],
  ['bad signal', '[program:x]\ncommand=/bin/true\nstopsignal=FOO\n'],
  ['bad exit codes', '[program:x]\ncommand=/bin/true\nexitcodes=0,256\n'],
  ['no command', '[program:x]\nautostart=true\n'],
  ['numprocs without process_num', '[program:x]\ncommand=/bin/true\nnumprocs=2\n'],
  ['stopasgroup without killasgroup', '[program:x]\ncommand=/bin/true\nstopasgroup=true\nkillasgroup=false\n'],
  ['unknown expansion', '[program:x]\ncommand=ls %(foo)s\n'],
  ['group names unknown program', '[program:a]\ncommand=/bin/true\n[group:g]\nprograms=a,b\n'],
  ['parse error line', '[program:x]\ncommand=/bin/true\nthis is not a key\n'],
  ['bad priority', '[program:x]\ncommand=/bin/true\npriority=high\n'],
  ['inet port out of range', '[inet_http_server]\nport=127.0.0.1:99999\n'],
  ['eventlistener without events', '[eventlistener:e]\ncommand=/bin/cat\n'],
  ['bad byte size', '[program:x]\ncommand=/bin/true\nstdout_logfile_maxbytes=1k\n'],
  ['bad user', '[program:x]\ncommand=/bin/true\nuser=nosuchuser_fv\n'],
];

test('command-line errors: same message and exit status 2 as supervisord', { skip }, (t) => {
  for (const [label, args] of ARG_CASES) {
    const dirs = { fleetvisord: makeTmpDir(t), supervisord: makeTmpDir(t) };
    const results = (['fleetvisord', 'supervisord'] as const).map((kind) => {
      const conf = writeConf(dirs[kind], '[program:x]\ncommand=/bin/sleep 1\n');
      return run(kind, dirs[kind], args(dirs[kind], conf));
    });
    const [ours, theirs] = results as [ReturnType<typeof run>, ReturnType<typeof run>];
    const norm = (s: string, kind: DaemonKind) => s.split(dirs[kind]).join('<DIR>');
    assert.equal(ours.code, 2, `${label}: fleetvisord exit status`);
    assert.equal(theirs.code, 2, `${label}: supervisord exit status`);
    assert.equal(norm(ours.first, 'fleetvisord'), norm(theirs.first, 'supervisord'), label);
  }
});

test('config errors: same message and exit status 2 as supervisord, nothing started', { skip }, (t) => {
  for (const [label, body] of CONF_CASES) {
    const results = (['fleetvisord', 'supervisord'] as const).map((kind) => {
      const dir = makeTmpDir(t);
      const conf = writeConf(dir, body);
      const r = run(kind, dir, ['-c', conf]);
      return { ...r, first: r.first.split(dir).join('<DIR>'), dir };
    });
    const [ours, theirs] = results as [(typeof results)[0], (typeof results)[0]];
    assert.equal(ours.code, 2, `${label}: fleetvisord exit status`);
    assert.equal(theirs.code, 2, `${label}: supervisord exit status`);
    assert.equal(ours.first, theirs.first, label);
    assert.ok(!existsSync(join(ours.dir, 'daemon.pid')), `${label}: no pidfile written`);
  }
});

test('fleetvisord adds the precise location of a config error', (t) => {
  const dir = makeTmpDir(t);
  const conf = writeConf(dir, '[program:web]\ncommand=/bin/true\nautorestart=maybe\n');
  writeFileSync(join(dir, 'unused'), '');
  const r = spawnSync(process.execPath, [daemonCommand('fleetvisord', conf)[1][0] as string, '-c', conf], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^Error: invalid 'autorestart' value 'maybe' in section 'program:web'/);
  assert.match(r.stderr, /supervisord\.conf/);
  assert.match(r.stderr, /autorestart/);
  assert.match(r.stderr, /For help, use .* -h/);
});

// Compares loadConfig with the real supervisord 4.2.5: bad configs must produce the identical
// "Error: ..." text, and good configs the same parsed program settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PYTHON } from '../../helpers/paths.js';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { loadConfig, ConfigError } from '../../../agent/config/index.js';

const SUPERVISORD = '/usr/bin/supervisord';
const available = existsSync(SUPERVISORD);
const skip = available ? false : `${SUPERVISORD} is not installed`;

interface HasAfter { after(fn: () => void | Promise<void>): void }

function envFor(dir: string): Record<string, string> {
  return { PATH: '/usr/bin:/bin', HOME: dir, LC_ALL: 'C.UTF-8' };
}

function head(dir: string): string {
  return `[supervisord]\nlogfile=${dir}/sd.log\npidfile=${dir}/sd.pid\nchildlogdir=${dir}\nnodaemon=true\n`;
}

/** Runs the real supervisord on a config; resolves with its exit code and stderr. */
function runReal(t: HasAfter, dir: string, conf: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(SUPERVISORD, ['-n', '-c', conf], { cwd: dir, env: envFor(dir), detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
  return new Promise((resolve) => {
    const timer = setTimeout(() => { if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL'); }, 15000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stderr }); });
  });
}

function realMessage(stderr: string): string {
  const start = stderr.indexOf('Error: ');
  const end = stderr.indexOf('\nFor help, use');
  assert.ok(start >= 0 && end > start, `unexpected supervisord stderr: ${stderr}`);
  return stderr.slice(start + 'Error: '.length, end);
}

/** Each case is the text after [supervisord] (use D for the temp dir). */
const BAD: readonly [string, string][] = [
  ['autorestart', '[program:a]\ncommand=/bin/cat\nautorestart=Sometimes\n'],
  ['startsecs', '[program:a]\ncommand=/bin/cat\nstartsecs=abc\n'],
  ['stopsignal name', '[program:a]\ncommand=/bin/cat\nstopsignal=FOO\n'],
  ['stopsignal number', '[program:a]\ncommand=/bin/cat\nstopsignal=99\n'],
  ['exitcodes range', '[program:a]\ncommand=/bin/cat\nexitcodes=0,256\n'],
  ['exitcodes text', '[program:a]\ncommand=/bin/cat\nexitcodes=abc\n'],
  ['program umask', '[program:a]\ncommand=/bin/cat\numask=999\n'],
  ['no command', '[program:a]\nautostart=true\n'],
  ['numprocs', '[program:a]\ncommand=/bin/cat\nnumprocs=2\n'],
  ['stopasgroup', '[program:a]\ncommand=/bin/cat\nstopasgroup=true\nkillasgroup=false\n'],
  ['program user', '[program:a]\ncommand=/bin/cat\nuser=nosuchuser_fv\n'],
  ['unknown name', '[program:a]\ncommand=ls %(foo)s\n'],
  ['incomplete key', '[program:a]\ncommand=ls %(here\n'],
  ['unsupported char', '[program:a]\ncommand=ls %(here)"x\n'],
  ['real number', '[program:a]\ncommand=ls %(here)d\n'],
  ['env pairs', '[program:a]\ncommand=/bin/cat\nenvironment=A=1,B\n'],
  ['env quote', '[program:a]\ncommand=/bin/cat\nenvironment=A="x\n'],
  ['double expansion env', 'environment=A="100%%"\n'],
  ['double expansion log', '[program:a]\ncommand=/bin/cat\nstdout_logfile=D/a%%b.log\n'],
  ['logfile dir', '[program:a]\ncommand=/bin/cat\nstdout_logfile=/nonexist_fv/x.log\n'],
  ['byte size', '[program:a]\ncommand=/bin/cat\nstdout_logfile_maxbytes=10XB\n'],
  ['process_name char', '[program:a]\ncommand=/bin/cat\nprocess_name=a:b\n'],
  ['program name char', '[program:a b]\ncommand=/bin/cat\n'],
  ['priority no suffix', '[program:a]\ncommand=/bin/cat\npriority=high\n'],
  ['group previous member', '[program:a]\ncommand=/bin/cat\n[group:g]\nprograms=a,b\n'],
  ['group unknown', '[group:g]\nprograms=zz\n'],
  ['listener no events', '[eventlistener:e]\ncommand=/bin/cat\n'],
  ['listener bad event', '[eventlistener:e]\ncommand=/bin/cat\nevents=FOO\n'],
  ['listener buffer', '[eventlistener:e]\ncommand=/bin/cat\nevents=TICK_5\nbuffer_size=0\n'],
  ['listener redirect', '[eventlistener:e]\ncommand=/bin/cat\nevents=TICK_5\nredirect_stderr=true\n'],
  ['listener handler', '[eventlistener:e]\ncommand=/bin/cat\nevents=TICK_5\nresult_handler=supervisor.nope:x\n'],
  ['fcgi no socket', '[fcgi-program:f]\ncommand=/bin/cat\n'],
  ['fcgi bad socket', '[fcgi-program:f]\ncommand=/bin/cat\nsocket=foo\n'],
  ['fcgi relative', '[fcgi-program:f]\ncommand=/bin/cat\nsocket=unix://rel/path\n'],
  ['fcgi mode tcp', '[fcgi-program:f]\ncommand=/bin/cat\nsocket=tcp://localhost:9\nsocket_mode=0777\n'],
  ['fcgi backlog', '[fcgi-program:f]\ncommand=/bin/cat\nsocket=tcp://localhost:9\nsocket_backlog=0\n'],
  ['inet port text', '[inet_http_server]\nport=abc\n'],
  ['inet bare range', '[inet_http_server]\nport=99999\n'],
  ['inet lower bound', '[inet_http_server]\nport=x:0\n'],
  ['inet no port', '[inet_http_server]\nport=x:\n'],
  ['inet missing', '[inet_http_server]\nusername=u\npassword=p\n'],
  ['inet auth', '[inet_http_server]\nport=9001\nusername=u\n'],
  ['unix no file', '[unix_http_server]\nchmod=0700\n'],
  ['unix chmod', '[unix_http_server]\nfile=D/s.sock\nchmod=999\n'],
  ['unix chown', '[unix_http_server]\nfile=D/s.sock\nchown=nosuchuser_fv\n'],
  ['rpcinterface', '[rpcinterface:x]\nfoo=bar\n'],
  ['loglevel', 'loglevel=loud\n'],
  ['logfile_maxbytes', 'logfile_maxbytes=1k\n'],
  ['nodaemon', 'nodaemon=maybe\n'],
  ['directory', 'directory=/nonexist_fv\n'],
  ['minfds', 'minfds=1_0x\n'],
  ['supervisord user', 'user=nosuchuser_fv\n'],
  ['include no files', '[include]\nfoo=bar\n'],
  ['parse error', 'garbage line\n'],
  ['env format in supervisord', 'identifier=%(host_node_name)s\n'],
];

test('supervisord and loadConfig agree on bad configs', { skip, concurrency: 8 }, async (top) => {
  await Promise.all(BAD.map(([name, body]) => top.test(name, async (t) => {
    const dir = makeTmpDir(t);
    const conf = join(dir, 'supervisord.conf');
    writeFileSync(conf, head(dir) + body.replaceAll('D/', `${dir}/`));
    const real = await runReal(t, dir, conf);
    assert.equal(real.code, 2, `supervisord did not reject the config: ${real.stderr}`);
    const expected = realMessage(real.stderr);
    assert.throws(() => loadConfig(conf, { env: envFor(dir), cwd: dir }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, expected);
      return true;
    });
  })));
});

test('supervisord and loadConfig agree without a [supervisord] section and before headers', { skip }, async (t) => {
  const dir = makeTmpDir(t);
  for (const text of ['[program:a]\ncommand=/bin/cat\n', 'a=b\n[supervisord]\n']) {
    const conf = join(dir, 'x.conf');
    writeFileSync(conf, text);
    const expected = realMessage((await runReal(t, dir, conf)).stderr);
    assert.throws(() => loadConfig(conf, { env: envFor(dir), cwd: dir }), { message: expected });
  }
});

const DUMP = `
import sys, json
sys.path.insert(0, '/usr/lib/python3/dist-packages')
from supervisor.options import ServerOptions
from supervisor.datatypes import Automatic, RestartUnconditionally, RestartWhenExitUnexpected
o = ServerOptions()
o.realize(args=['-c', sys.argv[1]])
def ar(v):
    return True if v is RestartUnconditionally else 'unexpected' if v is RestartWhenExitUnexpected else False
def lf(v):
    return 'AUTO' if v is Automatic else v
out = []
for g in o.process_group_configs:
    out.append({'name': g.name, 'priority': g.priority, 'processes': [
        {'name': p.name, 'command': p.command, 'priority': p.priority, 'autorestart': ar(p.autorestart),
         'stopsignal': int(p.stopsignal), 'exitcodes': p.exitcodes, 'environment': p.environment,
         'stdout_logfile': lf(p.stdout_logfile), 'stderr_logfile': lf(p.stderr_logfile),
         'directory': p.directory, 'killasgroup': p.killasgroup, 'startsecs': p.startsecs}
        for p in g.process_configs]})
print(json.dumps(out))
`;

const GOOD: readonly string[] = [
  '[program:cat]\ncommand=/bin/cat %(program_name)s\n  --flag ; comment\nautorestart=true\nstopsignal=hup\nexitcodes=0, 2\n',
  '[DEFAULT]\nstartsecs=7\n[program:multi]\nprocess_name=%(program_name)s_%(process_num)02d\nnumprocs=3\nnumprocs_start=8\n'
    + 'command=echo %(process_num)d %(ENV_HOME)s\nenvironment=A="x, y",B=%(process_num)s,C=a b\nstdout_logfile=D/%(process_num)s.log\n',
  'environment=G=1,A=global\n[program:e]\nCOMMAND: /bin/true %(ENV_G)s;x\nenvironment=A=mine\npriority=5\nredirect_stderr=true\n'
    + 'stderr_logfile=D/err.log\nstopasgroup=true\n[group:grp]\nprograms=e,f\npriority=3\n[program:f]\ncommand=/bin/false\n',
  '[eventlistener:pool]\ncommand=/bin/cat\nevents=tick_5,PROCESS_STATE\n[program:z]\ncommand=/bin/cat\nstdout_logfile=NONE\n'
    + 'directory=%(here)s\nstderr_logfile=syslog\n',
];

test('parsed programs match supervisord\'s own parse of good configs', { skip }, (t) => {
  const dir = makeTmpDir(t);
  GOOD.forEach((body, i) => {
    const conf = join(dir, `good${i}.conf`);
    writeFileSync(conf, head(dir) + body.replaceAll('D/', `${dir}/`));
    const py = spawnSync(PYTHON, ['-c', DUMP, conf], { cwd: dir, env: envFor(dir), encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const loaded = loadConfig(conf, { env: envFor(dir), cwd: dir });
    const ours = loaded.groups.map((g) => ({ name: g.name, priority: g.priority, processes: g.processes.map((p) => ({
      name: p.name, command: p.command, priority: p.priority, autorestart: p.autorestart, stopsignal: p.stopsignal,
      exitcodes: p.exitcodes, environment: { ...(loaded.supervisord.environment ?? {}), ...(p.environment ?? {}) },
      stdout_logfile: p.stdout.auto ? 'AUTO' : p.stdout.logfile, stderr_logfile: p.stderr.auto ? 'AUTO' : p.stderr.logfile,
      directory: p.directory, killasgroup: p.killasgroup, startsecs: p.startsecs })) }));
    assert.deepEqual(ours, JSON.parse(py.stdout), `config ${i}`);
  });
});

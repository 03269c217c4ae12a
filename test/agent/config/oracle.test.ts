// Compares loadConfig with the real supervisord 4.2.5, with the config named relative to the
// working directory as users usually give it: bad configs must produce the identical "Error: ..."
// text, and good configs every setting supervisord's own objects hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PYTHON } from '../../helpers/paths.js';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { loadConfig, ConfigError } from '../../../agent/config/index.js';
import type { LoadedConfig, LogChannelConfig } from '../../../agent/config/types.js';

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

/** Runs the real supervisord on a config (relative to dir); resolves with its exit code and stderr. */
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

/** Bytes of a config written as latin1, so '\xff' in a case stands for the byte 0xff. */
function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

type Body = string | Buffer;
/** A case: the text after [supervisord] (D stands for the temp dir), and other files to write. */
type Case = readonly [name: string, body: Body, extra?: Readonly<Record<string, Body>>];

const BAD: readonly Case[] = [
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
  ['star width', '[program:a]\ncommand=ls %*d\n'],
  ['star after key', '[program:a]\ncommand=ls %(process_num)*d\n'],
  ['env pairs', '[program:a]\ncommand=/bin/cat\nenvironment=A=1,B\n'],
  ['env quote', '[program:a]\ncommand=/bin/cat\nenvironment=A="x\n'],
  ['double expansion env', 'environment=A="100%%"\n'],
  ['double expansion log', '[program:a]\ncommand=/bin/cat\nstdout_logfile=D/a%%b.log\n'],
  ['logfile dir', '[program:a]\ncommand=/bin/cat\nstdout_logfile=/nonexist_fv/x.log\n'],
  ['logfile trailing slash', '[program:a]\ncommand=/bin/cat\nstdout_logfile=/nonexist_fv/\n'],
  ['supervisord logfile trailing slash', 'logfile=/nonexist_fv/\n'],
  ['byte size', '[program:a]\ncommand=/bin/cat\nstdout_logfile_maxbytes=10XB\n'],
  ['inline comment kept', '[program:a]\ncommand=/bin/cat\nstartsecs=5#x #y ;z\n'],
  ['process_name char', '[program:a]\ncommand=/bin/cat\nprocess_name=a:b\n'],
  ['program name char', '[program:a b]\ncommand=/bin/cat\n'],
  ['priority no suffix', '[program:a]\ncommand=/bin/cat\npriority=high\n'],
  ['group previous member', '[program:a]\ncommand=/bin/cat\n[group:g]\nprograms=a,b\n'],
  ['group unknown', '[group:g]\nprograms=zz\n'],
  ['group priority', '[group:g]\npriority=x\n'],
  ['listener no events', '[eventlistener:e]\ncommand=/bin/cat\n'],
  ['listener bad event', '[eventlistener:e]\ncommand=/bin/cat\nevents=FOO\n'],
  ['listener buffer', '[eventlistener:e]\ncommand=/bin/cat\nevents=TICK_5\nbuffer_size=0\n'],
  ['listener redirect', '[eventlistener:e]\ncommand=/bin/cat\nevents=TICK_5\nredirect_stderr=true\n'],
  ['listener handler', '[eventlistener:e]\ncommand=/bin/cat\nevents=TICK_5\nresult_handler=supervisor.nope:x\n'],
  ['listener process option', '[eventlistener:e]\ncommand=/bin/cat\nevents=TICK_5\nstartretries=x\n'],
  ['fcgi no socket', '[fcgi-program:f]\ncommand=/bin/cat\n'],
  ['fcgi bad socket', '[fcgi-program:f]\ncommand=/bin/cat\nsocket=foo\n'],
  ['fcgi relative', '[fcgi-program:f]\ncommand=/bin/cat\nsocket=unix://rel/path\n'],
  ['fcgi mode tcp', '[fcgi-program:f]\ncommand=/bin/cat\nsocket=tcp://localhost:9\nsocket_mode=0777\n'],
  ['fcgi backlog', '[fcgi-program:f]\ncommand=/bin/cat\nsocket=tcp://localhost:9\nsocket_backlog=0\n'],
  ['fcgi process option', '[fcgi-program:f]\ncommand=/bin/cat\nsocket=tcp://localhost:9\nstopwaitsecs=x\n'],
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
  ['invalid start byte', bytes('[program:a]\ncommand=/bin/cat \xff\n')],
  ['invalid continuation byte', bytes('[program:a]\ncommand=/bin/cat \xe2\x28\n')],
  ['unexpected end of data', bytes('[program:a]\ncommand=/bin/cat \xe2\x82')],
  ['decode error in the second chunk', bytes(`[program:a]\ncommand=/bin/cat\n${'#'.repeat(8200)}\n\xc3(\n`)],
  ['included program', '[include]\nfiles=conf.d/*.ini\n', { 'conf.d/a.ini': '[program:i]\ncommand=/bin/cat\nstartsecs=x\n' }],
  ['included parse error', '[include]\nfiles=conf.d/*.ini\n', { 'conf.d/a.ini': '[program:i]\ngarbage\n' }],
  ['included without header', '[include]\nfiles=conf.d/*.ini\n', { 'conf.d/a.ini': 'x=1\n' }],
  ['included bad utf-8', '[include]\nfiles=conf.d/*.ini\n', { 'conf.d/a.ini': bytes('[program:i]\ncommand=\xff\n') }],
];

/** Writes head + body (or the body alone when `bare`) and the extra files into dir. */
function writeCase(dir: string, body: Body, extra: Readonly<Record<string, Body>> = {}, bare = false): string {
  const subst = (b: Body): Body => typeof b === 'string' ? b.replaceAll('D/', `${dir}/`) : b;
  const main = subst(body);
  writeFileSync(join(dir, 'supervisord.conf'), bare ? main : typeof main === 'string' ? head(dir) + main : Buffer.concat([Buffer.from(head(dir)), main]));
  for (const [name, text] of Object.entries(extra)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), subst(text));
  }
  return 'supervisord.conf';
}

async function expectSameError(t: HasAfter, dir: string, conf: string): Promise<void> {
  const real = await runReal(t, dir, conf);
  assert.equal(real.code, 2, `supervisord did not reject the config: ${real.stderr}`);
  const expected = realMessage(real.stderr);
  assert.throws(() => loadConfig(conf, { env: envFor(dir), cwd: dir }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, expected);
    return true;
  });
}

test('supervisord and loadConfig agree on bad configs (-c relative to the working directory)', { skip, concurrency: 8 }, async (top) => {
  await Promise.all(BAD.map(([name, body, extra]) => top.test(name, async (t) => {
    const dir = makeTmpDir(t);
    await expectSameError(t, dir, writeCase(dir, body, extra));
  })));
});

test('supervisord and loadConfig agree without a [supervisord] section, before headers and with a BOM', { skip }, async (t) => {
  for (const text of ['[program:a]\ncommand=/bin/cat\n', 'a=b\n[supervisord]\n', '\ufeff[supervisord]\n']) {
    const dir = makeTmpDir(t);
    await expectSameError(t, dir, writeCase(dir, text, {}, true));
  }
});

test('messages show the -c path as given: ./x, sub/../x, a directory, a missing file', { skip }, async (t) => {
  const dir = makeTmpDir(t);
  mkdirSync(join(dir, 'sub'));
  mkdirSync(join(dir, 'adir'));
  writeCase(dir, '[program:a]\ncommand=/bin/cat\nstartsecs=x\n');
  for (const conf of ['./supervisord.conf', 'sub/../supervisord.conf', 'adir', 'nope.conf']) await expectSameError(t, dir, conf);
});

const LEVELS: Record<string, number> = { critical: 50, error: 40, warn: 30, info: 20, debug: 10, trace: 5, blather: 3 };

// Every attribute supervisord's config objects have, by introspection, normalised to JSON.
const DUMP = `
import sys, json, socket
from supervisor.options import ServerOptions, ProcessConfig
from supervisor.datatypes import Automatic, RestartUnconditionally, RestartWhenExitUnexpected
from supervisor.events import getEventNameByType
o = ServerOptions()
o.realize(args=['-c', sys.argv[1]])
def norm(v):
    if v is Automatic: return 'AUTO'
    if v is RestartUnconditionally: return True
    if v is RestartWhenExitUnexpected: return 'unexpected'
    if isinstance(v, bool) or v is None or isinstance(v, str): return v
    if isinstance(v, int): return int(v)
    if isinstance(v, (tuple, list)): return [norm(x) for x in v]
    if isinstance(v, dict): return {k: norm(x) for k, x in v.items()}
    raise TypeError(repr(v))
def proc(p):
    d = {k: norm(getattr(p, k)) for k in p.req_param_names + p.optional_param_names}
    d['class'] = type(p).__name__
    return d
def group(g):
    d = {'class': type(g).__name__, 'name': g.name, 'priority': g.priority, 'processes': [proc(p) for p in g.process_configs]}
    if hasattr(g, 'pool_events'):
        d.update(buffer_size=g.buffer_size, events=sorted(getEventNameByType(e) for e in g.pool_events),
                 result_handler=g.result_handler.__module__ + ':' + g.result_handler.__name__)
    if hasattr(g, 'socket_config'):
        c = g.socket_config
        d.update(socket=c.url, backlog=c.backlog, mode=getattr(c, 'mode', None), owner=norm(getattr(c, 'owner', None)))
    return d
def server(c):
    d = {k: norm(v) for k, v in c.items() if k != 'family'}
    d['family'] = 'unix' if c['family'] == socket.AF_UNIX else 'inet'
    return d
names = ['logfile', 'logfile_maxbytes', 'logfile_backups', 'loglevel', 'pidfile', 'umask', 'nodaemon', 'silent', 'minfds',
         'minprocs', 'nocleanup', 'childlogdir', 'directory', 'strip_ansi', 'identifier']
sup = {k: norm(getattr(o, k)) for k in names}
for k in ['nodaemon', 'silent', 'nocleanup', 'strip_ansi']: sup[k] = bool(sup[k])
sup['uid'] = o.uid if o.user is not None else None
sup['environment'] = o.configroot.supervisord.environment
print(json.dumps({'supervisord': sup, 'groups': [group(g) for g in o.process_group_configs],
                  'servers': [server(c) for c in o.server_configs]}))
`;

const GROUP_CLASS = { program: 'ProcessGroupConfig', group: 'ProcessGroupConfig', eventlistener: 'EventListenerPoolConfig',
  'fcgi-program': 'FastCGIGroupConfig' } as const;
const PROCESS_CLASS = { program: 'ProcessConfig', group: 'ProcessConfig', eventlistener: 'EventListenerConfig',
  'fcgi-program': 'FastCGIProcessConfig' } as const;

function channel(ch: 'stdout' | 'stderr', c: LogChannelConfig): Record<string, unknown> {
  return { [`${ch}_logfile`]: c.auto ? 'AUTO' : c.logfile, [`${ch}_capture_maxbytes`]: c.capture_maxbytes,
    [`${ch}_events_enabled`]: c.events_enabled, [`${ch}_syslog`]: c.syslog, [`${ch}_logfile_backups`]: c.logfile_backups,
    [`${ch}_logfile_maxbytes`]: c.logfile_maxbytes };
}

/** Our LoadedConfig in the dump's shape: supervisord's attribute names and value conventions. */
function dumpOurs(c: LoadedConfig): unknown {
  const s = c.supervisord;
  const supervisord = { logfile: s.logfile, logfile_maxbytes: s.logfile_maxbytes, logfile_backups: s.logfile_backups,
    loglevel: LEVELS[s.loglevel], pidfile: s.pidfile, umask: s.umask, nodaemon: s.nodaemon, silent: s.silent, minfds: s.minfds,
    minprocs: s.minprocs, nocleanup: s.nocleanup, childlogdir: s.childlogdir, directory: s.directory, strip_ansi: s.strip_ansi,
    identifier: s.identifier, uid: s.user?.uid ?? null, environment: s.environment ?? {} };
  const groups = c.groups.map((g) => {
    const processes = g.processes.map((p) => ({ name: p.name, uid: p.user?.uid ?? null, command: p.command,
      directory: p.directory, umask: p.umask, priority: p.priority, autostart: p.autostart, autorestart: p.autorestart,
      startsecs: p.startsecs, startretries: p.startretries, ...channel('stdout', p.stdout), ...channel('stderr', p.stderr),
      stopsignal: p.stopsignal, stopwaitsecs: p.stopwaitsecs, stopasgroup: p.stopasgroup, killasgroup: p.killasgroup,
      exitcodes: p.exitcodes, redirect_stderr: p.redirect_stderr,
      environment: { ...(s.environment ?? {}), ...(p.environment ?? {}) }, serverurl: p.serverurl, class: PROCESS_CLASS[g.kind] }));
    const out: Record<string, unknown> = { class: GROUP_CLASS[g.kind], name: g.name, priority: g.priority, processes };
    if (g.kind === 'eventlistener') {
      Object.assign(out, { buffer_size: g.buffer_size, events: [...g.events].sort(), result_handler: g.result_handler.replace(/\s+/g, '') });
    }
    if (g.kind === 'fcgi-program') {
      Object.assign(out, { socket: g.socket, backlog: g.socket_backlog, mode: g.socket_mode,
        owner: g.socket_owner && [g.socket_owner.uid, g.socket_owner.gid] });
    }
    return out;
  });
  const servers = c.httpServers.map((h) => {
    const name = h.section.includes(':') ? h.section.slice(h.section.indexOf(':') + 1) : null;
    if (h.kind === 'inet') return { username: h.username, password: h.password, name, host: h.host, port: h.port, section: h.section, family: 'inet' };
    return { name, file: h.file, username: h.username, password: h.password, chown: h.chown ? [h.chown.uid, h.chown.gid] : [-1, -1],
      chmod: h.chmod, section: h.section, family: 'unix' };
  });
  return { supervisord, groups, servers };
}

const GOOD: readonly Case[] = [
  ['programs', '[program:cat]\ncommand=/bin/cat %(program_name)s\n  --flag ; comment\nautorestart=true\nstopsignal=hup\nexitcodes=0, 2\n'
    + 'startretries=\u0665\nstopwaitsecs=3\nstopasgroup=true\numask=027\nuser=root\ndirectory=/tmp\nserverurl=http://x:1\n'
    + 'stdout_capture_maxbytes=1KB\nstdout_events_enabled=true\nstderr_syslog=true\nstdout_logfile_backups=2\n'
    + 'stderr_logfile_maxbytes=0\npriority=-5\nautostart=no\n'
    + '[program:comments]\ncommand=/bin/echo b#c #d ;e\nstopsignal=_DFL\nstartsecs=0\nautorestart=unexpected\n'],
  ['numprocs and environment', '[DEFAULT]\nstartsecs=7\n[program:multi]\nprocess_name=%(program_name)s_%(process_num)02d\nnumprocs=3\nnumprocs_start=8\n'
    + 'command=echo %(process_num)d %(ENV_HOME)s\nenvironment=A="x, y",B=%(process_num)s,C=a b\nstdout_logfile=D/%(process_num)s.log\n'],
  ['group and [supervisord] options', 'environment=G=1,A=global\numask=002\nminfds=100\nminprocs=50\nnocleanup=true\nstrip_ansi=true\n'
    + 'identifier=box\nloglevel=BLATHER\nsilent=true\ndirectory=D/\nlogfile_maxbytes=1MB\nlogfile_backups=3\nuser=0\n'
    + '[program:e]\nCOMMAND: /bin/true %(ENV_G)s;x\nenvironment=A=mine\npriority=5\nredirect_stderr=true\n'
    + 'stderr_logfile=D/err.log\nstopasgroup=true\n[group:grp]\nprograms=e,f,s\npriority=3\n[program:f]\ncommand=/bin/false\n'
    + '[fcgi-program:s]\ncommand=/bin/cat\nsocket=tcp://localhost:9000\n'],
  ['relative log and pid files', 'logfile=rel.log\npidfile=./run/../rel.pid\n[program:r]\ncommand=/bin/cat\nstdout_logfile=out.log\n',
    { 'run/keep': '' }],
  ['listeners and fcgi', '[eventlistener:pool]\ncommand=/bin/cat\nevents=tick_5,PROCESS_STATE\nbuffer_size=3\nnumprocs=2\n'
    + 'process_name=%(program_name)s%(process_num)d\n[program:z]\ncommand=/bin/cat\nstdout_logfile=NONE\n'
    + 'directory=%(here)s\nstderr_logfile=syslog\n'
    + '[fcgi-program:u]\ncommand=/bin/cat\nsocket=unix://D/run/../u.sock\nsocket_owner=root:root\nsocket_mode=0660\nsocket_backlog=7\n'
    + '[fcgi-program:t]\ncommand=/bin/cat\nsocket=tcp://LocalHost:9001\nuser=root\n'],
  ['servers', '[inet_http_server]\nport=127.0.0.1:9001\nusername=u\npassword={SHA}abc\n[inet_http_server:two]\nport=*:9002\n'
    + '[unix_http_server]\nfile=%(here)s/s.sock\nchmod=0770\nchown=root:root\n[unix_http_server:rel]\nfile=rel.sock\n'],
  ['include', '[include]\nfiles=conf.d/*.ini\n', { 'conf.d/a.ini': '[program:inc]\ncommand=%(here)s/run\n[group:g2]\nprograms=inc\n' }],
];

test('good configs: every setting supervisord holds for programs, groups, listeners, fcgi, servers and [supervisord]', { skip }, (t) => {
  for (const [name, body, extra] of GOOD) {
    const dir = makeTmpDir(t);
    const conf = writeCase(dir, body, extra);
    const py = spawnSync(PYTHON, ['-c', DUMP, conf], { cwd: dir, env: envFor(dir), encoding: 'utf8' });
    assert.equal(py.status, 0, `${name}: ${py.stderr}`);
    const loaded = loadConfig(conf, { env: envFor(dir), cwd: dir });
    assert.deepEqual(dumpOurs(loaded), JSON.parse(py.stdout), name);
  }
});

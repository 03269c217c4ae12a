// Differential: command-line and config errors. Both daemons are started the way users start
// them (-c relative to the working directory) and must refuse with the same whole stderr and
// exit status 2, starting nothing. fleetvisord adds exactly one documented line after
// supervisord's text, "  (in <file> line <n>, [<section>] <key> = '<value>')": it is cut out
// before comparing and checked on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../helpers/tmp.js';
import { daemonCommand, supervisordAvailable, writeConf, type DaemonKind } from '../helpers/daemon.js';

const skip = supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed';
const KINDS = ['fleetvisord', 'supervisord'] as const;

interface Run { readonly code: number | null; readonly stderr: string }

/** Runs a daemon in `dir` with `args`; killed after 15 s (a config it accepts would keep running). */
function run(kind: DaemonKind, dir: string, args: readonly string[]): Promise<Run> {
  const [cmd, base] = daemonCommand(kind, '/unused');
  const argv = kind === 'fleetvisord' ? [base[0] as string, ...args] : [...args];
  const child = spawn(cmd, argv, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stderr }); });
  });
}

const HELP_LINE = /^For help, use .* -h$/m;

/** The stderr with the program path of the help line and the temp dir made neutral. */
function normalise(stderr: string, dir: string): string {
  return stderr.split(dir).join('<DIR>').replace(HELP_LINE, 'For help, use <PROG> -h');
}

/** Our stderr without the location line, and that line: the one right before the help line, "  (...)". */
function splitLocation(stderr: string): { text: string; location: string | undefined } {
  const lines = stderr.split('\n');
  const help = lines.findIndex((l) => HELP_LINE.test(l));
  const before = lines[help - 1];
  if (help < 1 || before === undefined || !/^ {2}\(.*\)$/.test(before)) return { text: stderr, location: undefined };
  lines.splice(help - 1, 1);
  return { text: lines.join('\n'), location: before.slice(3, -1) };
}

interface Compared { readonly ours: Run; readonly theirs: Run; readonly location: string | undefined; readonly dirs: Record<DaemonKind, string> }

/** Sets up a fresh dir per daemon with `prepare`, runs both, compares exit status and whole stderr. */
async function compare(t: { after(fn: () => void): void }, label: string, prepare: (dir: string) => void,
  args: readonly string[]): Promise<Compared> {
  const dirs = { fleetvisord: makeTmpDir(t), supervisord: makeTmpDir(t) };
  for (const kind of KINDS) prepare(dirs[kind]);
  const [ours, theirs] = await Promise.all(KINDS.map((kind) => run(kind, dirs[kind], args))) as [Run, Run];
  assert.equal(theirs.code, 2, `${label}: supervisord exit status (${theirs.stderr})`);
  assert.equal(ours.code, 2, `${label}: fleetvisord exit status (${ours.stderr})`);
  const { text, location } = splitLocation(ours.stderr);
  assert.equal(normalise(text, dirs.fleetvisord), normalise(theirs.stderr, dirs.supervisord), label);
  for (const kind of KINDS) assert.ok(!existsSync(join(dirs[kind], 'daemon.pid')), `${label}: ${kind} wrote no pidfile`);
  return { ours, theirs, location, dirs };
}

const CONF = 'supervisord.conf';
const withConf = (body: string, supervisordExtra = '') => (dir: string) => { writeConf(dir, body, supervisordExtra); };

const ARG_CASES: [string, string[]][] = [
  ['unknown short option', ['-c', CONF, '-x']],
  ['unknown long option', ['-c', CONF, '--bogus']],
  ['repeated flag', ['-c', CONF, '-n', '-n']],
  ['positional argument', ['-c', CONF, 'foo']],
  ['bad umask', ['-c', CONF, '-m', '8']],
  ['flag with a value', ['-c', CONF, '--nodaemon=1']],
  ['bad minfds', ['-c', CONF, '-a', 'abc']],
  ['bad loglevel', ['-c', CONF, '-e', 'loud']],
  ['bad logfile_maxbytes', ['-c', CONF, '-y', '1k']],
  ['missing value', ['-c', CONF, '-j']],
  ['childlogdir missing', ['-c', CONF, '-q', '/nonexistent/dir']],
  ['logfile dir missing', ['-c', CONF, '-l', '/nonexistent/dir/x.log']],
  ['logfile dir with a trailing slash', ['-c', CONF, '-l', '/nonexistent_fv/']],
  ['bad user', ['-c', CONF, '-u', 'nosuchuser_fv']],
];

test('command-line errors: same whole stderr and exit status 2 as supervisord, no location line', { skip, concurrency: 4 }, async (top) => {
  await Promise.all(ARG_CASES.map(([label, args]) => top.test(label, async (t) => {
    const { location } = await compare(t, label, withConf('[program:x]\ncommand=/bin/sleep 1\n'), args);
    assert.equal(location, undefined, `${label}: a usage error has no location line`);
  })));
});

/** Bad configs: the body after writeConf's [supervisord] head, whose lines 1-8 come first. */
const CONF_CASES: [string, string][] = [
  // [program:x], one case per value kind
  ['boolean', '[program:x]\ncommand=/bin/true\nautostart=maybe\n'],
  ['integer', '[program:x]\ncommand=/bin/true\nstartsecs=x\n'],
  ['byte size', '[program:x]\ncommand=/bin/true\nstdout_logfile_maxbytes=1k\n'],
  ['octal', '[program:x]\ncommand=/bin/true\numask=999\n'],
  ['signal name', '[program:x]\ncommand=/bin/true\nstopsignal=FOO\n'],
  ['signal number', '[program:x]\ncommand=/bin/true\nstopsignal=99\n'],
  ['exit codes', '[program:x]\ncommand=/bin/true\nexitcodes=0,256\n'],
  ['autorestart', '[program:x]\ncommand=/bin/true\nautorestart=sometimes\n'],
  ['user', '[program:x]\ncommand=/bin/true\nuser=nosuchuser_fv\n'],
  ['log dir', '[program:x]\ncommand=/bin/true\nstdout_logfile=/nonexist_fv/x.log\n'],
  ['log dir with a trailing slash', '[program:x]\ncommand=/bin/true\nstderr_logfile=/nonexist_fv/\n'],
  ['environment pairs', '[program:x]\ncommand=/bin/true\nenvironment=A=1,B\n'],
  ['environment quote', '[program:x]\ncommand=/bin/true\nenvironment=A="x\n'],
  ['process name', '[program:x]\ncommand=/bin/true\nprocess_name=a/b\n'],
  ['program name', '[program:x y]\ncommand=/bin/true\n'],
  ['no command', '[program:x]\nautostart=true\n'],
  ['numprocs without process_num', '[program:x]\ncommand=/bin/true\nnumprocs=2\n'],
  ['stopasgroup without killasgroup', '[program:x]\ncommand=/bin/true\nstopasgroup=true\nkillasgroup=false\n'],
  ['unknown expansion', '[program:x]\ncommand=ls %(foo)s\n'],
  ['badly formatted expansion', '[program:x]\ncommand=ls %(here)d\n'],
  ['star in a format', '[program:x]\ncommand=ls %*d\n'],
  ['inline comment kept in the value', '[program:x]\ncommand=/bin/true\nstartsecs=1#a #b ;c\n'],
  ['priority (no section suffix)', '[program:x]\ncommand=/bin/true\npriority=high\n'],
  // the other sections
  ['group unknown program', '[program:a]\ncommand=/bin/true\n[group:g]\nprograms=a,b\n'],
  ['group priority', '[group:g]\npriority=x\n'],
  ['eventlistener without events', '[eventlistener:e]\ncommand=/bin/cat\n'],
  ['eventlistener unknown event', '[eventlistener:e]\ncommand=/bin/cat\nevents=NOPE\n'],
  ['eventlistener buffer_size', '[eventlistener:e]\ncommand=/bin/cat\nevents=TICK_5\nbuffer_size=0\n'],
  ['eventlistener process option', '[eventlistener:e]\ncommand=/bin/cat\nevents=TICK_5\nstopwaitsecs=x\n'],
  ['fcgi without socket', '[fcgi-program:f]\ncommand=/bin/cat\n'],
  ['fcgi bad socket', '[fcgi-program:f]\ncommand=/bin/cat\nsocket=tcp://x\n'],
  ['fcgi socket_owner', '[fcgi-program:f]\ncommand=/bin/cat\nsocket=unix:///tmp/f.sock\nsocket_owner=nosuchuser_fv\n'],
  ['fcgi process option', '[fcgi-program:f]\ncommand=/bin/cat\nsocket=tcp://localhost:9\nstartretries=x\n'],
  ['inet port range', '[inet_http_server]\nport=127.0.0.1:99999\n'],
  ['inet bare port', '[inet_http_server]\nport=abc\n'],
  ['inet incomplete auth', '[inet_http_server]\nport=9001\nusername=u\n'],
  ['unix without file', '[unix_http_server]\nchmod=0700\n'],
  ['unix chown', '[unix_http_server]\nfile=/tmp/fv-none.sock\nchown=nosuchuser_fv:x\n'],
  ['rpcinterface without factory', '[rpcinterface:x]\nfoo=bar\n'],
  ['rpcinterface unresolvable', '[rpcinterface:x]\nsupervisor.rpcinterface_factory=supervisor.nope:make\n'],
  ['include without files', '[include]\nfoo=bar\n'],
  ['supervisord log level', '[supervisord]\nloglevel=loud\n'],
  ['supervisord directory', '[supervisord]\ndirectory=/nonexist_fv\n'],
  ['supervisord expansion', '[supervisord]\nidentifier=%(host_node_name)s\n'],
  ['parse error line', '[program:x]\ncommand=/bin/true\nthis is not a key\n'],
];

test('config errors: same whole stderr and exit status 2 as supervisord, one location line added', { skip, concurrency: 8 }, async (top) => {
  await Promise.all(CONF_CASES.map(([label, body]) => top.test(label, async (t) => {
    const { location } = await compare(t, label, withConf(body), ['-c', CONF]);
    assert.ok(location?.startsWith(`in ${CONF}`), `${label}: location line names the file as given: ${location}`);
  })));
});

/** Writes raw text as the whole config file (no [supervisord] head). */
const rawConf = (text: string | Buffer, extra: Record<string, string | Buffer> = {}) => (dir: string) => {
  writeFileSync(join(dir, CONF), text);
  for (const [name, body] of Object.entries(extra)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
};

function head(dir: string): string {
  return `[supervisord]\nlogfile=${dir}/main.log\npidfile=${dir}/daemon.pid\nnodaemon=true\n`;
}

const FILE_CASES: [string, (dir: string) => void, string[]][] = [
  ['missing file', () => {}, ['-c', 'nope.conf']],
  ['a directory', (d) => mkdirSync(join(d, 'adir')), ['-c', 'adir']],
  ['no [supervisord] section', rawConf('[program:a]\ncommand=/bin/true\n'), ['-c', CONF]],
  ['no section header', rawConf('a=b\n'), ['-c', CONF]],
  ['a byte order mark', rawConf('\ufeff[supervisord]\n'), ['-c', CONF]],
  ['invalid start byte', rawConf(Buffer.from('[supervisord]\nidentifier=\xff\n', 'latin1')), ['-c', CONF]],
  ['invalid continuation byte', rawConf(Buffer.from('[supervisord]\nidentifier=\xc3(\n', 'latin1')), ['-c', CONF]],
  ['unexpected end of data', rawConf(Buffer.from('[supervisord]\nidentifier=\xe2\x82', 'latin1')), ['-c', CONF]],
  ['path with ./ and ..', (d) => { mkdirSync(join(d, 'sub')); writeConf(d, '[program:x]\ncommand=/bin/true\nstartsecs=x\n'); },
    ['-c', `./sub/../${CONF}`]],
  ['included program', (d) => rawConf(head(d) + '[include]\nfiles=conf.d/*.ini\n', { 'conf.d/a.ini': '[program:i]\ncommand=/bin/true\nstartsecs=x\n' })(d),
    ['-c', CONF]],
  ['included parse error', (d) => rawConf(head(d) + '[include]\nfiles=conf.d/*.ini\n', { 'conf.d/a.ini': '[program:i]\nzz\n' })(d), ['-c', CONF]],
  ['included bad byte', (d) => rawConf(head(d) + '[include]\nfiles=conf.d/*.ini\n',
    { 'conf.d/a.ini': Buffer.from('[program:i]\ncommand=\xff\n', 'latin1') })(d), ['-c', CONF]],
];

test('file-level errors: missing, unreadable, unparsable, undecodable, included; paths shown as given', { skip, concurrency: 4 }, async (top) => {
  await Promise.all(FILE_CASES.map(([label, prepare, args]) => top.test(label, async (t) => {
    await compare(t, label, prepare, args);
  })));
});

// Line numbers count writeConf's head: [supervisord] and seven option lines, so a body starts at line 9.
const LOCATIONS: [string, (dir: string) => void, string][] = [
  ['program option', withConf('[program:web]\ncommand=/bin/true\nautorestart=maybe\n'),
    "in supervisord.conf line 11, [program:web] autorestart = 'maybe'"],
  ['server option', withConf('[inet_http_server]\nport=x:0\n'), "in supervisord.conf line 10, [inet_http_server] port = 'x:0'"],
  ['a key the section lacks: at its header', withConf('[program:a]\ncommand=c\n[eventlistener:e]\ncommand=/bin/cat\n'),
    'in supervisord.conf line 11, [eventlistener:e] events'],
  ['parse error: the first bad line', withConf('[program:x]\njunk\nmore junk\n'), 'in supervisord.conf line 10'],
  ['[supervisord] user from the file', withConf('', 'user=nosuchuser_fv'), "in supervisord.conf line 8, [supervisord] user = 'nosuchuser_fv'"],
  ['included file', (d) => rawConf(head(d) + '[include]\nfiles=i.ini\n', { 'i.ini': '[program:i]\ncommand=c\n\nstartsecs=x\n' })(d),
    "in <DIR>/i.ini line 4, [program:i] startsecs = 'x'"],
  ['decode error', rawConf(Buffer.from(`[supervisord]\n${'#'.repeat(8200)}\nidentifier=\xff\n`, 'latin1')), 'in supervisord.conf line 3, byte 8226'],
];

test('the location line says precisely where: file as given, line, section, key, value (or byte)', { skip, concurrency: 4 }, async (top) => {
  await Promise.all(LOCATIONS.map(([label, prepare, expected]) => top.test(label, async (t) => {
    const { location, dirs } = await compare(t, label, prepare, ['-c', CONF]);
    assert.equal(location?.split(dirs.fleetvisord).join('<DIR>'), expected, label);
  })));
});

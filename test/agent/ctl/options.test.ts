// Unit tests of fleetvisorctl's command line, config section, URLs and line splitting; the Python
// rules (getopt, urlparse, cmd.Cmd.parseline, str.split) are checked against Debian's python3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCtlConfig } from '../../../agent/ctl/config.js';
import { UsageError } from '../../../agent/ctl/errors.js';
import { parseLine, pySplit } from '../../../agent/ctl/line.js';
import { findDefaultConfig, parseCommandLine, resolveOptions, splitArgv, type CommandLine } from '../../../agent/ctl/options.js';
import { endpointOf, urlProblem } from '../../../agent/ctl/url.js';
import { PYTHON } from '../../helpers/paths.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const skipPy = existsSync(PYTHON) ? false : 'no python3';

/** Runs a Python snippet that reads JSON cases on stdin and prints one JSON answer per line. */
function python<T>(code: string, cases: unknown[]): T[] {
  const r = spawnSync(PYTHON, ['-c', code], { input: JSON.stringify(cases), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as T);
}

function words(argv: string[]): { opts: [string, string | null][]; rest: string[] } {
  const { options, rest } = splitArgv(argv);
  return { opts: options.map((o) => [o.opt, o.value]), rest };
}

test('options end at the first non-option word; -- ends them too; values attached or separate', () => {
  assert.deepEqual(words(['-c', 'f', 'status', '-c', 'x']), { opts: [['-c', 'f']], rest: ['status', '-c', 'x'] });
  assert.deepEqual(words(['-cf', '-is', 'u', '--', '-x']), { opts: [['-c', 'f'], ['-i', null], ['-s', 'u']], rest: ['-x'] });
  assert.deepEqual(words(['--conf=a', '--serv', 'b', '--json', '-', 'x']), { opts: [['--configuration', 'a'], ['--serverurl', 'b'], ['--json', null]], rest: ['-', 'x'] });
  assert.deepEqual(words(['-c', '-i']), { opts: [['-c', '-i']], rest: [] });
});

test('getopt errors read as Python getopt', () => {
  const err = (argv: string[]): string => {
    try { splitArgv(argv); } catch (e) { return (e as Error).message; }
    return '';
  };
  assert.equal(err(['-x']), 'option -x not recognized');
  assert.equal(err(['--bogus']), 'option --bogus not recognized');
  assert.equal(err(['--h']), 'option --h not a unique prefix');
  assert.equal(err(['-c']), 'option -c requires argument');
  assert.equal(err(['--user']), 'option --username requires argument');
  assert.equal(err(['--inter=1']), 'option --interactive must not have an argument');
});

function parsed(argv: string[]): Extract<CommandLine, { help: false }> {
  const cl = parseCommandLine(argv);
  assert.equal(cl.help, false);
  return cl;
}

test('-h acts at once; repeated options conflict; -s must be a URL', () => {
  assert.deepEqual(parseCommandLine(['-h', '-c', 'x']), { help: true });
  assert.deepEqual(parseCommandLine(['-?']), { help: true });
  assert.throws(() => parseCommandLine(['-i', '-i']), new UsageError("conflicting command line option '-i'"));
  assert.throws(() => parseCommandLine(['-c', 'a', '--configuration', 'b']), new UsageError("conflicting command line option '--configuration'"));
  assert.throws(() => parseCommandLine(['-s', 'foo']), new UsageError("invalid value for -s 'foo': value 'foo' is not a URL"));
  assert.throws(() => parseCommandLine(['-s', 'foo', '-h']), UsageError);
  assert.deepEqual([...parsed(['--json', '-i', 'status']).values], [['json', true], ['interactive', true]]);
});

test('urlProblem accepts what supervisor datatypes.url accepts', { skip: skipPy }, () => {
  const values = ['foo', '', 'http:', 'http://', 'http://h', 'unix:///x', 'unix://', 'localhost:9001', '1http://x',
    'a+b.c-d:x', 'http:x', 'h ttp://x', ':x', 'x:?q', 'x:#f', 'HTTP://X', 'file:/x', '//host'];
  const code = 'import json, sys\nfrom supervisor.datatypes import url\nfor v in json.load(sys.stdin):\n'
    + '  try: url(v); print("null")\n  except ValueError as e: print(json.dumps(str(e)))\n';
  assert.deepEqual(values.map(urlProblem), python<string | null>(code, values));
});

test('endpointOf: http host/port (default 80), unix paths made absolute, other schemes refused', () => {
  assert.deepEqual(endpointOf('http://127.0.0.1:9001/RPC2'), { url: 'http://127.0.0.1:9001', hostHeader: '127.0.0.1:9001' });
  assert.deepEqual(endpointOf('http://User@Host'), { url: 'http://host:80', hostHeader: 'User@Host' });
  assert.deepEqual(endpointOf('unix://s.sock', '/run'), { url: 'unix:///run/s.sock', hostHeader: '' });
  // https:// is ours (supervisorctl refuses it): see tls-options.test.ts.
  assert.deepEqual(endpointOf('https://x'), { url: 'https://x:443', hostHeader: 'x' });
  assert.throws(() => endpointOf('ftp://x'), /^CtlUnexpected: Unknown protocol for serverurl ftp:\/\/x$|Unknown protocol/);
  assert.throws(() => endpointOf('http://h:abc'), /Port could not be cast to integer value as 'abc'/);
  assert.throws(() => endpointOf('http://h:70000'), /Port out of range 0-65535/);
});

test('parseLine and pySplit follow cmd.Cmd.parseline and str.split', { skip: skipPy }, () => {
  const lines = ['', '   ', 'status', '  status  a b ', '?', '? tail', '?tail', '!ls', 'a:b', ':x', 'status,x', 'tail\t-f x',
    'x\u00a0y', 'EOF', '_x y', 'é x', '\u2003status\u2003'];
  const code = 'import cmd, json, sys\nc = cmd.Cmd()\nfor l in json.load(sys.stdin):\n'
    + '  cm, arg, line = c.parseline(l); print(json.dumps([cm, arg or "", line, (arg or "").split()]))\n';
  const expected = python<[string | null, string, string, string[]]>(code, lines);
  lines.forEach((l, k) => {
    const p = parseLine(l);
    assert.deepEqual([p.cmd, p.arg, p.line, pySplit(p.arg)], expected[k], JSON.stringify(l));
  });
});

test('default config search: <prefix>/etc, <prefix>, cwd, cwd/etc, /etc, /etc/supervisor', () => {
  const seen: string[] = [];
  const exists = (p: string): boolean => { seen.push(p); return false; };
  assert.equal(findDefaultConfig('/opt/fv/bin/fleetvisorctl', '/work', exists), null);
  assert.deepEqual(seen, ['/opt/fv/etc/supervisord.conf', '/opt/fv/supervisord.conf', '/work/supervisord.conf',
    '/work/etc/supervisord.conf', '/etc/supervisord.conf', '/etc/supervisor/supervisord.conf']);
  assert.equal(findDefaultConfig('/opt/fv/bin/x', '/work', (p) => p === '/work/etc/supervisord.conf'), 'etc/supervisord.conf');
});

test('[supervisorctl]: %(here)s in serverurl and history_file only, %(ENV_X)s everywhere, paths normalised', (t) => {
  const dir = makeTmpDir(t, 'fvctl-');
  mkdirSync(join(dir, 'sub'));
  const conf = join(dir, 'sub', 'c.conf');
  writeFileSync(conf, '[supervisorctl]\nserverurl=unix://%(here)s/../run/./s.sock\nusername=%(ENV_U)s\n'
    + 'password=p%%w\nprompt=%(ENV_U)s-ctl\nhistory_file=~/h\n');
  const env = { U: 'alice', HOME: '/home/alice' };
  assert.deepEqual(readCtlConfig(conf, env, '/'), { serverurl: `unix://${dir}/run/s.sock`, username: 'alice',
    password: 'p%w', prompt: 'alice-ctl', historyFile: '/home/alice/h' });
  writeFileSync(conf, '[supervisorctl]\nhistory_file=%(here)s/h\n');
  assert.deepEqual(readCtlConfig(conf, env, '/'), { serverurl: 'http://localhost:9001', username: null, password: null,
    prompt: 'supervisor', historyFile: join(dir, 'sub', 'h') });
  writeFileSync(conf, '[supervisord]\n');
  assert.throws(() => readCtlConfig(conf, env, '/'), new UsageError('.ini file does not include supervisorctl section'));
  assert.throws(() => readCtlConfig(join(dir, 'none'), env, '/'), new UsageError(`could not find config file ${join(dir, 'none')}`));
  assert.throws(() => readCtlConfig(dir, env, '/'), new UsageError(`could not read config file ${dir}`));
});

test('the command line wins over the file, the file over the defaults; no action means the shell', (t) => {
  const dir = makeTmpDir(t, 'fvctl-');
  const conf = join(dir, 'c.conf');
  writeFileSync(conf, '[supervisorctl]\nserverurl=http://h:1\nusername=fu\npassword=fp\nprompt=P\n');
  const envt = { execPath: '/nonexistent/bin/x', cwd: dir, env: {} };
  const o = resolveOptions(parsed(['-c', conf, '-u', 'cu', '-r', '/tmp/h', 'status', 'x']), envt);
  assert.deepEqual({ ...o }, { configfile: conf, serverurl: 'http://h:1', username: 'cu', password: 'fp', prompt: 'P',
    historyFile: '/tmp/h', interactive: false, json: false, args: ['status', 'x'] });
  const shell = resolveOptions(parsed(['-c', conf, '-s', 'unix:///s', '--json']), envt);
  assert.equal(shell.interactive, true);
  assert.equal(shell.json, true);
  assert.equal(shell.serverurl, 'unix:///s');
});

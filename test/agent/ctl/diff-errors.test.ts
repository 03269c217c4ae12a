// Differential: option and config errors, and a server that is not there (refused port, missing
// socket file, unknown URL scheme) or lacks the supervisor namespace. Mostly without a daemon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { supervisordAvailable } from '../../helpers/daemon.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { compare, freePort, normalised, runCtl, skipReal, startPair } from './harness.js';

const skip = skipReal;

/** Runs both ctls in the same dir (no daemon involved) and compares. */
async function same(dir: string, args: string[], env?: NodeJS.ProcessEnv): Promise<void> {
  const [a, b] = await Promise.all([
    runCtl('supervisorctl', args, { cwd: dir, ...(env ? { env } : {}) }),
    runCtl('fleetvisorctl', args, { cwd: dir, ...(env ? { env } : {}) }),
  ]);
  assert.deepEqual(normalised(b, dir), normalised(a, dir), `fleetvisorctl ${args.join(' ')}`);
}

const COMMANDS = ['status', 'status x', 'start x', 'stop x', 'restart x', 'signal HUP x', 'pid', 'pid x', 'tail x',
  'maintail', 'clear x', 'version', 'fg x', 'avail', 'reread', 'update', 'add x', 'remove x', 'shutdown', 'reload',
  'open http://127.0.0.1:1', 'help', 'quit'];

test('option errors: same text on stderr, exit status 2', { skip }, async (t) => {
  const dir = makeTmpDir(t, 'fvctl-');
  const cases = [['-x'], ['--bogus'], ['--h'], ['-c'], ['--serverurl'], ['-s', 'foo', 'status'], ['-s', '', 'status'],
    ['-s', 'http:', 'status'], ['-i', '-i', 'status'], ['-c', 'a', '-c', 'b'], ['-u', 'a', '--username=b'],
    ['--interactive=1', 'status'], ['-c', join(dir, 'nope.conf'), 'status'], ['-c', dir, 'status'],
    ['-s', 'foo', '-h'], ['-x', '-h']];
  await Promise.all(cases.map((c) => same(dir, c)));
});

test('-h prints a usage text and exits 0', { skip }, async (t) => {
  const dir = makeTmpDir(t, 'fvctl-');
  for (const args of [['-h'], ['--help'], ['-?'], ['--he'], ['-h', '-s', 'x'], ['-h', 'status']]) {
    const r = await runCtl('fleetvisorctl', args, { cwd: dir });
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /^fleetvisorctl: .*\n\nUsage: \S+ \[options\] \[action \[arguments\]\]\n/);
    assert.match(r.stdout, /--json/);
    assert.equal(r.stderr, '');
  }
});

test('config file errors: no [supervisorctl] section, bad expansions, what is and is not expanded', { skip }, async (t) => {
  const dir = makeTmpDir(t, 'fvctl-');
  const write = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };
  const files = [
    write('none.conf', '[supervisord]\n'),
    write('default-only.conf', '[DEFAULT]\nserverurl=http://127.0.0.1:1\n'),
    write('badkey.conf', '[supervisorctl]\nusername=%(nope)s\n'),
    write('herekey.conf', '[supervisorctl]\nprompt=%(here)s\n'),
    write('badfmt.conf', '[supervisorctl]\nserverurl=http://x:%(here)\n'),
    write('env.conf', '[supervisorctl]\nserverurl=%(ENV_FV_URL)s\n'),
    write('here.conf', '[supervisorctl]\nserverurl=unix://%(here)s/../x/./s.sock\n'),
    write('rel.conf', '[supervisorctl]\nserverurl=unix://rel.sock\n'),
    write('default.conf', '[DEFAULT]\nserverurl=unix:///nonexistent/d.sock\n[supervisorctl]\n'),
    write('pct.conf', '[supervisorctl]\nserverurl=http://127.0.0.1:1%%\n'),
  ];
  const env = { FV_URL: 'http://127.0.0.1:1' };
  await Promise.all(files.flatMap((f) => [same(dir, ['-c', f, 'status'], env), same(dir, ['-c', f, 'version'], env)]));
});

test('without -c: the config is searched for in the cwd and etc/, else built-in defaults', { skip }, async (t) => {
  const dir = makeTmpDir(t, 'fvctl-');
  const port = await freePort();
  const empty = join(dir, 'empty');
  const withConf = join(dir, 'withconf');
  const withEtc = join(dir, 'withetc');
  mkdirSync(empty);
  mkdirSync(withConf);
  mkdirSync(join(withEtc, 'etc'), { recursive: true });
  writeFileSync(join(withConf, 'supervisord.conf'), `[supervisorctl]\nserverurl=http://127.0.0.1:${port}\nprompt=x\n`);
  writeFileSync(join(withEtc, 'etc', 'supervisord.conf'), '[supervisorctl]\nserverurl=unix://%(here)s/s.sock\n');
  // In `empty` the search goes on to /etc (Debian's package installs /etc/supervisor/supervisord.conf).
  for (const cwd of [withConf, withEtc, empty]) await same(cwd, ['status']);
});

test('a server that is not there: refused port, missing socket file, unknown scheme', { skip }, async (t) => {
  const dir = makeTmpDir(t, 'fvctl-');
  const port = await freePort();
  const absent = [`http://127.0.0.1:${port}`, `unix://${dir}/none.sock`];
  // (https:// is ours, which supervisorctl refuses: ftp:// stands for the unknown scheme.)
  const unusable = ['unix://none.sock', 'ftp://127.0.0.1:1', 'localhost:9001', 'http://127.0.0.1:abc', 'http://127.0.0.1:99999'];
  await Promise.all([
    ...absent.flatMap((u) => COMMANDS.map((c) => same(dir, ['-s', u, ...c.split(' ')]))),
    ...unusable.flatMap((u) => ['status', 'avail', 'shutdown'].map((c) => same(dir, ['-s', u, c]))),
  ]);
});

test(`a daemon without [rpcinterface:supervisor]`, { skip: skip || (supervisordAvailable ? false : 'no supervisord') }, async (t) => {
  const pair = await startPair(t, '', { noRpcInterface: true });
  await Promise.all(COMMANDS.filter((c) => !c.startsWith('open')).map((c) => compare(pair, ['-c', '{CONF}', ...c.split(' ')])));
});

// Differential: the interactive shell driven through a stdin pipe (supervisorctl reads lines from
// a non-tty stdin and writes its prompt to stdout), and HTTP basic auth in both modes.
import { test } from 'node:test';
import { supervisordAvailable } from '../../helpers/daemon.js';
import { authServer, compare, skipReal, startPair, unixServer } from './harness.js';
import { TWO } from './programs.js';

const skip = skipReal || (supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed');

const BODY = TWO;

test(`shell: status first, prompt, empty lines, unknown syntax, quit/exit/EOF`, { skip }, async (t) => {
  const pair = await startPair(t, BODY, { server: (dir) => unixServer(dir, 'prompt=fv%(ENV_FV_P)s\n') });
  const env = { FV_P: 'x' };
  const inputs = ['', 'quit\n', 'exit\n', 'EOF\n', 'status\nversion\n\n   \nfoo bar\nhelp start\nquit\nversion\n',
    'stop stopped\nstart stopped\nstatus\nstop stopped\n', 'pid\ntail\nhelp\n?\n', 'shutdown x\nreload x\n',
    'shutdown\nn\nreload\nno\nstatus\n', 'version', 'open foo\nopen unix:///nonexistent.sock\nversion\n'];
  for (const input of inputs) await compare(pair, ['-c', '{CONF}'], { input, env });
  await compare(pair, ['-c', '{CONF}', '-i'], { input: 'version\n', env });
  // -i with an action runs only that action (and asks before shutdown/reload).
  await compare(pair, ['-c', '{CONF}', '-i', 'version'], { input: 'status\n', env });
  await compare(pair, ['-c', '{CONF}', '-i', 'shutdown'], { input: 'N\n', env });
  await compare(pair, ['-c', '{CONF}', '-i', 'reload'], { input: '', env });
  await compare(pair, ['-c', '{CONF}', '-i', 'shutdown'], { input: 'yes\n', env });
  // Only once both daemons are gone is the answer certain (during the shutdown it is a race).
  await Promise.all(pair.sites.map((site) => site.daemon.exited()));
  await compare(pair, ['-c', '{CONF}', 'status'], { env });
});

test(`basic auth: refused credentials one-shot, prompts in the shell, -i retries`, { skip }, async (t) => {
  const pair = await startPair(t, BODY, { server: authServer });
  const c = ['-c', '{CONF}'];
  for (const cmd of ['status', 'version', 'avail', 'start stopped', 'tail -f forever', 'shutdown', 'reread', 'update', 'open {URL}']) {
    await compare(pair, [...c, ...cmd.split(' ')]);
    await compare(pair, [...c, '-u', 'user', '-p', 'wrong', ...cmd.split(' ')]);
  }
  await compare(pair, [...c, '-u', 'user', 'status']);
  await compare(pair, [...c, '-u', 'user', '-p', 'pass', 'status']);
  await compare(pair, [...c, '--username=user', '--pass=pass', 'stop', 'stopped']);
  await compare(pair, c, { input: 'user\npass\nversion\nquit\n' });
  await compare(pair, c, { input: 'user\nwrong\nuser\npass\nstatus\n' });
  await compare(pair, c, { input: 'user\n' });
  await compare(pair, [...c, '-i', 'version'], { input: 'user\npass\n' });
  await compare(pair, [...c, '-i', 'version'], { input: 'nobody\nnothing\n' });
});

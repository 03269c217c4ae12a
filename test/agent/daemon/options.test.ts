// fleetvisord's command line: flags, values, overrides, and supervisord's usage-error texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDaemonArgs, UsageError } from '../../../agent/daemon/options.js';

const OK: [string[], Partial<ReturnType<typeof parseDaemonArgs>>][] = [
  [['-c', 'a.conf'], { configfile: 'a.conf', overrides: {} }],
  [['-ca.conf'], { configfile: 'a.conf', overrides: {} }],
  [['--configuration=a.conf'], { configfile: 'a.conf', overrides: {} }],
  [['--conf', 'a.conf'], { configfile: 'a.conf', overrides: {} }],
  [['-nk'], { configfile: null, overrides: { nodaemon: true, nocleanup: true } }],
  [['-n', '-s', '-t'], { configfile: null, overrides: { nodaemon: true, silent: true, strip_ansi: true } }],
  [['-m', '077', '-e', 'debug', '-i', 'x'], { configfile: null, overrides: { umask: '077', loglevel: 'debug', identifier: 'x' } }],
  [['--minprocs', '10', '-a', '100', '-y', '1MB', '-z', '3'], { configfile: null, overrides: { minprocs: '10', minfds: '100', logfile_maxbytes: '1MB', logfile_backups: '3' } }],
  [['-h'], { help: true }],
  [['-?'], { help: true }],
  [['--version'], { version: true }],
  // -h and -v act where they stand, as supervisord's option handlers do: later options are never read.
  [['-h', '-n', '-n'], { help: true }],
  [['-v', '-m', '999'], { version: true }],
];

for (const [argv, expected] of OK) {
  test(`parses ${argv.join(' ')}`, () => {
    const got = parseDaemonArgs(argv);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(got[k as keyof typeof got], v, k);
  });
}

const BAD: [string[], string][] = [
  [['-x'], 'option -x not recognized'],
  [['--bogus'], 'option --bogus not recognized'],
  [['--no'], 'option --no not a unique prefix'],
  [['-n', '-n'], "conflicting command line option '-n'"],
  [['--nodaemon', '-n'], "conflicting command line option '-n'"],
  [['foo', 'bar'], "positional arguments are not supported: ['foo', 'bar']"],
  [['-m', '8'], "invalid value for -m '8': 8 can not be converted to an octal type"],
  [['--nodaemon=1'], 'option --nodaemon must not have an argument'],
  [['-a', 'abc'], "invalid value for -a 'abc': invalid literal for int() with base 10: 'abc'"],
  [['-j'], 'option -j requires argument'],
  [['--pidfile'], 'option --pidfile requires argument'],
  [['-e', 'loud'], "invalid value for -e 'loud': bad logging level name 'loud'"],
  [['-n', '-n', '-h'], "conflicting command line option '-n'"],
  [['-h', 'foo'], "positional arguments are not supported: ['foo']"],
];

for (const [argv, message] of BAD) {
  test(`refuses ${argv.join(' ')}`, () => {
    assert.throws(() => parseDaemonArgs(argv), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.message, message);
      return true;
    });
  });
}

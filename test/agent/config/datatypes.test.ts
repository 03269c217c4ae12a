// Table tests for every converter in agent/config/datatypes.ts, with supervisord's exact messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../../agent/config/datatypes.js';
import type { UserDb } from '../../../agent/config/users.js';

const db: UserDb = {
  users: [{ name: 'root', uid: 0, gid: 0, home: '/root' }, { name: 'web', uid: 33, gid: 34, home: '/var/www' }],
  groups: [{ name: 'root', gid: 0 }, { name: 'www', gid: 34 }],
};
const pathEnv: dt.PathEnv = { home: '/home/me', users: db, isDir: (p) => ['/', '/tmp', '/home/me', '/var/www'].includes(p) };

type Row = [string, unknown, string?];

function table(name: string, fn: (s: string) => unknown, rows: Row[]): void {
  test(`${name} converts or rejects with supervisord's message`, () => {
    for (const [input, expected, error] of rows) {
      if (error !== undefined) assert.throws(() => fn(input), { name: 'ValueError', message: error }, input);
      else assert.deepEqual(fn(input), expected, input);
    }
  });
}

table('boolean', dt.boolean, [['Yes', true], ['on', true], ['1', true], ['OFF', false], ['0', false],
  ['maybe', undefined, "not a valid boolean value: 'maybe'"]]);
table('integer', dt.integer, [['1_000', 1000], [' -5 ', -5], ['+7', 7], ['\u0661\u0662', 12], ['\uff15\x85', 5],
  ['\x1c5', undefined, "invalid literal for int() with base 10: '\\x1c5'"], ['\u00b2', undefined, "invalid literal for int() with base 10: '²'"],
  ['abc', undefined, "invalid literal for int() with base 10: 'abc'"], ['1__0', undefined, "invalid literal for int() with base 10: '1__0'"],
  ['', undefined, "invalid literal for int() with base 10: ''"]]);
table('byteSize', dt.byteSize, [['1KB', 1024], ['2mb', 2 * 1024 ** 2], ['1 GB', 1024 ** 3], ['-1', -1], ['10', 10],
  ['1K', undefined, "invalid literal for int() with base 10: '1k'"], ['10XB', undefined, "invalid literal for int() with base 10: '10xb'"]]);
table('octal', dt.octal, [['022', 0o22], ['0o22', 0o22], ['777', 0o777], ['999', undefined, '999 can not be converted to an octal type']]);
table('signalNumber', dt.signalNumber, [['hup', 1], [' SIGTERM ', 15], ['9', 9], ['0', 0], ['io', 29],
  ['_DFL', 0], ['sig_ign', 1], ['_SETMASK', 2], ['\u0669', 9], ['\ufeffhup', undefined, "value '\\ufeffhup' is not a valid signal name"],
  ['FOO', undefined, "value 'FOO' is not a valid signal name"], ['99', undefined, "value '99' is not a valid signal number"]]);
table('exitCodes', dt.exitCodes, [['0', [0]], ['0, 2', [0, 2]], ['', []],
  ['0,256', undefined, "not a valid list of exit codes: '0,256'"], ['a', undefined, "not a valid list of exit codes: 'a'"]]);
table('autoRestart', dt.autoRestart, [['true', true], ['NO', false], ['Unexpected', 'unexpected'],
  ['Sometimes', undefined, "invalid 'autorestart' value 'sometimes'"]]);
table('logLevel', dt.logLevel, [['WARN', 'warn'], ['blather', 'blather'], ['warning', undefined, "bad logging level name 'warning'"]]);
table('existingDirectory', (s) => dt.existingDirectory(s, pathEnv), [['/tmp', '/tmp'], ['~', '/home/me'], ['~web', '/var/www'],
  ['/nonexist', undefined, '/nonexist is not an existing directory']]);
table('existingDirpath', (s) => dt.existingDirpath(s, pathEnv), [['x.log', 'x.log'], ['/tmp/x.log', '/tmp/x.log'], ['~/a.log', '/home/me/a.log'],
  ['/nonexist/x.log', undefined, 'The directory named as part of the path /nonexist/x.log does not exist'],
  // os.path.dirname('/tmp/') is '/tmp' and dirname('/nonexist/') is '/nonexist' (node's dirname strips the slash).
  ['/tmp/', '/tmp/'], ['/nonexist/', undefined, 'The directory named as part of the path /nonexist/ does not exist'],
  ['/tmp//x', '/tmp//x']]);
table('logfileName', (s) => dt.logfileName(s, pathEnv), [['NONE', null], ['off', null], ['Auto', dt.AUTO], ['syslog', dt.SYSLOG],
  ['/tmp/a.log', '/tmp/a.log']]);
table('user', (s) => dt.user(s, db), [['web', { name: 'web', uid: 33, gid: 34 }], ['0', { name: 'root', uid: 0, gid: 0 }],
  ['nosuchuser', undefined, 'Invalid user name nosuchuser'], ['12345', undefined, 'Invalid user id 12345']]);
table('userAndGroup', (s) => dt.userAndGroup(s, db), [['web', { uid: 33, gid: -1 }], ['web:www', { uid: 33, gid: 34 }],
  ['web:nogroup', undefined, 'Invalid user:group definition web:nogroup']]);
table('inetAddress', dt.inetAddress, [['9001', { host: '', port: 9001 }], ['LocalHost:80', { host: 'localhost', port: 80 }],
  ['*:80', { host: '', port: 80 }], [':80', { host: '', port: 80 }],
  ['abc', undefined, "not a valid port number: 'abc' "], ['99999', undefined, "not a valid port number: '99999' "],
  ['x:', undefined, "no port number specified in ''"], ['x:99999', undefined, '99999 is above upper bound (65535)'],
  ['x:0', undefined, '0 is below lower bound (1)'], ['x:y', undefined, "invalid literal for int() with base 10: 'y'"]]);
table('url', dt.url, [['http://localhost:9001', 'http://localhost:9001'], ['unix:///tmp/s', 'unix:///tmp/s'],
  ['foo', undefined, "value 'foo' is not a URL"], ['http://', undefined, "value 'http://' is not a URL"]]);
table('processOrGroupName', dt.processOrGroupName, [[' web ', 'web'], ['x y', undefined, "Invalid name: 'x y' because of character: ' '"],
  ['a:b', undefined, "Invalid name: 'a:b' because of character: ':'"], ['a/b', undefined, "Invalid name: 'a/b' because of character: '/'"]]);
table('environment', dt.environment, [['A=1,B="x, y",C=\'z\'', { A: '1', B: 'x, y', C: 'z' }], ['A=a b', { A: 'a' }],
  ['A=$HOME', { A: '$' }], ['A=1,', { A: '1' }], ['A=""', { A: '' }], ['P=/usr/bin:/bin', { P: '/usr/bin:/bin' }],
  ['A=1 B=2', undefined, "Unexpected end of key/value pairs in value 'A=1 B=2'"],
  ['A=1,B', undefined, "Unexpected end of key/value pairs in value 'A=1,B'"], ['A="x', undefined, 'No closing quotation']]);

// preflight: what execve() would make of a file's head (no binfmt guesswork beyond #!, ELF and
// registered binfmt_misc entries), supervisord's supplementary groups, and execvp's PATH choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFormat, execvpTarget, groupsOf } from '../../../agent/process/preflight.js';
import { makeTmpDir } from '../../helpers/tmp.js';

test('execFormat: #! with an interpreter, ELF, and everything else ENOEXEC', (t) => {
  const dir = makeTmpDir(t);
  const file = (name: string, body: string | Buffer): string => { const p = join(dir, name); writeFileSync(p, body, { mode: 0o755 }); return p; };
  assert.deepEqual(execFormat(file('a', '#!/bin/sh\necho\n')), { kind: 'script', interpreter: '/bin/sh' });
  assert.deepEqual(execFormat(file('b', '#! \t/usr/bin/env python3 -u\n')), { kind: 'script', interpreter: '/usr/bin/env' });
  assert.deepEqual(execFormat(file('c', '#!   \nx\n')), { kind: 'noexec' }, '#! without an interpreter');
  assert.deepEqual(execFormat(file('d', 'echo hi\n')), { kind: 'noexec' });
  assert.deepEqual(execFormat(file('e', '')), { kind: 'noexec' }, 'empty');
  assert.deepEqual(execFormat(file('f', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]))), { kind: 'binary' });
  assert.deepEqual(execFormat('/bin/sh'), { kind: 'binary' });
  assert.deepEqual(execFormat(join(dir, 'missing')), { kind: 'unknown' });
});

test('groupsOf: the user\'s gid first, then every group naming the user', (t) => {
  const groups = join(makeTmpDir(t), 'group');
  writeFileSync(groups, 'root:x:0:\nadm:x:4:syslog,alice\nstaff:x:50:bob\nwheel:x:10:alice\nalice:x:1000:\n');
  assert.deepEqual(groupsOf({ name: 'alice', uid: 1000, gid: 1000 }, groups), [1000, 4, 10]);
  assert.deepEqual(groupsOf({ name: 'carol', uid: 1001, gid: 1001 }, groups), [1001]);
});

test('execvpTarget: the first PATH entry the user may execute, like glibc\'s execvp', (t) => {
  const dir = makeTmpDir(t);
  writeFileSync(join(dir, 'prog'), '#!/bin/sh\n', { mode: 0o600 });
  const me = { name: 'x', uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const env = { PATH: `${dir}:/usr/bin:/bin` };
  assert.equal(execvpTarget('sleep', env, '/', me)?.endsWith('/sleep'), true);
  if (me.uid !== 0) assert.equal(execvpTarget('prog', env, '/', me), null, 'not executable: skipped');
  assert.equal(execvpTarget('no-such-program-fv', env, '/', me), null);
});

// Differential: main-log lines supervisord 4.2.5 builds with %r (repr() of a str), for texts whose
// characters Python prints raw or escapes: a program name with U+3000 (the child output mirror at
// loglevel=debug, `'%(name)r %(channel)s output:`) and a command= path with separators, format
// characters and C1 controls (`spawnerr: can't find command %r`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../helpers/tmp.js';
import { logLines, startDaemon, supervisordAvailable, waitForLog, type DaemonKind } from '../helpers/daemon.js';

const skip = supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed';

const WIDE = 'wide\u3000one';
const MISSING = '/nonexistent/a\u3000b\u00a0c\ufeffd\u1680e\u0085f\u00e9g\u2028h';

async function run(t: { after(fn: () => unknown): void }, kind: DaemonKind): Promise<string[]> {
  const dir = makeTmpDir(t, `fv-repr-${kind}-`);
  const conf = join(dir, 'supervisord.conf');
  writeFileSync(conf, `[supervisord]
logfile=${dir}/main.log
pidfile=${dir}/daemon.pid
childlogdir=${dir}
nodaemon=true
silent=true
loglevel=debug

[program:${WIDE}]
command=/bin/sh -c "echo hi"
startsecs=0
autorestart=false
stdout_logfile=${dir}/wide.log

[program:gone]
command=${MISSING}
startretries=0
`);
  const d = startDaemon(t, kind, dir, conf);
  await waitForLog(d, new RegExp(`^INFO exited: ${WIDE} `), 20_000);
  await waitForLog(d, /^INFO gave up: gone /, 20_000);
  await d.stop();
  // Sorted: the child's output and the other program's spawn failure are not ordered.
  return logLines(d.mainLog()).filter((l) => / stdout output:$/.test(l) || l.startsWith('INFO spawnerr:')).sort();
}

test('%r in main-log lines escapes what CPython escapes (U+3000, U+00A0, U+FEFF, U+1680, U+0085, U+2028)', { skip, timeout: 60_000 }, async (t) => {
  const [ours, theirs] = await Promise.all([run(t, 'fleetvisord'), run(t, 'supervisord')]);
  assert.deepEqual(ours, theirs);
  // What was compared is what it should be.
  assert.deepEqual(ours, [
    String.raw`DEBG 'wide\u3000one' stdout output:`,
    String.raw`INFO spawnerr: can't find command '/nonexistent/a\u3000b\xa0c\ufeffd\u1680e\x85fég\u2028h'`,
  ]);
});

// Differential: what a child sees and what a failed spawn writes, under supervisord 4.2.5 and
// fleetvisord: real pipes as stdio (/dev/stdout and /dev/stderr can be opened), argv[0] as written,
// and the child-side failure texts (exec ENOEXEC and ENOENT, chdir ENOENT, and as root user= with
// a directory the user may not enter) in the child logs, with the same exit lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../helpers/tmp.js';
import { logLines, startDaemon, supervisordAvailable, waitForLog, writeConf, type DaemonKind } from '../helpers/daemon.js';
import { execedCmdline } from '../helpers/proc.js';

const skip = supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed';
const asRoot = process.getuid?.() === 0 && readFileSync('/etc/passwd', 'utf8').includes('\nnobody:');

const ONE_SHOTS = ['devout', 'devred', 'kinds', 'noshebang', 'badinterp', 'nodir', ...(asRoot ? ['locked'] : [])];
const SLEEPERS = ['bare', ...(asRoot ? ['userbare'] : [])];

function config(dir: string): string {
  const once = (name: string, body: string) => `[program:${name}]\n${body}\nstartsecs=0\nautorestart=false\nstdout_logfile=${dir}/${name}.out\nstderr_logfile=${dir}/${name}.err\n`;
  const sh = (script: string) => `command=/bin/sh -c "${script}"`;
  return [
    once('devout', sh('echo out > /dev/stdout; echo err > /dev/stderr')),
    once('devred', `${sh('echo out > /dev/stdout; echo err > /dev/stderr')}\nredirect_stderr=true`),
    once('kinds', sh('for n in 0 1 2; do stat -L -c %%F /proc/self/fd/$n; done')),
    once('noshebang', `command=${dir}/noshebang`),
    once('badinterp', `command=${dir}/badinterp`),
    once('nodir', `command=/bin/true\ndirectory=${dir}/missing`),
    asRoot ? once('locked', `command=/bin/true\nuser=nobody\ndirectory=${dir}/locked`) : '',
    `[program:bare]\ncommand=sleep 300\nstartsecs=0\n`,
    asRoot ? `[program:userbare]\ncommand=sleep 300\nuser=nobody\nstartsecs=0\n` : '',
  ].join('\n');
}

interface Seen { logs: Record<string, string>; lines: Record<string, string[]>; cmdlines: Record<string, string> }

async function run(t: { after(fn: () => unknown): void }, kind: DaemonKind): Promise<Seen> {
  const dir = makeTmpDir(t, `fv-spawn-${kind}-`);
  writeFileSync(join(dir, 'noshebang'), 'echo ran\n', { mode: 0o755 });
  writeFileSync(join(dir, 'badinterp'), '#!/nonexistent/interpreter\necho ran\n', { mode: 0o755 });
  mkdirSync(join(dir, 'locked'));
  chmodSync(join(dir, 'locked'), 0o700);
  const d = startDaemon(t, kind, dir, writeConf(dir, config(dir)));
  for (const name of ONE_SHOTS) await waitForLog(d, new RegExp(`^(INFO|WARN) exited: ${name} `), 20_000);
  const cmdlines: Record<string, string> = {};
  for (const name of SLEEPERS) {
    const lines = await waitForLog(d, new RegExp(`^INFO spawned: '${name}' with pid \\d+$`));
    const pid = Number(/pid (\d+)$/.exec(lines.find((l) => l.startsWith(`INFO spawned: '${name}'`)) ?? '')?.[1]);
    cmdlines[name] = (await execedCmdline(pid, 'sleep', name)).replaceAll('\0', ' ');
  }
  await d.stop();
  const norm = (s: string) => s.replaceAll(dir, 'DIR').replace(/pid \d+/g, 'pid N');
  const logs: Record<string, string> = {};
  const lines: Record<string, string[]> = {};
  const all = logLines(d.mainLog()).map(norm);
  for (const name of ONE_SHOTS) {
    for (const ch of ['out', 'err']) {
      const file = join(dir, `${name}.${ch}`);
      logs[`${name}.${ch}`] = existsSync(file) ? norm(readFileSync(file, 'utf8')) : '(no file)';
    }
    // supervisord's 1 s poll may see the exit before startsecs=0 made it RUNNING: no success lines.
    lines[name] = all.filter((l) => (l.includes(`'${name}'`) || l.includes(`: ${name} `)) && !l.startsWith('INFO success:'));
  }
  return { logs, lines, cmdlines };
}

test('stdio pipes, argv[0] and the child-side spawn failure texts match supervisord', { skip, timeout: 90_000 }, async (t) => {
  const [ours, theirs] = await Promise.all([run(t, 'fleetvisord'), run(t, 'supervisord')]);
  assert.deepEqual(ours.logs, theirs.logs);
  assert.deepEqual(ours.lines, theirs.lines);
  assert.deepEqual(ours.cmdlines, theirs.cmdlines);
  // What was compared is what it should be.
  assert.equal(ours.logs['devout.err'], 'err\n');
  assert.equal(ours.logs['devred.out'], 'out\nerr\n');
  assert.equal(ours.logs['kinds.out'], 'fifo\nfifo\nfifo\n');
  assert.equal(ours.logs['noshebang.err'], "supervisor: couldn't exec DIR/noshebang: ENOEXEC\nsupervisor: child process was not spawned\n");
  assert.equal(ours.logs['badinterp.err'], "supervisor: couldn't exec DIR/badinterp: ENOENT\nsupervisor: child process was not spawned\n");
  assert.equal(ours.logs['nodir.err'], "supervisor: couldn't chdir to DIR/missing: ENOENT\nsupervisor: child process was not spawned\n");
  if (asRoot) assert.equal(ours.logs['locked.err'], "supervisor: couldn't chdir to DIR/locked: EACCES\nsupervisor: child process was not spawned\n");
  assert.equal(ours.cmdlines['bare'], 'sleep 300 ');
  assert.deepEqual(ours.lines['noshebang'], ["INFO spawned: 'noshebang' with pid N", 'WARN exited: noshebang (exit status 127; not expected)']);
});

// Differential: child log files, rotation files and AUTO log names under supervisord 4.2.5 and
// fleetvisord for the same deterministic output. One deliberate difference: supervisord rotates
// after the write that reaches logfile_maxbytes, so its files pass it; ours rotate before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../helpers/tmp.js';
import { programsDir, PYTHON } from '../helpers/paths.js';
import { startDaemon, supervisordAvailable, waitForLog, writeConf, type DaemonKind } from '../helpers/daemon.js';

const skip = supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed';
const chunks = `${process.execPath} ${join(programsDir, 'diff-chunks.js')}`;

interface Result { files: Record<string, string>; autoNames: string[]; modes: Record<string, number> }

async function run(t: { after(fn: () => unknown): void }, kind: DaemonKind): Promise<Result> {
  const dir = makeTmpDir(t, `fv-logs-${kind}-`);
  const conf = writeConf(dir, `
[program:talker]
command=${chunks} 10 100 80 0
startsecs=0
autorestart=false
stdout_logfile=${dir}/talker.log
stdout_logfile_maxbytes=250
stdout_logfile_backups=2
stderr_logfile=${dir}/talker.err
stderr_logfile_maxbytes=0

[program:merged]
command=${chunks} 3 50 80 0
startsecs=0
autorestart=false
redirect_stderr=true
stdout_logfile=${dir}/merged.log

[program:auto]
command=${chunks} 2 20 50 0
startsecs=0
autorestart=false

[program:nolog]
command=${chunks} 2 20 50 0
startsecs=0
autorestart=false
stdout_logfile=NONE
stderr_logfile=none
`);
  const d = startDaemon(t, kind, dir, conf);
  for (const name of ['talker', 'merged', 'auto', 'nolog']) await waitForLog(d, new RegExp(`^INFO exited: ${name} \\(exit status 0; expected\\)`), 20_000);
  await d.stop();
  const files: Record<string, string> = {};
  const modes: Record<string, number> = {};
  const autoNames: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.conf') || name === 'main.log' || name === 'daemon.pid' || name.endsWith('.children')) continue;
    const auto = /^(.+)---supervisor-[a-z0-9_]{8}\.log$/.exec(name);
    const key = auto ? `${auto[1]}---supervisor-XXXXXXXX.log` : name;
    if (auto) autoNames.push(key);
    files[key] = readFileSync(join(dir, name), 'utf8');
    modes[key] = statSync(join(dir, name)).mode & 0o777;
  }
  return { files, autoNames, modes };
}

test('child logs, rotation backups and AUTO names match supervisord byte for byte, but where a rotated file ends', { skip, timeout: 60_000 }, async (t) => {
  const [ours, theirs] = await Promise.all([run(t, 'fleetvisord'), run(t, 'supervisord')]);
  assert.deepEqual(Object.keys(ours.files), Object.keys(theirs.files));
  for (const key of Object.keys(theirs.files)) {
    if (key.startsWith('talker.log')) continue;
    assert.equal(ours.files[key], theirs.files[key], `contents of ${key}`);
  }
  assert.deepEqual(ours.autoNames, theirs.autoNames);
  for (const key of ours.autoNames) assert.equal(ours.modes[key], 0o600, `${key} is created 0600`);
  // 10 chunks of 100 bytes through maxbytes 250 and 2 backups. supervisord writes, then rotates
  // once a file reached 250 (files of 300); we rotate before a chunk would pass 250 (files of
  // 200). Each keeps the last chunks, in order.
  const chunk = (k: number): string => String.fromCharCode(97 + k).repeat(99) + '\n';
  const chunks = (...ks: number[]): string => ks.map(chunk).join('');
  const talker = (r: Result): string[] => ['talker.log', 'talker.log.1', 'talker.log.2'].map((k) => r.files[k] ?? '<none>');
  assert.deepEqual(talker(theirs), [chunks(9), chunks(6, 7, 8), chunks(3, 4, 5)]);
  assert.deepEqual(talker(ours), [chunks(8, 9), chunks(6, 7), chunks(4, 5)]);
  assert.equal(ours.files['talker.err'], Array.from({ length: 10 }, (_, k) => `err ${k}\n`).join(''));
});

/** Sizes (and contents) of a rotated log and its backups after the paced writes of paced-writes.py. */
async function rotatedSizes(t: { after(fn: () => unknown): void }, kind: DaemonKind, writes: readonly number[]): Promise<Record<string, { size: number; text: string }>> {
  const dir = makeTmpDir(t, `fv-rotation-${kind}-`);
  const conf = writeConf(dir, `
[program:sizes]
command=${PYTHON} ${join(programsDir, 'paced-writes.py')} ${writes.join(' ')}
startsecs=0
autorestart=false
stdout_logfile=${dir}/sizes.log
stdout_logfile_maxbytes=3000
stdout_logfile_backups=10
stderr_logfile=NONE
`);
  const d = startDaemon(t, kind, dir, conf);
  await waitForLog(d, /^INFO exited: sizes \(exit status 0; expected\)/, 30_000);
  await d.stop();
  const out: Record<string, { size: number; text: string }> = {};
  for (const name of readdirSync(dir).filter((n) => n.startsWith('sizes.log')).sort()) {
    const text = readFileSync(join(dir, name), 'latin1');
    out[name] = { size: text.length, text };
  }
  return out;
}

/** The files from the oldest backup to the current one, joined. */
function joined(files: Record<string, { text: string }>, base: string): string {
  const backups = Object.keys(files).filter((n) => n.startsWith(`${base}.`)).map((n) => Number(n.slice(base.length + 1))).sort((a, b) => b - a);
  return [...backups.map((i) => files[`${base}.${i}`]?.text ?? ''), files[base]?.text ?? ''].join('');
}

test('for the same writes, rotated files keep the same bytes as supervisord\'s; ours never pass maxbytes', { skip, timeout: 90_000 }, async (t) => {
  // Each chunk arrives as one read. maxbytes 3000. supervisord writes, then rotates once a file
  // reached 3000: 1000+1000+1500 ends a file at 3500, a 4000-byte write fills one of its own,
  // 2999+1 ends one at exactly 3000, 10+4096 one at 4106. We rotate before a write would pass
  // 3000 and cut a write larger than it: 2000 | 1500 | 3000 (of the 4000) | 1000 | 2999+1 | 10 |
  // 3000 (of the 4096) | 1096+100.
  const writes = [1000, 1000, 1500, 4000, 2999, 1, 10, 4096, 100];
  const [ours, theirs] = await Promise.all([rotatedSizes(t, 'fleetvisord', writes), rotatedSizes(t, 'supervisord', writes)]);
  const sizes = (r: Record<string, { size: number }>): Record<string, number> => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.size]));
  assert.deepEqual(sizes(theirs), { 'sizes.log': 100, 'sizes.log.1': 4106, 'sizes.log.2': 3000, 'sizes.log.3': 4000, 'sizes.log.4': 3500 });
  assert.deepEqual(sizes(ours), {
    'sizes.log': 1196, 'sizes.log.1': 3000, 'sizes.log.2': 10, 'sizes.log.3': 3000, 'sizes.log.4': 1000,
    'sizes.log.5': 3000, 'sizes.log.6': 1500, 'sizes.log.7': 2000,
  });
  const written = writes.map((n, k) => String.fromCharCode(97 + (k % 26)).repeat(n - 1) + '\n').join('');
  assert.equal(joined(theirs, 'sizes.log'), written);
  assert.equal(joined(ours, 'sizes.log'), written);
});

/** 49152 numbered lines of 64 bytes: 3 MiB, written as fast as the pipe takes them. */
const THREE_MIB = `${PYTHON} -c "import os; [os.write(1, str(i).zfill(7).encode() + b'x' * 56 + b'\\n') for i in range(49152)]"`;

async function bigLog(t: { after(fn: () => unknown): void }, kind: DaemonKind): Promise<Record<string, { size: number; text: string }>> {
  const dir = makeTmpDir(t, `fv-rotation-big-${kind}-`);
  const conf = writeConf(dir, `
[program:big]
command=${THREE_MIB}
startsecs=0
autorestart=false
stdout_logfile=${dir}/big.log
stdout_logfile_maxbytes=1MB
stdout_logfile_backups=10
stderr_logfile=NONE
`);
  const d = startDaemon(t, kind, dir, conf);
  await waitForLog(d, /^INFO exited: big \(exit status 0; expected\)/, 60_000);
  await d.stop();
  const out: Record<string, { size: number; text: string }> = {};
  for (const name of readdirSync(dir).filter((n) => n.startsWith('big.log'))) {
    const text = readFileSync(join(dir, name), 'latin1');
    out[name] = { size: text.length, text };
  }
  return out;
}

test('3 MiB through a 1MB log: both daemons keep every byte in order; none of our files passes 1MB', { skip, timeout: 120_000 }, async (t) => {
  const [ours, theirs] = await Promise.all([bigLog(t, 'fleetvisord'), bigLog(t, 'supervisord')]);
  const written = Array.from({ length: 49152 }, (_, i) => `${String(i).padStart(7, '0')}${'x'.repeat(56)}\n`).join('');
  assert.equal(joined(theirs, 'big.log'), written, 'supervisord');
  assert.equal(joined(ours, 'big.log'), written, 'fleetvisord');
  assert.ok(Object.keys(ours).length >= 4, `${Object.keys(ours).length} files`);
  // supervisord's pass 1MB by up to one read of the pipe; ours, never.
  for (const [name, { size }] of Object.entries(ours)) assert.ok(size <= 1024 * 1024, `${name}: ${size} bytes`);
});

// Differential: child log files, rotation files and AUTO log names under supervisord 4.2.5 and
// fleetvisord for the same deterministic output.
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

test('child logs, rotation backups and AUTO names match supervisord byte for byte', { skip, timeout: 60_000 }, async (t) => {
  const [ours, theirs] = await Promise.all([run(t, 'fleetvisord'), run(t, 'supervisord')]);
  assert.deepEqual(Object.keys(ours.files), Object.keys(theirs.files));
  for (const key of Object.keys(theirs.files)) {
    assert.equal(ours.files[key], theirs.files[key], `contents of ${key}`);
  }
  assert.deepEqual(ours.autoNames, theirs.autoNames);
  for (const key of ours.autoNames) assert.equal(ours.modes[key], 0o600, `${key} is created 0600`);
  // The rotation kept every byte that fits in the backups window: 10 chunks of 100 bytes,
  // rotating at 250 with 2 backups keeps the last chunks in order.
  const kept = (ours.files['talker.log.2'] ?? '') + (ours.files['talker.log.1'] ?? '') + (ours.files['talker.log'] ?? '');
  const all = Array.from({ length: 10 }, (_, k) => String.fromCharCode(97 + k).repeat(99) + '\n').join('');
  assert.ok(all.endsWith(kept), 'backups + current file are a suffix of what was written');
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

test('rotated files have supervisord\'s sizes for the same writes: a write that passes maxbytes ends its file', { skip, timeout: 90_000 }, async (t) => {
  // Each chunk arrives as one read. With maxbytes 3000: 1000+1000+1500 ends a file at 3500, a single
  // 4000-byte write fills a file of its own, 2999+1 ends one at exactly 3000, 10+4096 one at 4106.
  const writes = [1000, 1000, 1500, 4000, 2999, 1, 10, 4096, 100];
  const [ours, theirs] = await Promise.all([rotatedSizes(t, 'fleetvisord', writes), rotatedSizes(t, 'supervisord', writes)]);
  const sizes = (r: Record<string, { size: number }>): Record<string, number> => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.size]));
  assert.deepEqual(sizes(ours), sizes(theirs));
  assert.deepEqual(sizes(theirs), { 'sizes.log': 100, 'sizes.log.1': 4106, 'sizes.log.2': 3000, 'sizes.log.3': 4000, 'sizes.log.4': 3500 });
  for (const name of Object.keys(theirs)) assert.equal(ours[name]?.text, theirs[name]?.text, `contents of ${name}`);
});

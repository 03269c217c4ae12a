// Differential: the same config under Debian's supervisord 4.2.5 and under fleetvisord, compared on
// what the main log shows (start order, per-process state sequences, shutdown order) and the exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeTmpDir } from '../helpers/tmp.js';
import { programsDir } from '../helpers/paths.js';
import { logLines, startDaemon, supervisordAvailable, waitForLog, writeConf, type DaemonKind, type RunningDaemon } from '../helpers/daemon.js';

const skip = supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed (apt-get install -y supervisor)';
const node = process.execPath;

const LIFECYCLE = `
[program:late]
command=/bin/sleep 300
priority=300
[program:early]
command=/bin/sleep 300
priority=10
[program:mid]
command=/bin/sleep 300
priority=100
[program:quick]
command=${node} ${join(programsDir, 'diff-exit.js')} 0 1
priority=50
startretries=2
; A wide margin: supervisord notices an exit only when its loop wakes, so under load a quick exit
; close to startsecs can be promoted to RUNNING there first (supervisor/process.py Subprocess.transition).
startsecs=10
[program:done]
command=${node} ${join(programsDir, 'diff-exit.js')} 0.2 0
priority=60
startsecs=0
autorestart=false
[program:crash]
command=${node} ${join(programsDir, 'diff-exit.js')} 2.5 3
priority=65
startsecs=1
autorestart=unexpected
exitcodes=0
[program:okexit]
command=${node} ${join(programsDir, 'diff-exit.js')} 2.5 3
priority=66
startsecs=1
autorestart=unexpected
exitcodes=0,3
[program:bad]
command=/nonexistent/program
priority=70
startretries=0
[program:manual]
command=/bin/sleep 300
autostart=false
`;

/** Lines about processes, pids normalised; the lines whose timing is loop-dependent are dropped. */
function processLines(d: RunningDaemon): string[] {
  return logLines(d.mainLog())
    .filter((l) => /^(INFO|WARN|CRIT|ERRO) (spawned|spawnerr|success|exited|gave up|stopped):/.test(l))
    .map((l) => l.replace(/pid \d+/g, 'pid N'));
}

function linesFor(lines: string[], name: string): string[] {
  return lines.filter((l) => l.includes(`'${name}'`) || l.includes(` ${name} `) || l.includes(`: ${name} (`));
}

async function runScenario(t: { after(fn: () => unknown): void }, kind: DaemonKind): Promise<{ d: RunningDaemon; code: number | string }> {
  const dir = makeTmpDir(t, `fv-diff-${kind}-`);
  const conf = writeConf(dir, LIFECYCLE);
  const d = startDaemon(t, kind, dir, conf);
  await waitForLog(d, /^INFO gave up: quick entered FATAL state/, 20_000);
  await waitForLog(d, /^INFO gave up: bad entered FATAL state/);
  await waitForLog(d, /^WARN exited: crash \(exit status 3; not expected\)/);
  // crash is restarted after an unexpected exit: wait for its second spawn.
  await waitForLog(d, /^INFO exited: okexit \(exit status 3; expected\)/);
  const { waitFor } = await import('../helpers/wait-for.js');
  await waitFor(() => logLines(d.mainLog()).filter((l) => l.startsWith("INFO spawned: 'crash'")).length >= 2, { timeoutMs: 10_000, what: 'crash respawn' });
  const code = await d.stop();
  return { d, code };
}

test('lifecycle: start order, state sequences, shutdown order and exit status match supervisord', { skip, timeout: 90_000 }, async (t) => {
  const [ours, theirs] = await Promise.all([runScenario(t, 'fleetvisord'), runScenario(t, 'supervisord')]);
  assert.equal(ours.code, 0, 'fleetvisord exits 0 after SIGTERM');
  assert.equal(theirs.code, 0, 'supervisord exits 0 after SIGTERM');
  const a = processLines(ours.d);
  const b = processLines(theirs.d);

  // Start order: first spawn attempt of each autostarted program, by priority.
  const firstStarts = (lines: string[]) => {
    const names: string[] = [];
    for (const l of lines) {
      const m = /^INFO (?:spawned: '([^']+)'|spawnerr: can't find command '\/nonexistent\/program')/.exec(l);
      const name = m ? (m[1] ?? 'bad') : null;
      if (name && !names.includes(name)) names.push(name);
    }
    return names;
  };
  assert.deepEqual(firstStarts(a), firstStarts(b));
  assert.deepEqual(firstStarts(a), ['early', 'quick', 'done', 'crash', 'okexit', 'bad', 'mid', 'late']);

  // Per process, the sequence of state messages is the same.
  for (const name of ['quick', 'done', 'bad', 'okexit', 'early', 'mid', 'late']) {
    assert.deepEqual(linesFor(a, name), linesFor(b, name), `messages about ${name}`);
  }
  // crash restarts forever: compare the first two cycles.
  assert.deepEqual(linesFor(a, 'crash').slice(0, 4), linesFor(b, 'crash').slice(0, 4));
  assert.ok(!a.some((l) => l.includes('manual')), 'autostart=false is not started');

  // Shutdown stops one priority group at a time, highest first.
  const stops = (lines: string[]) => lines.filter((l) => / stopped: (late|mid|early) /.test(l)).map((l) => / stopped: (\w+)/.exec(l)?.[1]);
  assert.deepEqual(stops(a), ['late', 'mid', 'early']);
  assert.deepEqual(stops(a), stops(b));
});

// backoff_max_secs and fatal_retry_secs with real programs. Two programs that always exit at once
// run side by side, one capped at 2 s: the delays before each retry, read from the daemon's log
// timestamps (BACKOFF logged as "exited", STARTING as "spawned"), grow 1, 2, 3 s uncapped and
// 1, 2, 2 s capped. A FATAL program with fatal_retry_secs is started again once its database is
// back; the same program without it stays FATAL.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../helpers/ports.js';
import { program, startOptionsDaemon } from './harness.js';

/** Seconds since the epoch of a main-log line ("2024-01-02 03:04:05,678 INFO ..."). */
function stamp(line: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3}) /.exec(line);
  assert.ok(m, line);
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime() / 1000;
}

/** The delays before each retry of `name`: from each "exited" (BACKOFF) line to the next "spawned" line. */
function retryDelays(log: string, name: string): number[] {
  const lines = log.split('\n');
  const out: number[] = [];
  let exitedAt: number | null = null;
  for (const line of lines) {
    if (line.includes(` exited: ${name} (`)) exitedAt = stamp(line);
    else if (line.includes(` spawned: '${name}' with pid `) && exitedAt !== null) {
      out.push(stamp(line) - exitedAt);
      exitedAt = null;
    }
  }
  return out;
}

/** Log timestamps have millisecond resolution and the "exited" line follows the state change. */
const SLACK = 0.05;

describe('backoff_max_secs and fatal_retry_secs', { concurrency: true }, () => {
  test('backoff_max_secs caps the delay that grows by a second per retry', { timeout: 120_000 }, async (t) => {
    const fv = await startOptionsDaemon(t, `
[program:capped]
command=/bin/false
startsecs=10
startretries=3
backoff_max_secs=2

[program:uncapped]
command=/bin/false
startsecs=10
startretries=3
`);
    await fv.waitState('capped', 'FATAL');
    await fv.waitState('uncapped', 'FATAL');
    const capped = retryDelays(fv.d.mainLog(), 'capped');
    const uncapped = retryDelays(fv.d.mainLog(), 'uncapped');
    t.diagnostic(`retry delays: capped ${capped.map((d) => d.toFixed(3)).join(', ')}; uncapped ${uncapped.map((d) => d.toFixed(3)).join(', ')}`);
    assert.equal(capped.length, 3, `${capped}`);
    assert.equal(uncapped.length, 3, `${uncapped}`);
    // supervisord's schedule, which the uncapped program keeps: at least 1, 2 and 3 seconds.
    uncapped.forEach((d, i) => assert.ok(d >= i + 1 - SLACK, `uncapped retry ${i + 1} after ${d} s`));
    // Capped at 2: at least 1, 2, 2 seconds, and the third retry comes sooner than uncapped.
    [1, 2, 2].forEach((min, i) => assert.ok((capped[i] ?? 0) >= min - SLACK, `capped retry ${i + 1} after ${capped[i]} s`));
    assert.ok((capped[2] ?? 0) < (uncapped[2] ?? 0), `capped third delay ${capped[2]} s, uncapped ${uncapped[2]} s`);
    const fatal = await fv.info('capped');
    assert.equal(fatal.description, 'Exited too quickly (process log may have details)');
  });

  test('fatal_retry_secs starts a FATAL program again; without it the program stays FATAL', { timeout: 120_000 }, async (t) => {
    const [p1, p2] = [await freePort(), await freePort()];
    // Up means listening (ready_tcp): an exit before that is a failed start however slow the machine.
    const fv = await startOptionsDaemon(t, `
[program:needsdb]
command=${program('fail-until-file.js', '{DIR}/db-up', p1)}
startsecs=0
startretries=0
ready_tcp=127.0.0.1:${p1}
fatal_retry_secs=1

[program:nodb]
command=${program('fail-until-file.js', '{DIR}/db-up', p2)}
startsecs=0
startretries=0
ready_tcp=127.0.0.1:${p2}
`);
    await fv.waitState('needsdb', 'FATAL');
    await fv.waitState('nodb', 'FATAL');
    // It is retried while the database is down (and goes FATAL again each time).
    await fv.waitLine(/^INFO retrying needsdb after 1 seconds in FATAL \(fatal_retry_secs\)$/);
    writeFileSync(join(fv.dir, 'db-up'), '');
    const up = await fv.waitState('needsdb', 'RUNNING');
    assert.ok(up.pid > 0);
    const lines = fv.lines();
    const retries = lines.filter((l) => l === 'INFO retrying needsdb after 1 seconds in FATAL (fatal_retry_secs)').length;
    assert.equal(lines.filter((l) => l.startsWith("INFO spawned: 'needsdb'")).length, retries + 1);
    // Meanwhile the program without fatal_retry_secs was never tried again.
    assert.equal((await fv.info('nodb')).statename, 'FATAL');
    assert.equal(lines.filter((l) => l.startsWith("INFO spawned: 'nodb'")).length, 1);
    assert.ok(!lines.some((l) => l.startsWith('INFO retrying nodb')), lines.join('\n'));
  });

  test('a stop asked of a FATAL program answers "not running" and ends its fatal_retry_secs retries', { timeout: 120_000 }, async (t) => {
    const fv = await startOptionsDaemon(t, `
[program:ended]
command=/bin/false
startsecs=10
startretries=0
fatal_retry_secs=1

[program:clock]
command=/bin/false
startsecs=10
startretries=0
fatal_retry_secs=1
`);
    await fv.waitLine(/^INFO retrying ended after 1 seconds in FATAL \(fatal_retry_secs\)$/);
    await fv.waitState('ended', 'FATAL');
    const stop = await fv.ctl('stop', 'ended');
    assert.equal(stop.stdout.trim(), 'ended: ERROR (not running)');
    const from = fv.lines().length;
    // The program left alone is the clock: two of its retries after the stop are two chances
    // for a retry of the stopped one.
    const retriesOfClock = (): number => fv.lines().slice(from).filter((l) => l.startsWith('INFO retrying clock after')).length;
    await fv.waitStats('clock', () => retriesOfClock() >= 2, 'two more retries of clock');
    const after = fv.lines().slice(from);
    assert.ok(!after.some((l) => l.startsWith('INFO retrying ended') || l.startsWith("INFO spawned: 'ended'")), after.join('\n'));
    assert.equal((await fv.info('ended')).statename, 'FATAL');
  });
});

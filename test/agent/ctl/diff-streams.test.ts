// Differential: the streaming commands. tail -f and fg run until Ctrl-C (SIGINT) or end of input;
// each ctl is driven the same way and stopped once its output shows what the log holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { supervisordAvailable } from '../../helpers/daemon.js';
import { waitFor } from '../../helpers/wait-for.js';
import { label, normalised, settle, skipReal, spawnCtl, startPair, startSite, type CtlKind, type CtlRun, type Pair, type Site } from './harness.js';

const skip = skipReal || (supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed');

const BODY = `
[program:spew]
command={PROGRAMS}/spew.js 6
startsecs=0
autorestart=false
[program:cat]
command=/bin/cat
startsecs=0
`;

interface Drive {
  /** Text the output must contain before `then` runs (a RegExp: must match). */
  readonly waitFor: string | RegExp;
  readonly then: (child: ReturnType<typeof spawnCtl>['child']) => void;
}

/** Runs one ctl through the steps; returns its normalised result. */
async function drive(kind: CtlKind, site: Site, args: readonly string[], steps: readonly Drive[]): Promise<CtlRun> {
  const run = spawnCtl(kind, ['-c', site.conf, ...args], { cwd: site.dir });
  for (const step of steps) {
    const seen = (): boolean => (typeof step.waitFor === 'string' ? run.output().includes(step.waitFor) : step.waitFor.test(run.output()));
    await waitFor(seen, { timeoutMs: 15_000, what: `${kind} ${args.join(' ')} to show ${String(step.waitFor)}` });
    step.then(run.child);
  }
  return normalised(await run.result, site.dir, site.serverurl);
}

/**
 * supervisorctl race: a SIGINT that lands inside asyncore's read handler is caught there and
 * reported as a connection error on stderr instead of ending the tail with its empty line.
 * Both are supervisorctl's answer to Ctrl-C; the empty line is the usual one, so compare to that.
 */
function withoutInterruptRace(r: CtlRun): CtlRun {
  const re = /^\S+ Cannot connect, error: <class 'KeyboardInterrupt'> \(\)\n/m;
  if (!re.test(r.stderr)) return r;
  // In the shell the empty line would stand before the prompt that follows the tail.
  const i = r.stdout.indexOf('supervisor> ', r.stdout.indexOf('<==\n'));
  const stdout = i > 0 ? `${r.stdout.slice(0, i)}\n${r.stdout.slice(i)}` : `${r.stdout}\n`;
  return { ...r, stderr: r.stderr.replace(re, ''), stdout };
}

/** Drives the reference and every candidate the same way; supervisorctl's Ctrl-C race is folded on both sides. */
async function compareDriven(pair: Pair, args: readonly string[], steps: readonly Drive[], stepsFor?: (site: Site) => readonly Drive[]): Promise<void> {
  const [a, ...rest] = await Promise.all([
    drive('supervisorctl', pair.real, args, stepsFor?.(pair.real) ?? steps),
    ...pair.trials.map((x) => drive(x.cand.ctl, x.site, args, stepsFor?.(x.site) ?? steps)),
  ]);
  const expected = withoutInterruptRace(a as CtlRun);
  pair.trials.forEach((x, i) => {
    const got = rest[i] as CtlRun;
    assert.deepEqual(x.cand.ctl === 'supervisorctl' ? withoutInterruptRace(got) : got, expected, `${label(x.cand)}: ${args.join(' ')}`);
  });
}

const interrupt: Drive['then'] = (c) => { c.kill('SIGINT'); };
const typed = (text: string): Drive['then'] => (c) => { c.stdin.write(text); };

test(`tail -f: the log so far, then Ctrl-C ends it with an empty line`, { skip }, async (t) => {
  const pair = await startPair(t, BODY);
  await compareDriven(pair, ['tail', '-f', 'spew'], [{ waitFor: 'out 4\n', then: interrupt }]);
  await compareDriven(pair, ['tail', '-f', 'spew', 'stderr'], [{ waitFor: 'err 5\n', then: interrupt }]);
  // A log that does not exist: the stream answers 404, which ends the command by itself.
  await compareDriven(pair, ['tail', '-f', 'nope'], []);
  await compareDriven(pair, ['tail', '-f', 'nope:*'], []);
  await compareDriven(pair, ['fg', 'spew'], []);
  // The shell: Ctrl-C at the prompt prints an empty line and leaves with status 0.
  await compareDriven(pair, [], [{ waitFor: 'supervisor> ', then: interrupt }]);
  await compareDriven(pair, [], [{ waitFor: 'supervisor> ', then: typed('tail -f spew\n') },
    { waitFor: 'out 4\n', then: interrupt }, { waitFor: /out 4\n\n?supervisor> /, then: typed('version\n') },
    { waitFor: '4.2.5\n', then: (c) => { c.stdin.end(); } }]);
});

// supervisorctl's fg can take up to 30 s to exit (its stream thread sleeps in asyncore.loop, with
// the default 30 s timeout of supervisor/medusa/asyncore_25.py loop), so the two fg comparisons
// run side by side; Ctrl-C in fg is checked on fleetvisorctl alone.
test(`fg: lines go to the process and its output comes back; end of input or a stopped process ends it`, { skip }, async (t) => {
  const [pair, other] = await Promise.all([startPair(t, BODY), startPair(t, BODY)]);
  const typing = async (): Promise<void> => {
    await compareDriven(pair, ['fg', 'cat'], [
      { waitFor: '==> Press Ctrl-C to exit <==\n', then: typed('hello\n') },
      { waitFor: 'hello\n', then: (c) => { c.stdin.end(); } },
    ]);
  };
  const stopThenType = (site: Site): Drive['then'] => (c) => {
    void (async () => {
      const r = spawnCtl('fleetvisorctl', ['-c', site.conf, 'stop', 'cat'], { cwd: site.dir });
      r.child.stdin.end();
      await r.result;
      await settle(site);
      c.stdin.write('late\n');
    })();
  };
  const stopped = () => compareDriven(other, ['fg', 'cat'], [], (site) => [{ waitFor: '<==\n', then: stopThenType(site) }]);
  await Promise.all([typing(), stopped()]);
  for (const x of pair.trials.filter((y) => y.cand.ctl === 'fleetvisorctl')) {
    const r = await drive('fleetvisorctl', x.site, ['fg', 'cat'], [
      { waitFor: 'hello\n', then: typed('again\n') },
      { waitFor: 'again\n', then: interrupt },
    ]);
    assert.deepEqual(r, { code: 0, stderr: '', stdout: '==> Press Ctrl-C to exit <==\nhello\nagain\nExiting foreground\n' }, label(x.cand));
  }
});

for (const kind of ['supervisord', 'fleetvisord'] as const) test(`maintail -f streams the main log from its last 1024 bytes (${kind})`, { skip }, async (t) => {
  const site = await startSite(t, kind, BODY);
  const log = readFileSync(join(site.dir, 'main.log'), 'utf8');
  const start = Buffer.from(log).subarray(-1024).toString();
  const r = await drive('fleetvisorctl', site, ['maintail', '-f'], [{ waitFor: start.slice(-40), then: interrupt }]);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
  assert.ok(r.stdout.startsWith('==> Press Ctrl-C to exit <==\n'), r.stdout);
  assert.ok(r.stdout.endsWith('\n\n'));
});

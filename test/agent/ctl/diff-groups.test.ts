// Differential: reread, update, add, remove and avail after the config file changed, and the
// daemon's own commands (reload, shutdown, the SHUTDOWN_STATE answers while it stops, open).
import { test } from 'node:test';
import { supervisordAvailable } from '../../helpers/daemon.js';
import { waitFor } from '../../helpers/wait-for.js';
import { forever } from './programs.js';
import { compare, compareAll, compareReadOnly, processInfos, settle, skipReal, startPair, type Pair } from './harness.js';

const skip = skipReal || (supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed');


const BEFORE = [forever('a'), forever('b'), forever('c', 'autostart=false\n'), forever('x'), forever('y'),
  '[group:g]\nprograms=x,y\npriority=5\n'].join('');

const AFTER = [forever('a', 'environment=CHANGED=1\n'), forever('c', 'autostart=false\n'), forever('d'),
  forever('e', 'autostart=false\npriority=7\n'), forever('x'), forever('y'), '[group:g]\nprograms=x,y\npriority=5\n',
  forever('z'), '[group:h]\nprograms=z\n'].join('');

function rewrite(pair: Pair, body: string): void {
  for (const site of pair.sites) site.rewrite(body);
}

async function settleBoth(pair: Pair): Promise<void> {
  await Promise.all(pair.sites.map((site) => settle(site)));
}

test(`reread, update, add, remove and avail after a config change`, { skip }, async (t) => {
  const pair = await startPair(t, BEFORE);
  await compareReadOnly(pair, ['avail', 'reread', 'update', 'reread x', 'avail x']);
  rewrite(pair, AFTER);
  await compareAll(pair, [
    'reread', 'reread', 'avail', 'add', 'add nope', 'add d', 'add d', 'remove nope', 'remove d', 'stop d', 'remove d',
    'remove', 'update nope', 'update nope d', 'update d', 'status',
  ]);
  await settleBoth(pair);
  await compareAll(pair, ['update all', 'status', 'reread', 'update', 'avail']);
  await settleBoth(pair);
  rewrite(pair, BEFORE);
  await compareAll(pair, ['update h g', 'reread']);
  await settleBoth(pair);
  await compareAll(pair, ['~update', 'status', 'avail']);
  rewrite(pair, '[program:broken]\ncommand={PROGRAMS}/forever.js\nautostart=maybe\n');
  await compareAll(pair, ['reread', 'update', 'avail']);
});

test(`reload, open, and the answers while the daemon shuts down`, { skip }, async (t) => {
  const pair = await startPair(t, forever('a'));
  await compare(pair, ['-c', '{CONF}', 'reload']);
  await Promise.all(pair.sites.map(async (site) => {
    await waitFor(async () => { try { return (await processInfos(site)).length === 1; } catch { return false; } },
      { timeoutMs: 20_000, what: 'the daemon back after reload' });
    await settle(site);
  }));
  await compareAll(pair, ['status', 'open unix://{DIR}/s.sock', 'open unix://{DIR}/none.sock', 'open http://127.0.0.1:1', 'open x']);
  rewrite(pair, `${forever('a')}[program:stubborn]\ncommand={PROGRAMS}/ignore-sigterm.js\nstartsecs=0\nstopwaitsecs=120\n`);
  await compareAll(pair, ['update']);
  await settleBoth(pair);
  const stubborn = await Promise.all(pair.sites.map(async (s) => (await processInfos(s)).find((i) => i.name === 'stubborn')?.pid ?? 0));
  await compare(pair, ['-c', '{CONF}', 'shutdown']);
  // stubborn ignores SIGTERM for 120 s: until we kill it, every call meets SHUTDOWN_STATE.
  await compareReadOnly(pair, ['status', 'avail', 'reread', 'update', 'add a', 'remove a', 'shutdown', 'reload',
    'version', 'pid', 'start a', 'stop a', 'tail a', 'maintail', 'clear a', 'signal HUP a', 'fg a']);
  for (const pid of stubborn) if (pid > 0) process.kill(pid, 'SIGKILL');
  await Promise.all(pair.sites.map((site) => site.daemon.exited()));
  await compareReadOnly(pair, ['status', 'shutdown', 'reload', 'avail', 'version']);
});

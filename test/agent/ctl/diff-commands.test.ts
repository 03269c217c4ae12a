// Differential: every process command of supervisorctl, its usage errors and its error texts,
// run through Debian's supervisorctl and fleetvisorctl against two identical daemons.
import { test } from 'node:test';
import { supervisordAvailable } from '../../helpers/daemon.js';
import { compareAll, compareReadOnly, skipReal, startPair } from './harness.js';
import { BASE, forever, group } from './programs.js';

const skip = skipReal || (supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed');

export const PROGRAMS = [BASE,
  '[program:noexec]\ncommand={DIR}/supervisord.conf\nautostart=false\n',
  // quick must always exit "too quickly": on a loaded machine node's boot can outlast a short
  // startsecs, and supervisord would call it started. 10 s leaves no such race.
  '[program:quick]\ncommand={PROGRAMS}/exit-with.js 1\nautostart=false\nstartsecs=10\nstartretries=0\n',
  '[program:spew]\ncommand={PROGRAMS}/spew.js 6\nstartsecs=0\nautorestart=false\n',
  group('grp', ['ga', 'gb']), forever('ga'), forever('gb', 'autostart=false\n'),
  forever('multi', 'process_name=%(program_name)s_%(process_num)02d\nnumprocs=2\n'),
  forever('a_rather_long_program_name_for_widths', 'autostart=false\n'),
].join('');

/** For `all`: no program whose outcome depends on timing in the daemon (quick, spew). */
const ALL_PROGRAMS = [BASE, group('grp', ['ga', 'gb']), forever('ga'), forever('gb')].join('');

test(`status, pid, version, help and syntax errors match supervisorctl`, { skip }, async (t) => {
  const pair = await startPair(t, PROGRAMS);
  await compareReadOnly(pair, [
    'status', 'status all', 'status forever', 'status grp:*', 'status grp:', 'status grp:ga multi:multi_01',
    'status nope', 'status nope:*', 'status grp', 'status forever nope x:* grp:gb', 'status stopped', 'status spew',
    'pid', 'pid all', 'pid forever', 'pid stopped', 'pid nope', 'pid forever nope stopped', 'pid grp:*',
    // Every command's help text is checked against supervisorctl's help_* in format.test.ts.
    'version', 'version x', 'help', 'help help', 'help nope', 'help EOF', 'help status extra', '?', '? tail',
    'help maintail', 'help restart',
    'foo', 'foo bar', 'Status', '!ls', ':x', 'status,forever', 'EOF', 'quit', 'exit', '',
  ]);
});

test(`start, stop, restart, signal and clear match supervisorctl`, { skip }, async (t) => {
  const pair = await startPair(t, PROGRAMS);
  await compareAll(pair, [
    'start', 'start forever', 'start bad', 'start noexec', 'start quick', 'start nope', 'start nope:*', 'start grp:nope',
    'start stopped', 'status stopped', '~start grp:*', '~start grp:', 'start forever stopped nope',
    'stop', 'stop stopped', 'status stopped', 'stop stopped', 'stop nope', 'stop nope:*', '~stop grp:*', 'stop grp:*',
    'stop multi:multi_00', 'restart', 'restart multi:multi_00', '~restart multi:*', 'restart nope', 'restart quick',
    'signal', 'signal HUP', 'signal HUP stopped', 'signal BOGUS forever', 'signal HUP forever', '~signal USR1 multi:*',
    'signal HUP nope:*', 'signal HUP nope', 'signal 0 forever', '~signal BOGUS multi:*',
    'clear', 'clear forever', 'clear nope', 'clear grp:*', 'clear forever grp:ga', '~clear all',
  ]);
});

test(`start/stop/signal all and restart all match supervisorctl`, { skip }, async (t) => {
  const pair = await startPair(t, ALL_PROGRAMS);
  await compareAll(pair, [
    '~stop all', 'status', 'stop all', '~start all', '~start all', 'status', '~signal HUP all', '~restart all',
    '~signal KILL all', '~start forever all', '~stop all', '~signal HUP all', 'status',
  ]);
});

test(`tail, maintail and avail match supervisorctl`, { skip }, async (t) => {
  const pair = await startPair(t, PROGRAMS);
  await compareAll(pair, [
    'tail', 'tail a b c d', 'tail spew', 'tail spew stdout', 'tail spew stderr', 'tail spew STDERR', 'tail -6 spew',
    'tail -6 spew stderr', 'tail -0 spew', 'tail spew bogus', 'tail -x spew', 'tail - spew', 'tail -f', 'tail nope',
    'tail nope stderr', 'tail grp:*', 'tail -100 nope', 'tail -f spew bogus', 'tail stopped',
    'maintail a b', 'maintail -x', 'maintail x', 'maintail -', 'avail', 'avail x',
  ]);
});

// Unit tests of fleetvisorctl's texts: status columns, avail, reread, results, help columns (the
// last checked against Python's own cmd.Cmd.columnize).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ProcessInfo } from '../../../agent/rpc/wire-types.js';
import {
  changeLines, clearOutcome, columnize, configInfoLine, helpIndex, ljust, namespec, resultJson, resultLine,
  signalOutcome, splitNamespec, startOutcome, statusLines,
} from '../../../agent/ctl/format.js';
import { HELP } from '../../../agent/ctl/help-texts.js';
import { helpTopics } from '../../../agent/ctl/commands/help.js';
import { PYTHON } from '../../helpers/paths.js';

function info(group: string, name: string, statename: string, description: string): ProcessInfo {
  return { name, group, statename, description, state: 0, start: 0, stop: 0, now: 0, spawnerr: '', exitstatus: 0,
    logfile: '', stdout_logfile: '', stderr_logfile: '', pid: 0 };
}

test('status: name column max(30, longest)+3 wide, state 10, trailing spaces kept', () => {
  const lines = statusLines([info('web', 'web', 'RUNNING', 'pid 1, uptime 0:00:01'), info('g', 'p', 'STARTING', '')]);
  assert.deepEqual(lines, [
    'web                              RUNNING   pid 1, uptime 0:00:01',
    'g:p                              STARTING  ',
  ]);
  const long = 'a'.repeat(40);
  const wide = statusLines([info(long, long, 'STOPPED', 'Not started'), info('x', 'x', 'BACKOFF', 'Exited too quickly')]);
  assert.equal(wide[0], `${long}   STOPPED   Not started`);
  assert.equal(wide[1], `x${' '.repeat(42)}BACKOFF   Exited too quickly`);
  assert.deepEqual(statusLines([]), []);
});

test('status: widths count code points as Python len() does', () => {
  const name = '\u{1F600}'.repeat(31);
  assert.equal(statusLines([info(name, name, 'RUNNING', 'x')])[0], `${name}   RUNNING   x`);
  assert.equal(ljust('é', 3), 'é  ');
});

test('namespec and splitNamespec follow supervisor.options', () => {
  assert.equal(namespec('a', 'a'), 'a');
  assert.equal(namespec('g', 'p'), 'g:p');
  assert.deepEqual(splitNamespec('a'), { group: 'a', name: 'a' });
  assert.deepEqual(splitNamespec('g:p'), { group: 'g', name: 'p' });
  assert.deepEqual(splitNamespec('g:*'), { group: 'g', name: null });
  assert.deepEqual(splitNamespec('g:'), { group: 'g', name: null });
  assert.deepEqual(splitNamespec('g:p:q'), { group: 'g', name: 'p:q' });
});

test('avail: %-32s %-9s %-9s %s', () => {
  const base = { inuse: true, autostart: true, group_prio: 999, process_prio: 999, extra: {} };
  assert.equal(configInfoLine({ ...base, name: 'ga', group: 'grp' }), 'grp:ga                           in use    auto      999:999');
  assert.equal(configInfoLine({ ...base, name: 'x', group: 'x', inuse: false, autostart: false, group_prio: 5, process_prio: 1 }),
    'x                                avail     manual    5:1');
});

test('reread: merged, sorted by name; nothing changed has its own line', () => {
  assert.deepEqual(changeLines({ added: ['b', 'Z'], changed: ['a'], removed: ['c'] }),
    ['Z: available', 'a: changed', 'b: available', 'c: disappeared']);
  assert.deepEqual(changeLines({ added: [], changed: [], removed: [] }), ['No config updates to processes']);
});

test('result codes: start, stop/signal and clear texts, unknown codes refused', () => {
  const start = (c: number): string | undefined => { const o = startOutcome(c); return o && resultLine('x', o, `D${c}`); };
  assert.deepEqual([10, 20, 21, 60, 50, 40, 80].map(start), ['x: ERROR (no such process)', 'x: ERROR (no such file)',
    'x: ERROR (file is not executable)', 'x: ERROR (already started)', 'x: ERROR (spawn error)',
    'x: ERROR (abnormal termination)', 'x: started']);
  assert.equal(startOutcome(30), undefined);
  const stop = (c: number): string | undefined => { const o = signalOutcome(c, 'stopped'); return o && resultLine('x', o, `D${c}`); };
  assert.deepEqual([10, 11, 70, 80, 30].map(stop), ['x: ERROR (no such process)', 'x: ERROR (bad signal name)',
    'x: ERROR (not running)', 'x: stopped', 'D30']);
  assert.equal(signalOutcome(60, 'signalled'), undefined);
  const clear = (c: number): string | undefined => { const o = clearOutcome(c); return o && resultLine('x', o, ''); };
  assert.deepEqual([10, 30, 80].map(clear), ['x: ERROR (no such process)', 'x: ERROR (failed)', 'x: cleared']);
  assert.equal(clearOutcome(70), undefined);
});

test('result JSON: result on success, error (the same reason) otherwise', () => {
  assert.deepEqual(resultJson('g:p', 80, { kind: 'ok', word: 'started' }, 'OK'),
    { name: 'g:p', status: 80, result: 'started', description: 'OK' });
  assert.deepEqual(resultJson('p', 50, { kind: 'error', reason: 'spawn error' }, 'SPAWN_ERROR: p'),
    { name: 'p', status: 50, error: 'spawn error', description: 'SPAWN_ERROR: p' });
  assert.deepEqual(resultJson('p', 30, { kind: 'raw' }, 'FAILED: x'), { name: 'p', status: 30, error: 'FAILED: x', description: 'FAILED: x' });
});

test('help index: the 21 topics in columns of width 79, framed as cmd.Cmd prints them', () => {
  const topics = ['add', 'avail', 'clear', 'exit', 'fg', 'maintail', 'open', 'pid', 'quit', 'reload', 'remove', 'reread',
    'restart', 'shutdown', 'signal', 'start', 'status', 'stop', 'tail', 'update', 'version'];
  assert.deepEqual(helpIndex(topics), ['', 'default commands (type help <topic>):', '=====================================',
    'add    exit      open  reload  restart   start   tail   ', 'avail  fg        pid   remove  shutdown  status  update ',
    'clear  maintail  quit  reread  signal    stop    version', '']);
});

test('columnize matches Python cmd.Cmd.columnize', { skip: existsSync(PYTHON) ? false : 'no python3' }, () => {
  const cases: [string[], number][] = [[[], 79], [['one'], 79], [['a', 'bb', 'ccc'], 79], [['a', 'bb', 'ccc'], 5],
    [Array.from({ length: 40 }, (_, i) => 'x'.repeat((i * 7) % 13 + 1)), 79], [['averyveryverylongname', 'b'], 10],
    [Array.from({ length: 30 }, (_, i) => `name${i}`), 40], [['a', '', 'b', ''], 79]];
  const code = 'import cmd, io, json, sys\nfor lst, w in json.load(sys.stdin):\n'
    + '  c = cmd.Cmd(stdout=io.StringIO()); c.columnize(lst, w); print(json.dumps(c.stdout.getvalue()))\n';
  const r = spawnSync(PYTHON, ['-c', code], { input: JSON.stringify(cases), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const expected = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as string);
  cases.forEach(([list, width], k) => {
    assert.equal(columnize(list, width).map((l) => l + '\n').join(''), expected[k], JSON.stringify(list));
  });
});

test('every help text is what supervisorctl\'s help_<command> prints', { skip: existsSync(PYTHON) ? false : 'no python3' }, () => {
  const code = 'import json\nfrom supervisor import supervisorctl as s\n'
    + 'class Ctl:\n  def __init__(self): self.lines = []\n  def output(self, m): self.lines.append(m)\n'
    + 'out = {}\nfor n in [a[5:] for a in dir(s.DefaultControllerPlugin) if a.startswith("help_")]:\n'
    + '  c = Ctl(); getattr(s.DefaultControllerPlugin(c), "help_" + n)(); out[n] = "\\n".join(c.lines)\n'
    + 'c = Ctl(); s.Controller.help_help(c); out["help"] = "\\n".join(c.lines)\nprint(json.dumps(out))\n';
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual({ ...HELP }, JSON.parse(r.stdout));
  assert.equal(helpTopics().length, 21);
});

// start, stop, restart, signal and clear: `all`, `g:*` and single names, each result shown as
// supervisorctl shows it, with its per-command exit statuses.
import { Faults, RpcFault } from '../../rpc/faults.js';
import type { StatusResult } from '../../rpc/wire-types.js';
import type { SupervisorProxy } from '../connection.js';
import type { Command, Controller } from '../controller.js';
import { ExitCode } from '../exit-codes.js';
import { clearOutcome, errorFor, MSG, signalOutcome, splitNamespec, startOutcome, type Outcome } from '../format.js';
import { pySplit } from '../line.js';
import { report, reportNameError, reportSuccess, usage } from './common.js';

interface Action {
  readonly command: string;
  readonly word: string;
  readonly outcome: (code: number) => Outcome | undefined;
  /** The fault that does not change the exit status (start: already started, stop: not running). */
  readonly ignored?: number;
  readonly all: (s: SupervisorProxy) => Promise<StatusResult[]>;
  /** null: `g:*` goes to the single-process method (clear). */
  readonly group: ((s: SupervisorProxy, group: string) => Promise<StatusResult[]>) | null;
  readonly single: (s: SupervisorProxy, name: string) => Promise<void>;
  /** Exit status for `g:*` of an unknown group. */
  readonly badGroupStatus: number;
}

function showResults(ctl: Controller, a: Action, results: readonly StatusResult[]): void {
  for (const r of results) {
    report(ctl, r, a.outcome);
    ctl.setExitFromFault(r.status, a.ignored);
  }
}

async function actOnGroup(ctl: Controller, a: Action, s: SupervisorProxy, group: string): Promise<void> {
  if (a.group === null) return;
  try {
    showResults(ctl, a, await a.group(s, group));
  } catch (err) {
    if (!(err instanceof RpcFault && err.code === Faults.BAD_NAME)) throw err;
    reportNameError(ctl, errorFor(group, 'no such group'), group, 'no such group');
    ctl.exitstatus = a.badGroupStatus;
  }
}

async function actOnOne(ctl: Controller, a: Action, s: SupervisorProxy, name: string): Promise<void> {
  const { group, name: proc } = splitNamespec(name);
  try {
    await a.single(s, name);
  } catch (err) {
    if (!(err instanceof RpcFault)) throw err;
    report(ctl, { group, name: proc, status: err.code, description: err.faultString }, a.outcome);
    ctl.setExitFromFault(err.code, a.ignored);
    return;
  }
  reportSuccess(ctl, group, proc ?? 'None', a.word);
}

/** The common shape: server check, names required, `all`, then each name. */
async function act(ctl: Controller, a: Action, arg: string, missing: string, missingStatus: number, minWords = 1): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const words = pySplit(arg);
  if (words.length < minWords) { usage(ctl, missing, a.command, missingStatus); return; }
  const s = ctl.supervisor();
  const names = a.command === 'signal' ? words.slice(1) : words;
  if (names.includes('all')) { showResults(ctl, a, await a.all(s)); return; }
  for (const name of names) {
    if (a.group !== null && splitNamespec(name).name === null) await actOnGroup(ctl, a, s, splitNamespec(name).group);
    else await actOnOne(ctl, a, s, name);
  }
}

const START: Action = {
  command: 'start', word: 'started', outcome: startOutcome, ignored: Faults.ALREADY_STARTED,
  all: (s) => s.startAllProcesses(), group: (s, g) => s.startProcessGroup(g), single: (s, n) => s.startProcess(n),
  badGroupStatus: ExitCode.INVALID_ARGS,
};

const STOP: Action = {
  command: 'stop', word: 'stopped', outcome: (c) => signalOutcome(c, 'stopped'), ignored: Faults.NOT_RUNNING,
  all: (s) => s.stopAllProcesses(), group: (s, g) => s.stopProcessGroup(g), single: (s, n) => s.stopProcess(n),
  badGroupStatus: ExitCode.GENERIC,
};

function signalAction(sig: string): Action {
  return {
    command: 'signal', word: 'signalled', outcome: (c) => signalOutcome(c, 'signalled'),
    all: (s) => s.signalAllProcesses(sig), group: (s, g) => s.signalProcessGroup(g, sig),
    single: (s, n) => s.signalProcess(n, sig), badGroupStatus: ExitCode.GENERIC,
  };
}

const CLEAR: Action = {
  command: 'clear', word: 'cleared', outcome: clearOutcome,
  all: (s) => s.clearAllProcessLogs(), group: null, single: (s, n) => s.clearProcessLogs(n),
  badGroupStatus: ExitCode.GENERIC,
};

export const startStopCommands: readonly Command[] = [
  { name: 'start', run: (ctl, arg) => act(ctl, START, arg, MSG.requiresName('start'), ExitCode.INVALID_ARGS) },
  { name: 'stop', run: (ctl, arg) => act(ctl, STOP, arg, MSG.requiresName('stop'), ExitCode.GENERIC) },
  {
    name: 'restart',
    run: async (ctl, arg) => {
      if (!(await ctl.upcheck())) return;
      if (pySplit(arg).length === 0) { usage(ctl, MSG.requiresName('restart'), 'restart', ExitCode.GENERIC); return; }
      await act(ctl, STOP, arg, MSG.requiresName('stop'), ExitCode.GENERIC);
      await act(ctl, START, arg, MSG.requiresName('start'), ExitCode.INVALID_ARGS);
    },
  },
  {
    name: 'signal',
    run: (ctl, arg) => act(ctl, signalAction(pySplit(arg)[0] ?? ''), arg,
      MSG.signalRequires, ExitCode.GENERIC, 2),
  },
  { name: 'clear', run: (ctl, arg) => act(ctl, CLEAR, arg, MSG.requiresName('clear'), ExitCode.GENERIC) },
];

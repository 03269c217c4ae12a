// The legal edges of the process state machine, as data: the ones supervisord's
// supervisor/process.py Subprocess takes (test/agent/process/transitions.test.ts checks the table
// against that file and against what Subprocess does). Imports only the state codes;
// Subprocess.changeState is the single caller of assertTransition.
import { ProcessState, stateName, type ProcessStateCode } from './states.js';
import { IllegalTransition } from './errors.js';

const S = ProcessState;

/** For each state, the states it may move to. Same-state changes are no-ops and never checked. */
export const TRANSITIONS: Readonly<Record<ProcessStateCode, ReadonlySet<ProcessStateCode>>> = Object.freeze({
  [S.STOPPED]: new Set<ProcessStateCode>([S.STARTING]),
  [S.STARTING]: new Set<ProcessStateCode>([S.RUNNING, S.BACKOFF, S.STOPPING, S.UNKNOWN]),
  [S.RUNNING]: new Set<ProcessStateCode>([S.STOPPING, S.EXITED, S.UNKNOWN]),
  [S.BACKOFF]: new Set<ProcessStateCode>([S.STARTING, S.FATAL, S.STOPPED]),
  [S.STOPPING]: new Set<ProcessStateCode>([S.STOPPED, S.UNKNOWN]),
  [S.EXITED]: new Set<ProcessStateCode>([S.STARTING]),
  [S.FATAL]: new Set<ProcessStateCode>([S.STARTING]),
  [S.UNKNOWN]: new Set<ProcessStateCode>(),
});

export function isLegalTransition(from: ProcessStateCode, to: ProcessStateCode): boolean {
  return TRANSITIONS[from].has(to);
}

/** Throws IllegalTransition (a bug in the caller, never a user error) for an edge not in the table. */
export function assertTransition(from: ProcessStateCode, to: ProcessStateCode, processName = ''): void {
  if (isLegalTransition(from, to)) return;
  throw new IllegalTransition(`illegal transition for ${processName}: ${stateName(from)} -> ${stateName(to)}`);
}

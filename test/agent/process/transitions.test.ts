// Every (from, to) pair of the 8x8 state matrix against the legal-edge table of style.md 3.4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessState, type ProcessStateName } from '../../../agent/process/states.js';
import { assertTransition, isLegalTransition } from '../../../agent/process/transitions.js';
import { IllegalTransition } from '../../../agent/process/errors.js';

const LEGAL: Record<ProcessStateName, ProcessStateName[]> = {
  STOPPED: ['STARTING'],
  STARTING: ['RUNNING', 'BACKOFF', 'STOPPING', 'UNKNOWN'],
  RUNNING: ['STOPPING', 'EXITED', 'UNKNOWN'],
  BACKOFF: ['STARTING', 'FATAL', 'STOPPED'],
  STOPPING: ['STOPPED', 'UNKNOWN'],
  EXITED: ['STARTING'],
  FATAL: ['STARTING'],
  UNKNOWN: [],
};
const names = Object.keys(ProcessState) as ProcessStateName[];

for (const from of names) {
  for (const to of names) {
    if (from === to) continue;
    const legal = LEGAL[from].includes(to);
    test(`${from} -> ${to} is ${legal ? 'legal' : 'illegal'}`, () => {
      assert.equal(isLegalTransition(ProcessState[from], ProcessState[to]), legal);
      if (legal) assertTransition(ProcessState[from], ProcessState[to], 'p');
      else assert.throws(() => assertTransition(ProcessState[from], ProcessState[to], 'p'),
        new IllegalTransition(`illegal transition for p: ${from} -> ${to}`));
    });
  }
}

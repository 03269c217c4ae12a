// Exit descriptions (supervisord's decode_wait_status) and the autorestart decision table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeExit, shouldAutoRestart } from '../../../agent/process/exit-status.js';

const cases: [number | null, number | null, boolean, number, string][] = [
  [0, null, false, 0, 'exit status 0'],
  [1, null, false, 1, 'exit status 1'],
  [127, null, false, 127, 'exit status 127'],
  [null, 15, false, -1, 'terminated by SIGTERM'],
  [null, 9, false, -1, 'terminated by SIGKILL'],
  [null, 11, true, -1, 'terminated by SIGSEGV (core dumped)'],
  [null, 40, false, -1, 'terminated by signal 40'],
  [null, null, false, -1, 'unknown termination cause 0x0000'],
];
for (const [code, signal, core, exitstatus, text] of cases) {
  test(`describeExit(${code}, ${signal}) = ${text}`, () => {
    assert.deepEqual(describeExit(code, signal, core), { exitstatus, text });
  });
}

const restarts: [false | true | 'unexpected', number, boolean][] = [
  [false, 1, false], [true, 0, true], ['unexpected', 0, false], ['unexpected', 3, true], ['unexpected', -1, true],
];
for (const [autorestart, status, expected] of restarts) {
  test(`shouldAutoRestart(${String(autorestart)}, ${status}) = ${expected}`, () => {
    assert.equal(shouldAutoRestart(autorestart, status, [0]), expected);
  });
}

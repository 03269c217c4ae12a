// The fault table is supervisord's, code for code, and every fault is documented in README.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Faults, RpcFault, faultName } from '../../../agent/rpc/faults.js';
import { PYTHON, repoRoot } from '../../helpers/paths.js';

test('fault names and codes equal supervisor.xmlrpc.Faults', () => {
  const theirs = JSON.parse(execFileSync(PYTHON, ['-c',
    'import json; from supervisor.xmlrpc import Faults; print(json.dumps({k: v for k, v in vars(Faults).items() if k.isupper()}))'],
  { encoding: 'utf8' })) as Record<string, number>;
  assert.deepEqual({ ...Faults }, theirs);
});

test('fault strings are NAME or NAME: extra, and unknown codes are named UNKNOWN', () => {
  assert.equal(new RpcFault(Faults.BAD_NAME, 'x').faultString, 'BAD_NAME: x');
  assert.equal(new RpcFault(Faults.NO_FILE).faultString, 'NO_FILE');
  assert.equal(new RpcFault(Faults.NO_FILE, null).faultString, 'NO_FILE');
  assert.deepEqual(new RpcFault(Faults.SPAWN_ERROR, 'a:b').toStruct(), { faultCode: 50, faultString: 'SPAWN_ERROR: a:b' });
  assert.equal(faultName(12345), 'UNKNOWN');
});

test('README documents every fault', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const missing = Object.keys(Faults).filter((name) => !readme.includes(`\`${name}\``));
  assert.deepEqual(missing, []);
});

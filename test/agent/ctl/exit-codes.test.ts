// The exit status constants are supervisorctl's (read from Debian's supervisorctl.py), and the
// comment table and EXIT-CODES.md list every one of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, StatusExitCode } from '../../../agent/ctl/exit-codes.js';
import { PYTHON, repoRoot } from '../../helpers/paths.js';

test('ExitCode and StatusExitCode equal supervisorctl LSBInitExitStatuses and LSBStatusExitStatuses',
  { skip: existsSync(PYTHON) ? false : 'no python3' }, () => {
    const code = 'import json\nfrom supervisor import supervisorctl as s\n'
      + 'f = lambda c: {k: v for k, v in vars(c).items() if k.isupper()}\n'
      + 'print(json.dumps([f(s.LSBInitExitStatuses), f(s.LSBStatusExitStatuses)]))\n';
    const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const [init, status] = JSON.parse(r.stdout) as [Record<string, number>, Record<string, number>];
    assert.deepEqual({ ...ExitCode }, init);
    assert.deepEqual({ ...StatusExitCode }, status);
  });

test('both tables document every status', () => {
  const md = readFileSync(join(repoRoot, 'agent', 'ctl', 'EXIT-CODES.md'), 'utf8');
  const comment = readFileSync(join(repoRoot, 'agent', 'ctl', 'exit-codes.ts'), 'utf8');
  const rows: [number, string, string][] = [
    ...Object.entries(ExitCode).map(([n, v]): [number, string, string] => [v, n, n]),
    ...Object.entries(StatusExitCode).map(([n, v]): [number, string, string] => [v, `(status) ${n}`, `STATUS_${n}`]),
  ];
  for (const [value, mdName, tsName] of rows) {
    assert.ok(md.includes(`| ${value} | ${mdName} |`), `EXIT-CODES.md: ${mdName}`);
    assert.match(comment, new RegExp(`// \\| ${value} +\\| ${tsName} +\\|`), `exit-codes.ts: ${tsName}`);
  }
});

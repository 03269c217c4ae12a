// environment_file with real programs: a file in systemd's EnvironmentFile syntax (comments, blank
// lines, quotes, surrounding blanks, continued lines) is merged into the child's environment
// before environment=, which wins; a missing file with the `-` prefix is no error; a missing file
// without it is a spawn error naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';
import { program, startOptionsDaemon } from './harness.js';

const ENV_FILE = [
  '# a comment line',
  '; another comment line',
  '   # an indented comment',
  '',
  '   ',
  'PLAIN=  plain value with blanks   ',
  'INLINE=value # not a comment',
  'DQ="  double \\"quoted\\" \\\\ back  "',
  "SQ='single $HOME \\n literal'",
  'DQN="keeps \\n, escapes \\$ and \\`"',
  'UQ=a\\ b\\#c',
  'CONT=first \\',
  'second',
  'EMPTY=',
  'OVERRIDE=from-file',
  'SHARED=first',
  'SHARED=second',
  '',
].join('\n');

test('environment_file: systemd syntax, merged before environment=, optional with `-`, required otherwise', { timeout: 120_000 }, async (t) => {
  const dir = makeTmpDir(t, 'fv-envfile-');
  writeFileSync(join(dir, 'app.env'), ENV_FILE);
  const fv = await startOptionsDaemon(t, `
[program:withfile]
command=${program('print-env.js')}
startsecs=0
autorestart=false
environment_file={DIR}/app.env
environment=OVERRIDE="from-environment",EXTRA="x"
stdout_logfile={DIR}/withfile.out

[program:optional]
command=${program('print-env.js')}
startsecs=0
autorestart=false
environment_file=-{DIR}/missing.env
environment=ONLY="environment"
stdout_logfile={DIR}/optional.out

[program:required]
command=${program('print-env.js')}
startsecs=0
startretries=0
autorestart=false
environment_file={DIR}/missing.env
stdout_logfile={DIR}/required.out
`, { dir });
  const envOf = async (name: string): Promise<Record<string, string>> => {
    await fv.waitState(name, 'EXITED');
    await waitFor(() => fv.read(`${name}.out`).endsWith('\n'), { timeoutMs: 60_000, what: `${name}'s output` });
    return JSON.parse(fv.read(`${name}.out`)) as Record<string, string>;
  };

  const env = await envOf('withfile');
  const fromFile = Object.fromEntries(['PLAIN', 'INLINE', 'DQ', 'SQ', 'DQN', 'UQ', 'CONT', 'EMPTY', 'OVERRIDE', 'SHARED', 'EXTRA'].map((k) => [k, env[k]]));
  assert.deepEqual(fromFile, {
    PLAIN: 'plain value with blanks',
    INLINE: 'value # not a comment',
    DQ: '  double "quoted" \\ back  ',
    SQ: 'single $HOME \\n literal',
    DQN: 'keeps \\n, escapes $ and `',
    UQ: 'a b#c',
    CONT: 'first second',
    EMPTY: '',
    OVERRIDE: 'from-environment',
    SHARED: 'second',
    EXTRA: 'x',
  });
  assert.equal(env.SUPERVISOR_PROCESS_NAME, 'withfile', 'the supervisor variables are still set');
  assert.ok(!Object.keys(env).some((k) => k.startsWith('#') || k.startsWith(';') || k === ''), Object.keys(env).join());

  const optional = await envOf('optional');
  assert.equal(optional.ONLY, 'environment');
  assert.equal(optional.PLAIN, undefined);

  const required = await fv.waitState('required', 'FATAL');
  const why = `couldn't read environment_file ${join(dir, 'missing.env')}: ENOENT`;
  assert.equal(required.spawnerr, why);
  assert.equal(required.description, why);
  assert.ok(fv.lines().includes(`INFO spawnerr: ${why}`), fv.lines().join('\n'));
  assert.equal(fv.read('required.out'), '');
});

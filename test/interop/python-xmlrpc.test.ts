// python3's xmlrpc.client calls every supervisor.* and system.* method, in one scripted session,
// against real supervisord 4.2.5 and against fleetvisord with the same config; the normalised
// outcomes (values, fault codes and strings, struct shapes, HTTP statuses) must be equal, except
// for the deliberate differences listed below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTmpDir } from '../helpers/tmp.js';
import { PYTHON, programsDir, repoRoot } from '../helpers/paths.js';
import { startDaemon, waitForLog, type DaemonKind } from '../helpers/daemon.js';
import { freePort } from '../helpers/ports.js';

const SCRIPT = join(repoRoot, 'test', 'fixtures', 'interop', 'rpc_session.py');

function conf(dir: string, port: number, next: boolean): string {
  return `[supervisord]
logfile=${dir}/main.log
pidfile=${dir}/daemon.pid
childlogdir=${dir}
nodaemon=true
silent=true

[inet_http_server]
port=127.0.0.1:${port}
username=user
password=123

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:sleeper]
command=/bin/sleep ${next ? 601 : 600}

${next ? '' : `[program:writer]
command=/bin/sh -c "printf 'hello world\\nline2\\n'; printf 'err text\\n' >&2; exec /bin/sleep 600"
stdout_logfile=%(here)s/writer.out
stderr_logfile=%(here)s/writer.err
`}
[program:cat]
command=/bin/cat
stdout_logfile=%(here)s/cat.log

[program:manual]
command=/bin/sleep 600
autostart=false

[program:quick]
; It exits after supervisord's reap() that follows a spawn (so startProcess(wait=False) answers
; OK on both, not SPAWN_ERROR by a race) and long before startsecs even on a loaded machine.
command=/bin/sh -c "sleep 0.3; exit 3"
startsecs=10
startretries=0

[program:badcmd]
command=/nonexistent/xyz
startretries=0

[program:nolog]
command=/bin/sleep 600
stdout_logfile=NONE
stderr_logfile=NONE

[program:redirected]
command=/bin/sleep 600
redirect_stderr=true

[program:multi]
command=/bin/sleep 600
process_name=%(program_name)s_%(process_num)02d
numprocs=2

[program:ga]
command=/bin/sleep 600
priority=5

[program:gb]
command=/bin/sleep 600
priority=1

[group:grp]
programs=ga,gb

[program:stubborn]
command=${process.execPath} ${programsDir}/ignore-sigterm.js
stopwaitsecs=2
${next ? `
[program:newprog]
command=/bin/sleep 600
` : ''}`;
}

/**
 * Steps where fleetvisord answers differently on purpose, with both answers. Each is a case where
 * supervisord fails with HTTP 500 (a Python exception) and we return the fault a client can read.
 */
const DELIBERATE: Record<string, { supervisord: unknown; fleetvisord: unknown }> = {
  'getProcessInfo-int': { supervisord: { http: 500 }, fleetvisord: { fault: [2, 'INCORRECT_PARAMETERS'] } },
};

/** The first differing path of two JSON values, with both sides, short enough to read. */
function firstDifference(a: unknown, b: unknown, path = ''): string {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const x = (a as Record<string, unknown>)[k];
      const y = (b as Record<string, unknown>)[k];
      if (JSON.stringify(x) !== JSON.stringify(y)) return firstDifference(x, y, `${path}.${k}`);
    }
  }
  return `  at ${path || '(value)'}\n  supervisord: ${JSON.stringify(a)?.slice(0, 600)}\n  fleetvisord: ${JSON.stringify(b)?.slice(0, 600)}`;
}

async function session(t: test.TestContext, kind: DaemonKind): Promise<Map<string, unknown>> {
  const dir = makeTmpDir(t);
  const port = await freePort();
  const confPath = join(dir, 'supervisord.conf');
  writeFileSync(confPath, conf(dir, port, false));
  const next = join(dir, 'next.conf');
  writeFileSync(next, conf(dir, port, true));
  const d = startDaemon(t, kind, dir, confPath);
  await waitForLog(d, /^INFO supervisord started with pid/);
  const py = spawn(PYTHON, [SCRIPT, `http://user:123@127.0.0.1:${port}/RPC2`, dir, next], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { if (py.exitCode === null) py.kill('SIGKILL'); });
  let out = '';
  let err = '';
  py.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  py.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const code = await new Promise<number | null>((resolve) => py.on('exit', resolve));
  if (process.env['FV_DUMP']) writeFileSync(`${process.env['FV_DUMP']}.${kind}.jsonl`, out + err);
  assert.equal(code, 0, `${kind}: the python session failed:\n${err}\n${out.slice(-2000)}`);
  // FV_DUMP=/path/prefix keeps each daemon's raw session output for reading a mismatch at leisure.
  const dump = process.env['FV_DUMP'];
  if (dump) writeFileSync(`${dump}.${kind}.jsonl`, out);
  const steps = new Map<string, unknown>();
  for (const line of out.trim().split('\n')) {
    const { step, value } = JSON.parse(line) as { step: string; value: unknown };
    steps.set(step, value);
  }
  await d.exited();
  return steps;
}

test('python xmlrpc.client sees the same API from fleetvisord as from supervisord 4.2.5', { timeout: 180_000 }, async (t) => {
  // allSettled: one session failing must not cut the other short (its output is the diagnosis).
  const settled = await Promise.allSettled([session(t, 'supervisord'), session(t, 'fleetvisord')]);
  const [theirs, ours] = settled.map((r) => { if (r.status === 'rejected') throw r.reason; return r.value; }) as [Map<string, unknown>, Map<string, unknown>];
  assert.deepEqual([...ours.keys()], [...theirs.keys()], 'the same steps ran');
  const mismatches: string[] = [];
  for (const [step, expected] of theirs) {
    const got = ours.get(step);
    const deliberate = DELIBERATE[step];
    if (deliberate) {
      assert.deepEqual(expected, deliberate.supervisord, `${step}: supervisord changed its answer`);
      assert.deepEqual(got, deliberate.fleetvisord, `${step}: our deliberate answer`);
      continue;
    }
    try {
      assert.deepEqual(got, expected);
    } catch {
      mismatches.push(`${step}\n${firstDifference(expected, got)}`);
    }
  }
  if (mismatches.length > 0) assert.fail(`steps that differ:\n${mismatches.join('\n')}`);
});

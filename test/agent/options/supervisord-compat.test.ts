// One config file serves both daemons: supervisord 4.2.5 loads a config that sets every one of
// fleetvisord's new [program:x] options, ignores them, and really starts the programs (each RUNNING
// with a live pid); fleetvisord runs the same config with the options in force.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_KEYS } from '../../../agent/config/schema-extensions.js';
import { isAlive, supervisordAvailable } from '../../helpers/daemon.js';
import { freePort } from '../../helpers/ports.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { program, startOptionsDaemon, toInfo, type OptionsDaemon } from './harness.js';

async function programs(): Promise<string> {
  const [db, api] = [await freePort(), await freePort()];
  return `
[program:db]
command=${program('late-port.js', db, '+100')}
startsecs=1
ready_tcp=127.0.0.1:${db}
ready_timeout=30
backoff_max_secs=5
fatal_retry_secs=30
memory_limit=512MB
environment_file=-{DIR}/none.env

[program:api]
command=${program('http-503-then-200.js', api, 1)}
startsecs=1
depends_on=db
ready_http=http://127.0.0.1:${api}/ready
ready_timeout=30
healthcheck_http=http://127.0.0.1:${api}/health
healthcheck_interval=10
healthcheck_timeout=5
healthcheck_retries=3
healthcheck_action=report

[program:worker]
command=${program('ready-line.js', '/', 'worker-ready')}
startsecs=1
depends_on=api, backend
ready_log=^worker-ready$
ready_command=true
healthcheck_tcp=127.0.0.1:${db}
healthcheck_command=true
healthcheck_action=restart
environment_file={DIR}/worker.env
environment=FROM_ENV="yes"

[program:cache]
command=${program('forever.js')}
startsecs=1

[group:backend]
programs=cache
`;
}

async function allRunning(fv: OptionsDaemon): Promise<void> {
  for (const name of ['db', 'api', 'worker', 'backend:cache']) {
    const info = await fv.waitState(name, 'RUNNING');
    assert.ok(info.pid > 0 && isAlive(info.pid), `${name} has a live pid`);
  }
}

describe('a config with every new option', { concurrency: true }, () => {
  test('the test config really sets every new key', async () => {
    const text = await programs();
    const set = new Set([...text.matchAll(/^([a-z_]+)\s*=/gm)].map((m) => m[1]));
    assert.deepEqual(EXTENSION_KEYS.filter((k) => !set.has(k)), []);
  });

  test('supervisord 4.2.5 loads it and starts every program', {
    timeout: 120_000, skip: supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed',
  }, async (t) => {
    const dir = makeTmpDir(t, 'fv-compat-sd-');
    writeFileSync(join(dir, 'worker.env'), 'FROM_FILE=yes\n');
    const sd = await startOptionsDaemon(t, await programs(), { kind: 'supervisord', dir, args: ['-n'] });
    await allRunning(sd);
    const infos = (await sd.rpc.call('supervisor.getAllProcessInfo') as unknown[]).map((v) => toInfo(v as never));
    assert.deepEqual(infos.map((i) => `${i.group}:${i.name}:${i.statename}`).sort(),
      ['api:api:RUNNING', 'backend:cache:RUNNING', 'db:db:RUNNING', 'worker:worker:RUNNING']);
    // It is supervisord itself, and it said nothing about the keys it does not know.
    assert.match(String(await sd.rpc.call('supervisor.getSupervisorVersion')), /^4\.2\.5$/);
    assert.ok(!/depends_on|ready_|healthcheck|memory_limit|environment_file|backoff_max|fatal_retry/.test(sd.d.mainLog() + sd.d.stderr()),
      sd.d.mainLog());
    assert.equal(await sd.d.stop(), 0);
  });

  test('fleetvisord runs the same config with the options in force', { timeout: 120_000 }, async (t) => {
    const dir = makeTmpDir(t, 'fv-compat-fv-');
    writeFileSync(join(dir, 'worker.env'), 'FROM_FILE=yes\n');
    const fv = await startOptionsDaemon(t, await programs(), { dir });
    await allRunning(fv);
    const lines = fv.lines();
    for (const [name, checks] of [['db', 'ready_tcp 127'], ['api', 'ready_http http'], ['worker', 'ready_command, ready_log)']] as const) {
      assert.ok(lines.some((l) => l.startsWith(`INFO success: ${name} entered RUNNING state, process is ready (${checks}`)), lines.join('\n'));
    }
    const env = readFileSync(`/proc/${(await fv.info('worker')).pid}/environ`, 'utf8').split('\0');
    assert.ok(env.includes('FROM_FILE=yes') && env.includes('FROM_ENV=yes'), env.join(' '));
    assert.equal(await fv.d.stop(), 0);
  });
});

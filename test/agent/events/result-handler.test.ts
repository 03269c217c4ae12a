// result_handler: only supervisord's default handler can run in Node, so any other spec is refused
// when the config is loaded (start-up exits 2; reloadConfig would answer CANT_REREAD) instead of
// silently falling back to the default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ConfigError } from '../../../agent/config/errors.js';
import { loadConfig } from '../../../agent/config/load.js';
import { startDaemon, writeConf } from '../../helpers/daemon.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const section = (handler: string) => `[eventlistener:e]\ncommand=/bin/cat\nevents=TICK_5\nresult_handler=${handler}\n`;

test('the default handler, spelled with or without spaces, is accepted', (t) => {
  const dir = makeTmpDir(t, 'fv-rh-');
  for (const spec of ['supervisor.dispatchers:default_handler', 'supervisor.dispatchers : default_handler']) {
    const config = loadConfig(writeConf(dir, section(spec)));
    const group = config.groups.find((g) => g.name === 'e');
    assert.equal(group?.kind === 'eventlistener' ? group.result_handler : null, spec);
  }
});

test('any other handler is a config error naming file, section, key and value', (t) => {
  const dir = makeTmpDir(t, 'fv-rh-');
  const file = writeConf(dir, section('mymodule:accept_all'));
  assert.throws(() => loadConfig(file), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, 'result_handler mymodule:accept_all in [eventlistener:e] cannot be used: fleetvisord cannot load '
      + 'Python callables and runs only supervisor.dispatchers:default_handler (accepts exactly OK)');
    assert.equal(err.file, file);
    assert.equal(err.section, 'eventlistener:e');
    assert.equal(err.key, 'result_handler');
    assert.equal(err.value, 'mymodule:accept_all');
    return true;
  });
});

test('supervisord\'s own errors still come first (an unresolvable spec)', (t) => {
  const dir = makeTmpDir(t, 'fv-rh-');
  assert.throws(() => loadConfig(writeConf(dir, section('supervisor.nope:x'))), /supervisor.nope:x cannot be resolved within \[eventlistener:e\]/);
});

test('fleetvisord refuses to start with such a handler: exit 2, nothing spawned', async (t) => {
  const dir = makeTmpDir(t, 'fv-rh-');
  const d = startDaemon(t, 'fleetvisord', dir, writeConf(dir, section('mymodule:accept_all')));
  assert.equal(await d.exited(), 2);
  assert.match(d.stderr(), /^Error: result_handler mymodule:accept_all in \[eventlistener:e\] cannot be used/);
  assert.match(d.stderr(), new RegExp(`in ${join(dir, 'supervisord.conf')} line 12, \\[eventlistener:e\\] result_handler = 'mymodule:accept_all'`));
});

// The fleetvisor.* extension against a real fleetvisord: waitForChanges (the hub's long poll)
// answers at once with what changed since a serial, waits for the next change otherwise, says
// reset for another epoch or after groups were added or removed; getAllProcessStats reports CPU
// and memory of running children. supervisor.* and system.listMethods are unchanged by it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RpcClient } from '../../../agent/rpc/client.js';
import { isStruct, type XmlRpcValue } from '../../../agent/rpc/value.js';
import { toProcessInfoList, toProcessStatsList } from '../../../agent/rpc/wire-types.js';
import { startDaemon, writeConf } from '../../helpers/daemon.js';
import { programsDir } from '../../helpers/paths.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';

interface Changes { epoch: string; serial: number; reset: boolean; names: string[] }

function changes(v: XmlRpcValue): Changes {
  assert.ok(isStruct(v));
  const { epoch, serial, reset, processes } = v;
  assert.equal(typeof epoch, 'string');
  assert.equal(typeof serial, 'number');
  assert.equal(typeof reset, 'boolean');
  const infos = toProcessInfoList(processes ?? null);
  return { epoch: epoch as string, serial: serial as number, reset: reset as boolean, names: infos.map((p) => `${p.group}:${p.name}:${p.statename}`) };
}

test('waitForChanges: reset first, then the changes since a serial, a wait for the next one, reset after a group change', { timeout: 60_000 }, async (t) => {
  const dir = makeTmpDir(t, 'fv-feed-');
  const sock = join(dir, 'rpc.sock');
  const conf = writeConf(dir, `
[unix_http_server]
file=${sock}
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[program:a]
command=${join(programsDir, 'forever.js')}
startsecs=0
[program:b]
command=${join(programsDir, 'forever.js')}
autostart=false
startsecs=0
`);
  startDaemon(t, 'fleetvisord', dir, conf);
  const rpc = new RpcClient({ url: `unix://${sock}`, timeoutMs: 20_000 });
  t.after(() => rpc.close());
  await waitFor(async () => {
    try { return toProcessInfoList(await rpc.call('supervisor.getAllProcessInfo')).some((p) => p.name === 'a' && p.statename === 'RUNNING'); } catch { return false; }
  }, { what: 'a RUNNING' });

  const first = changes(await rpc.call('fleetvisor.waitForChanges', ['', 0, 0]));
  assert.equal(first.reset, true);
  assert.ok(first.serial >= 2, `serial ${first.serial}`);

  // Nothing changed since: a zero timeout answers empty at once.
  const idle = changes(await rpc.call('fleetvisor.waitForChanges', [first.epoch, first.serial, 0]));
  assert.deepEqual({ ...idle, names: idle.names }, { epoch: first.epoch, serial: first.serial, reset: false, names: [] });

  // A wait in flight is answered by the next change, with the process in its new state.
  const waiting = rpc.call('fleetvisor.waitForChanges', [first.epoch, first.serial, 30]);
  const side = new RpcClient({ url: `unix://${sock}`, timeoutMs: 20_000 });
  t.after(() => side.close());
  await side.call('supervisor.startProcess', ['b', true]);
  const woke = changes(await waiting);
  assert.equal(woke.reset, false);
  assert.ok(woke.serial > first.serial);
  assert.ok(woke.names.every((n) => n.startsWith('b:b:')), woke.names.join());
  // Asked again from the first serial, both of b's changes collapse into its current state.
  const since = changes(await rpc.call('fleetvisor.waitForChanges', [first.epoch, first.serial, 0]));
  await waitFor(async () => (await side.call('supervisor.getProcessInfo', ['b']) as { statename: string }).statename === 'RUNNING');
  const later = changes(await rpc.call('fleetvisor.waitForChanges', [first.epoch, first.serial, 0]));
  assert.deepEqual(later.names, ['b:b:RUNNING']);
  assert.ok(since.names.length === 1);

  // Another epoch, or a serial from the future, means: re-read everything.
  assert.equal(changes(await rpc.call('fleetvisor.waitForChanges', ['other', later.serial, 0])).reset, true);
  assert.equal(changes(await rpc.call('fleetvisor.waitForChanges', [first.epoch, later.serial + 100, 0])).reset, true);

  // A group removed: every older serial gets reset.
  await side.call('supervisor.stopProcessGroup', ['b', true]);
  await side.call('supervisor.removeProcessGroup', ['b']);
  const removed = changes(await rpc.call('fleetvisor.waitForChanges', [first.epoch, later.serial, 0]));
  assert.equal(removed.reset, true);
  assert.equal(removed.epoch, first.epoch);

  // Stats: the running child has a pid, CPU seconds and memory.
  const stats = toProcessStatsList(await rpc.call('fleetvisor.getAllProcessStats'));
  assert.deepEqual(stats.map((s) => s.name), ['a']);
  assert.ok((stats[0]?.pid ?? 0) > 0 && (stats[0]?.rss_bytes ?? 0) > 0);

  // Stock clients still see supervisord's method list.
  const methods = await rpc.call('system.listMethods');
  assert.ok(Array.isArray(methods) && !methods.some((m) => String(m).startsWith('fleetvisor.')));
  const all = await rpc.call('fleetvisor.listMethods');
  assert.ok(Array.isArray(all) && all.includes('fleetvisor.waitForChanges'));
});

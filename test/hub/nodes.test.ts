// The hub's view of real nodes: a fleetvisord followed by long poll and a supervisord 4.2.5 polled,
// both with credentials that need URL-safe handling; and nodes that fail in every way an operator
// meets (refused, black hole, not a supervisor, no [rpcinterface:supervisor], wrong password,
// missing socket), each classified, while reading the snapshot never waits. A node killed and
// restarted goes down with its reason and comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FleetSnapshot } from '../../hub/nodes/snapshot.js';
import { NodeRegistry } from '../../hub/nodes/registry.js';
import type { FleetEvent } from '../../hub/nodes/types.js';
import { programsDir } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait-for.js';
import { hubConfig } from './helpers/config.js';
import { blackHole, nodeConfig, notASupervisor, refusedUrl, startNode, NODE_USER } from './helpers/nodes.js';
import { startDaemon, writeConf } from '../helpers/daemon.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { freePort } from '../helpers/ports.js';

const FOREVER = join(programsDir, 'forever.js');
const PROGRAMS = `
[program:web]
command=${FOREVER}
startsecs=0
[program:idle]
command=${FOREVER}
startsecs=0
autostart=false
`;

function fleet(t: { after(fn: () => unknown): void }, nodes: Parameters<typeof hubConfig>[0]): { snapshot: FleetSnapshot; registry: NodeRegistry; events: FleetEvent[] } {
  const config = hubConfig(nodes);
  const snapshot = new FleetSnapshot({ statsIntervalMs: config.cesi.statsIntervalMs });
  const events: FleetEvent[] = [];
  snapshot.subscribe((e) => events.push(e));
  const registry = new NodeRegistry(config, snapshot);
  registry.start();
  t.after(() => registry.stop());
  return { snapshot, registry, events };
}

test('fleetvisord and supervisord nodes: processes, versions, changes through long poll and polls', { timeout: 90_000 }, async (t) => {
  const [fv, sd] = await Promise.all([startNode(t, 'fleetvisord', 'fv', PROGRAMS), startNode(t, 'supervisord', 'sd', PROGRAMS)]);
  await Promise.all([fv.waitState('web:web', 'RUNNING'), sd.waitState('web:web', 'RUNNING')]);
  const { snapshot, registry, events } = fleet(t, [fv.config, sd.config]);
  await waitFor(() => snapshot.nodes().every((n) => n.connected && n.processes.some((p) => p.statename === 'RUNNING')), { what: 'both nodes read' });
  const [fvView, sdView] = snapshot.nodes();
  assert.equal(fvView?.fleetvisorVersion !== null, true);
  assert.equal(sdView?.fleetvisorVersion, null);
  assert.equal(sdView?.supervisorVersion, '4.2.5');
  assert.equal(fvView?.identification, 'fv-ident');
  assert.deepEqual(sdView?.processes.map((p) => `${p.namespec} ${p.statename}`), ['idle:idle STOPPED', 'web:web RUNNING']);
  assert.ok(registry.get('fv')?.isFleetvisor);
  assert.ok(!JSON.stringify(snapshot.nodes()).includes(NODE_USER), 'credentials in the snapshot');

  // A change made behind the hub's back arrives as an event.
  for (const node of [fv, sd]) {
    await node.rpc.call('supervisor.startProcess', ['idle']);
    await waitFor(() => events.some((e) => e.type === 'process' && e.node === node.name && e.process.namespec === 'idle:idle' && e.process.statename === 'RUNNING'),
      { what: `idle RUNNING event from ${node.name}` });
    assert.deepEqual(snapshot.history(node.name, 'idle:idle').map((h) => h.statename).slice(-1), ['RUNNING']);
  }
  // CPU and memory come from fleetvisord only.
  await waitFor(() => snapshot.process('fv', 'web:web')?.stats !== null, { what: 'stats of fv' });
  assert.ok((snapshot.process('fv', 'web:web')?.stats?.rssBytes ?? 0) > 0);
  assert.equal(snapshot.process('sd', 'web:web')?.stats, null);
});

test('failing nodes are classified, and reading the snapshot never waits for them', { timeout: 90_000 }, async (t) => {
  const [noIface, wrongPw] = await Promise.all([
    (async () => {
      const dir = makeTmpDir(t, 'fv-noiface-');
      const port = await freePort();
      const conf = writeConf(dir, `[inet_http_server]\nport=127.0.0.1:${port}\n`);
      startDaemon(t, 'supervisord', dir, conf);
      return `http://127.0.0.1:${port}`;
    })(),
    startNode(t, 'fleetvisord', 'pw', PROGRAMS),
  ]);
  const nodes = [
    nodeConfig('refused', await refusedUrl()),
    nodeConfig('hole', await blackHole(t)),
    nodeConfig('html', await notASupervisor(t)),
    nodeConfig('noiface', noIface),
    { ...wrongPw.config, name: 'wrongpw', password: 'nope' },
    nodeConfig('nosock', 'unix:///nonexistent/dir/x.sock'),
    nodeConfig('nohost', 'http://no-such-host.invalid:9001'),
  ];
  const { snapshot } = fleet(t, nodes);
  const started = Date.now();
  assert.equal(snapshot.nodes().length, nodes.length);
  assert.ok(Date.now() - started < 1000);
  const expected: Record<string, string> = {
    refused: 'refused', hole: 'timeout', html: 'not_supervisor', noiface: 'no_rpcinterface', wrongpw: 'auth', nosock: 'nofile', nohost: 'dns',
  };
  await waitFor(() => snapshot.nodes().every((n) => n.failure !== null), { timeoutMs: 30_000, what: 'every node classified' });
  assert.deepEqual(Object.fromEntries(snapshot.nodes().map((n) => [n.name, n.failure?.kind])), expected);
  for (const n of snapshot.nodes()) assert.equal(n.connected, false);
});

test('a node killed mid-test is shown down with its reason, and back once restarted', { timeout: 90_000 }, async (t) => {
  const node = await startNode(t, 'fleetvisord', 'phoenix', PROGRAMS);
  const { snapshot, registry } = fleet(t, [node.config]);
  await waitFor(() => snapshot.node('phoenix')?.connected === true, { what: 'connected' });
  await node.daemon.stop();
  await waitFor(() => snapshot.node('phoenix')?.failure?.kind === 'refused', { what: 'refused after the kill' });
  const down = snapshot.node('phoenix');
  assert.equal(down?.connected, false);
  // Same config, same port: a new daemon; the kick skips the backoff wait.
  startDaemon(t, 'fleetvisord', node.daemon.dir, node.daemon.conf);
  await waitFor(async () => { try { await node.rpc.call('supervisor.getState'); return true; } catch { return false; } }, { what: 'restarted' });
  registry.get('phoenix')?.kick();
  await waitFor(() => snapshot.node('phoenix')?.connected === true, { what: 'back' });
  assert.ok((snapshot.node('phoenix')?.since ?? 0) >= (down?.since ?? 0));
});

// The hub's https nodes end to end: a fleetvisord serving TLS ([inet_http_server] tls_cert/tls_key)
// is reached by a node `url = https://127.0.0.1:<port>` with `tls_ca`, and shows its processes;
// the same daemon without the CA (system CAs) or with another CA is down with failure kind `tls`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RpcClient } from '../../agent/rpc/client.js';
import { makeCerts } from '../helpers/certs.js';
import { startDaemon, writeConf } from '../helpers/daemon.js';
import { programsDir } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';
import { body, startTestHub } from './helpers/hub.js';
import { nodeConfig, NODE_PASSWORD, NODE_USER } from './helpers/nodes.js';

interface NodeView { general: { name: string; connected: boolean; failure: { kind: string } | null }; processes: { namespec: string; statename: string }[] }

test('an https node with tls_ca is connected; without the CA or with another one it fails with kind tls', { timeout: 120_000 }, async (t) => {
  const certs = makeCerts(makeTmpDir(t, 'fv-hub-tls-'));
  const dir = makeTmpDir(t, 'fv-hub-tlsnode-');
  const port = await freePort();
  const conf = writeConf(dir, `[inet_http_server]
port=127.0.0.1:${port}
username=${NODE_USER}
password=${NODE_PASSWORD}
tls_cert=${certs.certFile}
tls_key=${certs.keyFile}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:web]
command=${process.execPath} ${join(programsDir, 'forever.js')}
startsecs=0
`);
  const daemon = startDaemon(t, 'fleetvisord', dir, conf);
  const url = `https://127.0.0.1:${port}`;
  const rpc = new RpcClient({ url, username: NODE_USER, password: NODE_PASSWORD, timeoutMs: 20_000, tls: { ca: certs.read(certs.caFile) } });
  t.after(() => rpc.close());
  await waitFor(async () => { try { await rpc.call('supervisor.getState'); return true; } catch { return false; } },
    { timeoutMs: 30_000, what: `fleetvisord serving https (stderr: ${daemon.stderr()})` });

  const creds = { username: NODE_USER, password: NODE_PASSWORD };
  const hub = await startTestHub(t, [
    nodeConfig('secure', url, { ...creds, tlsCa: certs.caFile }),
    nodeConfig('noca', url, creds),
    nodeConfig('otherca', url, { ...creds, tlsCa: certs.otherCaFile }),
  ]);
  const admin = await hub.admin();
  const nodes = async (): Promise<Record<string, NodeView>> => {
    const list = body(await admin.get('/api/v2/nodes/')).nodes as NodeView[];
    return Object.fromEntries(list.map((n) => [n.general.name, n]));
  };
  await waitFor(async () => {
    const n = await nodes();
    return n.secure?.general.connected === true && n.secure.processes.some((p) => p.namespec === 'web:web' && p.statename === 'RUNNING')
      && n.noca?.general.failure !== null && n.otherca?.general.failure !== null;
  }, { timeoutMs: 30_000, what: 'the secure node connected and the others classified' });
  const n = await nodes();
  assert.equal(n.secure?.general.failure, null);
  for (const name of ['noca', 'otherca']) {
    assert.equal(n[name]?.general.connected, false, name);
    assert.equal(n[name]?.general.failure?.kind, 'tls', name);
  }
});

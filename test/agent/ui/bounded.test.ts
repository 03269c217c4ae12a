// The web UI and /metrics over a scripted RpcHandler (no daemon): the bound on waiting actions,
// the exact calls each action makes (the API's own methods, multicall as supervisord), late
// outcomes going to the log, and /metrics answering 503 while the daemon shuts down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RpcHandler } from '../../../agent/http/types.js';
import { createWebRoutes } from '../../../agent/http/web-routes.js';
import { Faults, RpcFault } from '../../../agent/rpc/faults.js';
import type { XmlRpcValue } from '../../../agent/rpc/value.js';
import { RecordingLogger } from '../../helpers/process-config.js';
import { waitFor } from '../../helpers/wait-for.js';
import { startServer } from '../http/harness.js';
import { formBody, httpRequest, messageOf, tokenOf, type Target } from './helpers.js';

const INFO = {
  name: 'p', group: 'p', start: 1000, stop: 0, now: 1100, state: 20, statename: 'RUNNING', spawnerr: '',
  exitstatus: 0, logfile: '/tmp/p.log', stdout_logfile: '/tmp/p.log', stderr_logfile: '', pid: 42, description: 'pid 42, uptime 0:01:40',
};

/** Answers the page's reads; the waiting methods hang until release(), or fail with failWith. */
class ScriptedRpc implements RpcHandler {
  readonly calls: { methodName: string; params: XmlRpcValue[] }[] = [];
  shuttingDown = false;
  failWith: Error | null = null;
  private held: (() => void)[] = [];

  async call(methodName: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
    this.calls.push({ methodName, params });
    if (this.shuttingDown) throw new RpcFault(Faults.SHUTDOWN_STATE);
    switch (methodName) {
      case 'supervisor.getAllProcessInfo': return [INFO];
      case 'supervisor.getProcessInfo': return INFO;
      case 'supervisor.stopProcess': case 'supervisor.stopAllProcesses': case 'system.multicall':
        await new Promise<void>((resolve) => this.held.push(resolve));
        if (this.failWith) throw this.failWith;
        return methodName === 'supervisor.stopProcess' ? true : [];
      default: throw new RpcFault(Faults.UNKNOWN_METHOD);
    }
  }

  get holding(): number { return this.held.length; }
  release(): void { for (const r of this.held.splice(0)) r(); }
}

async function setUp(t: Parameters<typeof startServer>[0]): Promise<{ rpc: ScriptedRpc; log: RecordingLogger; target: Target }> {
  const rpc = new ScriptedRpc();
  const log = new RecordingLogger();
  const h = await startServer(t, { routes: createWebRoutes({ rpc, log, actionWaitMs: 50 }) });
  const target: Target = 'port' in h.target ? { port: h.target.port } : { socketPath: h.target.path };
  t.after(() => rpc.release());
  return { rpc, log, target };
}

async function post(target: Target, path: string, action: string): Promise<Awaited<ReturnType<typeof httpRequest>>> {
  const token = tokenOf((await httpRequest(target, '/')).body);
  return httpRequest(target, path, { method: 'POST', body: formBody({ action, csrf_token: token }) });
}

test('a stop that does not finish in time still gets the browser an answer; the outcome is logged later', async (t) => {
  const { rpc, log, target } = await setUp(t);
  const r = await post(target, '/index.html?processname=p', 'stop');
  assert.equal(r.status, 303);
  assert.match(messageOf(r), /^Process p: stop still in progress at [A-Z][a-z]{2} /);
  assert.equal(rpc.holding, 1);
  rpc.release();
  await waitFor(() => log.lines.includes('INFO web UI stop finished after the page stopped waiting: Process p stopped'), { what: 'the late outcome' });
});

test('Restart All is one multicall of stopAllProcesses and startAllProcesses, bounded like the others', async (t) => {
  const { rpc, log, target } = await setUp(t);
  rpc.failWith = new Error('boom');
  const r = await post(target, '/index.html', 'restartall');
  assert.match(messageOf(r), /^Restart all still in progress at /);
  const multicall = rpc.calls.find((c) => c.methodName === 'system.multicall');
  assert.deepEqual(multicall?.params, [[{ methodName: 'supervisor.stopAllProcesses' }, { methodName: 'supervisor.startAllProcesses' }]]);
  rpc.release();
  // A late failure is logged, never an unhandled rejection.
  await waitFor(() => log.lines.some((l) => l === 'ERRO web UI restartall failed after the page stopped waiting: boom'), { what: 'the late failure' });
});

test('restart is a multicall of stopProcess and startProcess for the name', async (t) => {
  const { rpc, target } = await setUp(t);
  const r = await post(target, '/index.html?processname=p', 'restart');
  assert.match(messageOf(r), /^Process p: restart still in progress at /);
  const multicall = rpc.calls.find((c) => c.methodName === 'system.multicall');
  assert.deepEqual(multicall?.params, [[
    { methodName: 'supervisor.stopProcess', params: ['p'] }, { methodName: 'supervisor.startProcess', params: ['p'] },
  ]]);
});

test('/metrics answers 503 while the API refuses with SHUTDOWN_STATE, and the page 500', async (t) => {
  const { rpc, target } = await setUp(t);
  rpc.shuttingDown = true;
  const metrics = await httpRequest(target, '/metrics');
  assert.equal(metrics.status, 503);
  assert.match(metrics.body, /Error code 503/);
  assert.equal((await httpRequest(target, '/')).status, 500);
});

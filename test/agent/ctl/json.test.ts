// --json: one JSON document per command, with the same exit statuses as the text mode; and how
// the controller treats malformed answers, authentication and Ctrl-C (scripted fake server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interrupted } from '../../../agent/ctl/errors.js';
import { RpcTransportError } from '../../../agent/rpc/client.js';
import { Faults, RpcFault } from '../../../agent/rpc/faults.js';
import type { XmlRpcValue } from '../../../agent/rpc/value.js';
import { controller, FakeServer, proc, type Handler } from './fake.js';

const INFOS = [proc('web', 'web', 20, 'RUNNING', 42), proc('grp', 'a', 0, 'STOPPED')];

function server(extra: Record<string, Handler> = {}): FakeServer {
  return new FakeServer({
    getVersion: () => '3.0',
    getSupervisorVersion: () => '4.2.5',
    getPID: () => 7,
    getAllProcessInfo: () => INFOS,
    getProcessInfo: ([n]) => {
      const i = INFOS.find((x) => typeof x === 'object' && x !== null && 'name' in x && (x.name === n || `grp:${String(x.name)}` === n));
      if (i === undefined) throw new RpcFault(Faults.BAD_NAME, String(n));
      return i;
    },
    startProcess: ([n]) => { if (n === 'web') throw new RpcFault(Faults.ALREADY_STARTED, 'web'); return true; },
    startProcessGroup: ([g]) => {
      if (g !== 'grp') throw new RpcFault(Faults.BAD_NAME, String(g));
      return [{ name: 'a', group: 'grp', status: 80, description: 'OK' }];
    },
    stopProcess: () => true,
    readProcessStdoutLog: () => 'hello\n',
    readLog: () => 'main\n',
    getAllConfigInfo: () => [{ name: 'web', group: 'web', inuse: true, autostart: true, group_prio: 999, process_prio: 999, command: '/bin/web' }],
    reloadConfig: () => [[['new'], [], ['old']]],
    ...extra,
  });
}

const json = (s: string): unknown => JSON.parse(s);

test('status: an array of process objects; bad names as {name, error}; exit statuses as text mode', async () => {
  const c = controller(server(), { json: true });
  const all = await c.run('status');
  assert.equal(all.code, 3);
  assert.equal(all.stdout.split('\n').length, 2, 'one line, one document');
  const docs = json(all.stdout) as Record<string, unknown>[];
  assert.deepEqual(docs.map((d) => [d.namespec, d.name, d.group, d.state, d.statename, d.pid, d.description]), [
    ['web', 'web', 'web', 20, 'RUNNING', 42, 'pid 42, uptime 0:00:01'], ['grp:a', 'a', 'grp', 0, 'STOPPED', 0, 'Not started']]);
  const some = await c.run('status web nope x:*');
  assert.equal(some.code, 4);
  assert.deepEqual((json(some.stdout) as Record<string, unknown>[]).map((d) => d.error ?? d.namespec),
    ['no such process', 'no such group', 'web']);
});

test('start/stop: an array of {name, status, result | error, description}', async () => {
  const c = controller(server(), { json: true });
  const r = await c.run('start web grp:* nope:* grp:a');
  assert.equal(r.code, 2);
  assert.deepEqual(json(r.stdout), [
    { name: 'web', status: 60, error: 'already started', description: 'ALREADY_STARTED: web' },
    { name: 'grp:a', status: 80, result: 'started', description: 'OK' },
    { name: 'nope', error: 'no such group' },
    { name: 'grp:a', status: 80, result: 'started', description: 'OK' },
  ]);
  assert.deepEqual(json((await c.run('stop web')).stdout), [{ name: 'web', status: 80, result: 'stopped', description: 'OK' }]);
});

test('documents of the other commands', async () => {
  const c = controller(server(), { json: true });
  const doc = async (line: string): Promise<unknown> => json((await c.run(line)).stdout);
  assert.deepEqual(await doc('version'), { version: '4.2.5' });
  assert.deepEqual(await doc('pid'), { pid: 7 });
  assert.deepEqual(await doc('pid all'), [{ name: 'web', pid: 42 }, { name: 'grp:a', pid: 0 }]);
  assert.deepEqual(await doc('tail web'), { name: 'web', channel: 'stdout', bytes: 1600, text: 'hello\n' });
  assert.deepEqual(await doc('maintail -5'), { bytes: 5, text: 'main\n' });
  assert.deepEqual(await doc('reread'), { added: ['new'], changed: [], removed: ['old'] });
  assert.deepEqual(await doc('avail'), [{ namespec: 'web', name: 'web', group: 'web', inuse: true, autostart: true,
    group_prio: 999, process_prio: 999, command: '/bin/web' }]);
  assert.deepEqual(await doc('help start'), { command: 'start', help: 'start <name>\t\tStart a process\n'
    + 'start <gname>:*\t\tStart all processes in a group\nstart <name> <name>\tStart multiple processes or groups\n'
    + 'start all\t\tStart all processes' });
  assert.equal(((await doc('help')) as { commands: string[] }).commands.length, 21);
  assert.deepEqual(await doc('add'), []);
});

test('failures are {"error": text} with the text-mode exit status; partial results are kept', async () => {
  const c = controller(server({ stopProcessGroup: () => { throw new RpcTransportError('io', 'x: ECONNRESET'); } }), { json: true });
  assert.deepEqual(await c.run('foo'), { stdout: '{"error":"*** Unknown syntax: foo"}\n', stderr: '', code: 1 });
  assert.deepEqual(await c.run('start'), { stdout: '{"error":"Error: start requires a process name"}\n', stderr: '', code: 2 });
  assert.deepEqual(await c.run('fg web'), { stdout: '{"error":"ERROR: fg is interactive and has no --json form"}\n', stderr: '', code: 1 });
  const partial = await c.run('stop web grp:*');
  assert.equal(partial.code, 1);
  const d = json(partial.stdout) as { error: string; results: unknown[] };
  assert.match(d.error, /^error: <class 'OSError'>, x: ECONNRESET: file: \S+ line: \d+$/);
  assert.deepEqual(d.results, [{ name: 'web', status: 80, result: 'stopped', description: 'OK' }]);
  const refused = controller(new FakeServer({ getVersion: () => { throw new RpcTransportError('refused', 'r'); } }), { json: true });
  assert.deepEqual(await refused.run('status'), { stdout: '{"error":"unix:///fake.sock refused connection"}\n', stderr: '', code: 4 });
  assert.deepEqual(await refused.run('version'), { stdout: '{"error":"unix:///fake.sock refused connection"}\n', stderr: '', code: 4 });
});

test('server check: another API version is exit 5; without the namespace exit 3; status says 4', async () => {
  const v2 = new FakeServer({ getVersion: () => '2.0' });
  const msg = 'Sorry, this version of supervisorctl expects to talk to a server with API version 3.0, but the remote version is 2.0.\n';
  assert.deepEqual(await controller(v2).run('version'), { stdout: msg, stderr: '', code: 5 });
  assert.deepEqual(await controller(v2).run('status'), { stdout: msg, stderr: '', code: 4 });
  const none = new FakeServer({ getVersion: () => { throw new RpcFault(Faults.UNKNOWN_METHOD); } });
  const r = await controller(none).run('tail x');
  assert.equal(r.code, 3);
  assert.match(r.stdout, /^Sorry, supervisord responded but did not recognize the supervisor namespace commands/);
  const shutting = new FakeServer({ getVersion: () => { throw new RpcFault(Faults.SHUTDOWN_STATE); } });
  assert.match((await controller(shutting).run('pid')).stdout, /^error: <class 'xmlrpc.client.Fault'>, <Fault 6: 'SHUTDOWN_STATE'>: file: /);
});

test('a malformed answer is a clear error line, not a crash', async () => {
  const bad = (v: XmlRpcValue): FakeServer => server({ getAllProcessInfo: () => v, getPID: () => 'x', reloadConfig: () => [[1]] });
  for (const [line, v] of [['status', [{ name: 'web' }]], ['status', 'nope'], ['pid', null], ['reread', null]] as const) {
    const r = await controller(bad(v as XmlRpcValue)).run(line);
    assert.equal(r.code, line === 'status' ? 1 : 1);
    assert.match(r.stdout, /^error: <class 'ValueError'>, malformed .*: file: \S+ line: \d+\n$/, r.stdout);
  }
});

test('unknown result codes are supervisorctl\'s ValueError; clear of g:* names the process None', async () => {
  const c = controller(server({
    startProcess: () => { throw new RpcFault(Faults.FAILED, 'web is in an unknown process state'); },
    clearProcessLogs: ([n]) => { throw new RpcFault(Faults.BAD_NAME, String(n)); },
  }));
  const r = await c.run('start web');
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^error: <class 'ValueError'>, Unknown result code 30 for web: file: /);
  assert.deepEqual(await c.run('clear grp:*'), { stdout: 'grp:None: ERROR (no such process)\n', stderr: '', code: 1 });
});

test('401: one-shot prints the notice then the ProtocolError of the second try; the shell asks and retries', async () => {
  let tries = 0;
  const auth = (): FakeServer => new FakeServer({
    getVersion: () => { tries++; if (tries <= 2) throw new RpcTransportError('http', 'x', { status: 401 }); return '3.0'; },
    getSupervisorVersion: () => '4.2.5',
  });
  const once = await controller(auth()).run('version');
  assert.equal(once.code, 1);
  assert.match(once.stdout, /^Server requires authentication\nerror: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError for 127.0.0.1\/RPC2: 401 Unauthorized>: file: /);
  tries = 0;
  const c = controller(auth(), { interactive: true }, ['u1', 'p1', 'u2', 'p2']);
  assert.deepEqual(await c.run('version'), {
    stdout: 'Server requires authentication\nUsername:\nServer requires authentication\nUsername:\n4.2.5\n',
    stderr: 'Password:Password:', code: 0,
  });
  assert.equal(c.ctl.opts.username, 'u2');
  tries = 0;
  assert.deepEqual(await controller(auth(), { json: true }).run('version'),
    { stdout: '{"error":"Server requires authentication"}\n', stderr: '', code: 1 });
});

test('Ctrl-C abandons a command that waits (Interrupted reaches the caller)', async () => {
  let release: () => void = () => {};
  const c = controller(server({ startProcess: () => new Promise<XmlRpcValue>((r) => { release = () => r(true); }) }));
  const p = c.ctl.onecmd('start grp:a');
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.equal(c.ctl.interrupt(), true);
  await assert.rejects(p, Interrupted);
  release();
  assert.equal(c.ctl.interrupt(), false);
});

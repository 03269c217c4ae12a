// Subprocess with an FcgiSocket (fake spawner, clock and opener): the socket is held from each
// spawn to that child's exit, shared by the group, released on every failed spawn, and the child
// has no stdin channel (supervisord's FastCGISubprocess).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../../agent/events/bus.js';
import type { ProcessConfig } from '../../../agent/config/types.js';
import { StdinClosed } from '../../../agent/process/errors.js';
import { FcgiSocket } from '../../../agent/process/fcgi-socket.js';
import { SocketOsError, type SocketAddress } from '../../../agent/process/os-socket.js';
import { ProcessState as S } from '../../../agent/process/states.js';
import { Subprocess } from '../../../agent/process/subprocess.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeSpawner } from '../../helpers/fake-spawner.js';
import { makeProcessConfig, RecordingLogger } from '../../helpers/process-config.js';

const URL = 'unix:///tmp/f.sock';

function setup(names: readonly string[], over: Partial<ProcessConfig> = {}) {
  const clock = new FakeClock(1000);
  const spawner = new FakeSpawner();
  const log = new RecordingLogger();
  const opener = { opens: 0, closes: 0, fail: null as string | null };
  const open = (_addr: SocketAddress, _backlog: number | null) => {
    if (opener.fail !== null) throw new SocketOsError(opener.fail);
    opener.opens += 1;
    return { fd: 40, close: () => { opener.closes += 1; } };
  };
  const address: SocketAddress = { kind: 'unix', path: '/tmp/f.sock', owner: null, mode: 0o700 };
  const fcgiSocket = new FcgiSocket({ url: URL, address, backlog: 5 }, log, open);
  const procs = names.map((name) => new Subprocess({
    config: makeProcessConfig({ name, command: '/bin/true', startsecs: 0, autostart: false, ...over }),
    groupName: 'f', spawner, clock, bus: new EventBus(), log, openOutput: () => null,
    baseEnv: { PATH: '/usr/bin:/bin' }, serverUrl: null, isDaemonRunning: () => true, requestTick: () => {},
    fcgiSocket,
  }));
  const socketLines = (): string[] => log.visible.filter((l) => / socket |spawn|exited|stopped/.test(l));
  return { clock, spawner, log, opener, fcgiSocket, procs, socketLines };
}

test('an fcgi child gets the socket as fd 0, has no stdin channel, and releases the socket when it exits', () => {
  const h = setup(['f_0']);
  const [p] = h.procs;
  assert.ok(p);
  p.spawn();
  assert.equal(h.spawner.last.stdin, null);
  assert.equal(h.spawner.requests[0]?.stdinFd, 40);
  assert.equal(h.fcgiSocket.refCount, 1);
  assert.throws(() => p.writeStdin(Buffer.from('x')), (err: unknown) => err instanceof StdinClosed && err.code === 'EPIPE');
  h.clock.advance(2);
  h.spawner.last.exit(0);
  assert.equal(p.state, S.EXITED);
  assert.equal(h.fcgiSocket.refCount, 0);
  assert.deepEqual(h.socketLines(), [
    `INFO Creating socket ${URL}`, "INFO spawned: 'f_0' with pid 100",
    'INFO exited: f_0 (exit status 0; expected)', `INFO Closing socket ${URL}`,
  ]);
});

test('the processes of a group share one socket: created at the first spawn, closed after the last exit', () => {
  const h = setup(['f_0', 'f_1']);
  for (const p of h.procs) p.spawn();
  assert.equal(h.opener.opens, 1);
  assert.deepEqual(h.spawner.requests.map((r) => r.stdinFd), [40, 40]);
  h.clock.advance(2);
  for (const p of h.procs) p.stop();
  h.spawner.children[0]?.exit(null, 15);
  assert.equal(h.opener.closes, 0);
  h.spawner.children[1]?.exit(null, 15);
  assert.equal(h.opener.closes, 1);
  assert.deepEqual(h.socketLines(), [
    `INFO Creating socket ${URL}`, "INFO spawned: 'f_0' with pid 100", "INFO spawned: 'f_1' with pid 101",
    'WARN stopped: f_0 (terminated by SIGTERM)', 'WARN stopped: f_1 (terminated by SIGTERM)', `INFO Closing socket ${URL}`,
  ]);
});

test('a spawn that fails before the fork releases its hold, as supervisord does (Creating, spawnerr, Closing)', () => {
  const h = setup(['f_0'], { command: '/nonexistent/fcgi' });
  const [p] = h.procs;
  p?.spawn();
  assert.equal(p?.state, S.BACKOFF);
  assert.equal(h.fcgiSocket.refCount, 0);
  assert.deepEqual(h.socketLines(), [
    `INFO Creating socket ${URL}`, "INFO spawnerr: can't find command '/nonexistent/fcgi'", `INFO Closing socket ${URL}`,
  ]);
});

test('a fork failure releases the hold too', () => {
  const h = setup(['f_0', 'f_1']);
  h.procs[0]?.spawn();
  h.spawner.failNext = 'EAGAIN';
  h.procs[1]?.spawn();
  assert.equal(h.procs[1]?.state, S.BACKOFF);
  assert.equal(h.fcgiSocket.refCount, 1);
  assert.equal(h.opener.closes, 0);
});

test('a socket that cannot be created at spawn time is a spawn failure with the socket error as spawnerr', () => {
  const h = setup(['f_0']);
  h.opener.fail = '[Errno 13] Permission denied';
  const [p] = h.procs;
  p?.spawn();
  assert.equal(p?.state, S.BACKOFF);
  assert.equal(p?.spawnerr, `Could not create FastCGI socket ${URL}: [Errno 13] Permission denied`);
  assert.equal(h.spawner.requests.length, 0);
  assert.equal(h.fcgiSocket.refCount, 0);
  h.opener.fail = null;
  h.clock.advance(5);
  p?.spawn();
  assert.equal(p?.state, S.STARTING);
  assert.equal(h.fcgiSocket.refCount, 1);
});

test('a program without an fcgi socket still gets a stdin pipe', () => {
  const spawner = new FakeSpawner();
  const p = new Subprocess({
    config: makeProcessConfig({ command: '/bin/true' }), groupName: 'g', spawner, clock: new FakeClock(1000),
    bus: new EventBus(), log: new RecordingLogger(), openOutput: () => null, baseEnv: { PATH: '/bin' },
    serverUrl: null, isDaemonRunning: () => true, requestTick: () => {},
  });
  p.spawn();
  assert.equal(spawner.requests[0]?.stdinFd ?? null, null);
  assert.notEqual(spawner.last.stdin, null);
});

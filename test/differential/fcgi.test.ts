// Differential: [fcgi-program:x] under Debian's supervisord 4.2.5 and under fleetvisord: the order
// of "Creating socket"/"Closing socket" against spawns and stops, socket_mode, children serving
// the socket, and the start-up failure for a socket that cannot be bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { logLines, startDaemon, supervisordAvailable, waitForLog, writeConf, type DaemonKind, type RunningDaemon } from '../helpers/daemon.js';
import { askPid, FCGI_ECHO, twoSocketsConf } from '../helpers/fcgi.js';
import { freePort } from '../helpers/ports.js';
import { makeTmpDir } from '../helpers/tmp.js';

const skip = supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed (apt-get install -y supervisor)';

/** The main log reduced to one group's socket and process events, in order. */
function socketStory(d: RunningDaemon, url: string, program: string): string[] {
  const out: string[] = [];
  for (const l of logLines(d.mainLog())) {
    if (l === `INFO Creating socket ${url}`) out.push('create');
    else if (l === `INFO Closing socket ${url}`) out.push('close');
    else if (l.startsWith('INFO supervisord started')) out.push('started');
    else if (new RegExp(`^INFO spawned: '${program}(_\\d+)?' `).test(l)) out.push('spawned');
    else if (new RegExp(`^WARN stopped: ${program}(_\\d+)? `).test(l)) out.push('stopped');
  }
  return out;
}

interface Run { d: RunningDaemon; sock: string; port: number; mode: number; answers: number[]; pids: number[] }

async function run(t: { after(fn: () => unknown): void }, kind: DaemonKind): Promise<Run> {
  const dir = makeTmpDir(t, `fv-diff-fcgi-${kind}-`);
  const port = await freePort();
  const conf = writeConf(dir, twoSocketsConf(port));
  const d = startDaemon(t, kind, dir, conf);
  for (const name of ['f_0', 'f_1', 't']) await waitForLog(d, new RegExp(`^INFO success: ${name} entered RUNNING`), 20_000);
  const pids = logLines(d.mainLog()).filter((l) => l.startsWith('INFO spawned: ')).map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
  const sock = join(dir, 'f.sock');
  const mode = lstatSync(sock).mode & 0o777;
  const answers: number[] = [];
  for (let i = 0; i < 6; i++) answers.push(await askPid(sock), await askPid(port));
  assert.equal(await d.stop(), 0);
  return { d, sock, port, mode, answers, pids };
}

test('fcgi sockets: create/close order around spawns and stops, mode and serving match supervisord', { skip, timeout: 90_000 }, async (t) => {
  const [ours, theirs] = await Promise.all([run(t, 'fleetvisord'), run(t, 'supervisord')]);
  for (const r of [ours, theirs]) {
    assert.deepEqual(socketStory(r.d, `unix://${r.sock}`, 'f'),
      ['create', 'close', 'started', 'create', 'spawned', 'spawned', 'stopped', 'stopped', 'close'], r.d.kind);
    assert.deepEqual(socketStory(r.d, `tcp://127.0.0.1:${r.port}`, 't'),
      ['create', 'close', 'started', 'create', 'spawned', 'stopped', 'close'], r.d.kind);
    assert.equal(r.mode, 0o660, r.d.kind);
    for (const pid of r.answers) assert.ok(r.pids.includes(pid), `${r.d.kind}: answer ${pid} is not from a child`);
  }
  // Deliberate difference: supervisord leaves the closed socket's file behind; fleetvisord removes it.
  assert.equal(existsSync(theirs.sock), true);
  assert.equal(existsSync(ours.sock), false);
});

async function badSocket(t: { after(fn: () => unknown): void }, kind: DaemonKind): Promise<{ code: number | string; message: string; lines: string[]; url: string }> {
  const dir = makeTmpDir(t, `fv-diff-fcgi-bad-${kind}-`);
  const conf = writeConf(dir, `
[program:plain]
command=/bin/sleep 300
[fcgi-program:f]
command=${FCGI_ECHO}
socket=unix://%(here)s/missing/f.sock
`);
  const d = startDaemon(t, kind, dir, conf);
  const code = await d.exited();
  const message = /Could not create FastCGI socket .*/.exec(d.stderr())?.[0] ?? '';
  return { code, message, lines: logLines(d.mainLog()), url: `unix://${dir}/missing/f.sock` };
}

test('a socket that cannot be bound stops start-up with supervisord\'s message and nothing spawned', { skip, timeout: 60_000 }, async (t) => {
  const [ours, theirs] = await Promise.all([badSocket(t, 'fleetvisord'), badSocket(t, 'supervisord')]);
  assert.equal(ours.message.replace(ours.url, 'URL'), theirs.message.replace(theirs.url, 'URL'));
  assert.equal(theirs.message, `Could not create FastCGI socket ${theirs.url}: [Errno 2] No such file or directory`);
  // supervisord dies with a traceback (exit 1); fleetvisord reports it as a start-up error (exit 2).
  assert.equal(theirs.code, 1);
  assert.equal(ours.code, 2);
  for (const r of [ours, theirs]) {
    assert.ok(r.lines.includes(`INFO Creating socket ${r.url}`));
    assert.equal(r.lines.filter((l) => / spawned: /.test(l)).length, 0);
  }
});

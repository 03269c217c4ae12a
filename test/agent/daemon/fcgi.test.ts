// [fcgi-program:x] under the real daemon: one socket per group, created at the first spawn, given
// to every process as fd 0 and served by the children (never by the daemon), socket_mode applied,
// closed and removed after the last process stopped; a socket that cannot be bound is a start-up error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { logLines, startDaemon, waitForLog, writeConf } from '../../helpers/daemon.js';
import { askPid, FCGI_ECHO, twoSocketsConf } from '../../helpers/fcgi.js';
import { freePort } from '../../helpers/ports.js';
import { makeTmpDir } from '../../helpers/tmp.js';


function spawnedPid(lines: readonly string[], name: string): number {
  const line = lines.find((l) => l.startsWith(`INFO spawned: '${name}' with pid `)) ?? '';
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The inode of the socket at `fd` of `pid`, or '' when it is not a socket. */
function socketAt(pid: number, fd: string): string {
  try {
    return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? '';
  } catch {
    return '';
  }
}

/** Asks until every expected pid has answered; every answer must come from one of them. */
async function servedBy(target: string | number, pids: readonly number[]): Promise<void> {
  const seen = new Set<number>();
  for (let i = 0; i < 200 && seen.size < pids.length; i++) {
    const pid = await askPid(target);
    assert.ok(pids.includes(pid), `answer ${pid} is not from ${pids.join(', ')}`);
    seen.add(pid);
  }
  assert.equal(seen.size, pids.length, `only ${[...seen].join(', ')} answered`);
}

test('fcgi-program groups share one socket per group as fd 0, served by the children, closed after the last stop', { timeout: 60_000 }, async (t) => {
  const dir = makeTmpDir(t, 'fv-fcgi-');
  const port = await freePort();
  const sockPath = join(dir, 'f.sock');
  const conf = writeConf(dir, twoSocketsConf(port));
  const d = startDaemon(t, 'fleetvisord', dir, conf);
  const running = ['f_0', 'f_1', 't'];
  for (const name of running) await waitForLog(d, new RegExp(`^INFO success: ${name} entered RUNNING`));
  const lines = logLines(d.mainLog());
  const [f0, f1, tp] = running.map((n) => spawnedPid(lines, n)) as [number, number, number];

  const st = lstatSync(sockPath);
  assert.ok(st.isSocket());
  assert.equal(st.mode & 0o777, 0o660);
  // The same socket is fd 0 of both f children, and the daemon holds it too (under another fd).
  const inode = socketAt(f0, '0');
  assert.notEqual(inode, '');
  assert.equal(socketAt(f1, '0'), inode);
  assert.ok(readdirSync(`/proc/${d.pid}/fd`).some((fd) => socketAt(d.pid, fd) === inode), 'daemon does not hold the socket');
  assert.notEqual(socketAt(tp, '0'), '');
  assert.notEqual(socketAt(tp, '0'), inode);

  // Every connection is answered by a child: the daemon never accepts on the socket.
  await servedBy(sockPath, [f0, f1]);
  await servedBy(port, [tp]);

  assert.equal(await d.stop(), 0);
  const all = logLines(d.mainLog());
  const started = all.findIndex((l) => l.startsWith('INFO supervisord started'));
  const socketLines = all.filter((l) => / socket /.test(l));
  // As supervisord: the start-up check creates and closes each socket, the first spawn re-creates it.
  assert.deepEqual(socketLines.slice(0, 4), [
    `INFO Creating socket unix://${sockPath}`, `INFO Closing socket unix://${sockPath}`,
    `INFO Creating socket tcp://127.0.0.1:${port}`, `INFO Closing socket tcp://127.0.0.1:${port}`,
  ]);
  assert.ok(all.indexOf(`INFO Closing socket tcp://127.0.0.1:${port}`) < started);
  assert.equal(all.filter((l) => l === `INFO Creating socket unix://${sockPath}`).length, 2);
  const created = all.lastIndexOf(`INFO Creating socket unix://${sockPath}`);
  const closed = all.lastIndexOf(`INFO Closing socket unix://${sockPath}`);
  assert.ok(created > started && created < all.findIndex((l) => l.startsWith("INFO spawned: 'f_0'")));
  for (const name of ['f_0', 'f_1']) {
    assert.ok(all.findIndex((l) => l.startsWith(`WARN stopped: ${name} `)) < closed, `${name} stopped after the socket closed`);
  }
  assert.ok(all.includes(`INFO Closing socket tcp://127.0.0.1:${port}`));
  assert.equal(existsSync(sockPath), false);
});

test('a socket that cannot be bound is a start-up error: exit 2, nothing started', { timeout: 30_000 }, async (t) => {
  const dir = makeTmpDir(t, 'fv-fcgi-');
  const conf = writeConf(dir, `
[program:plain]
command=/bin/sleep 300
priority=1
[fcgi-program:f]
command=${FCGI_ECHO}
socket=unix://%(here)s/missing/f.sock
`);
  const d = startDaemon(t, 'fleetvisord', dir, conf);
  assert.equal(await d.exited(), 2);
  assert.equal(d.stderr().split('\n')[0],
    `Error: Could not create FastCGI socket unix://${dir}/missing/f.sock: [Errno 2] No such file or directory`);
  const lines = logLines(d.mainLog());
  assert.ok(lines.includes(`INFO Creating socket unix://${dir}/missing/f.sock`));
  assert.equal(lines.filter((l) => / spawned: /.test(l)).length, 0);
});

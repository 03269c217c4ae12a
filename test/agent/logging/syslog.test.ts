// Syslog through a `logger` child, received by a python3 unix-datagram server in a temp dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { makeTmpDir } from '../../helpers/tmp.js';
import { LoggerProcessSyslog } from '../../../agent/logging/syslog.js';

const SERVER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print('ready', flush=True)
while True:
    print(s.recv(65536).hex(), flush=True)
`;

interface Server { received: string[]; waitFor(count: number): Promise<void> }

async function startServer(t: { after(fn: () => void): void }, socketPath: string): Promise<Server> {
  const child = spawn('python3', ['-c', SERVER, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => { if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL'); });
  const received: string[] = [];
  let ready = false;
  let rest = '';
  child.stdout.setEncoding('utf8').on('data', (data: string) => {
    const lines = (rest + data).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') ready = true;
      else received.push(Buffer.from(line, 'hex').toString('utf8'));
    }
  });
  const until = async (cond: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 5000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  await until(() => ready, 'the datagram server');
  return { received, waitFor: (count) => until(() => received.length >= count, `${count} records`) };
}

const haveTools = spawnSync('logger', ['--version']).status === 0 && spawnSync('python3', ['--version']).status === 0;

test('lines reach syslog as user.info records tagged supervisord, and a dead logger is replaced', { skip: !haveTools && 'logger or python3 missing' }, async (t) => {
  const socketPath = join(makeTmpDir(t), 'log.sock');
  const server = await startServer(t, socketPath);
  const writer = new LoggerProcessSyslog({ socketPath });
  t.after(() => writer.close());
  writer.send('web hello world');
  writer.send('web ');
  await server.waitFor(2);
  assert.match(server.received[0] as string, /^<14>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d supervisord: web hello world$/);
  assert.match(server.received[1] as string, /supervisord: web $/);

  const firstPid = writer.pid;
  assert.ok(firstPid !== undefined);
  process.kill(firstPid, 'SIGKILL');
  const deadline = Date.now() + 5000;
  while (writer.pid === firstPid && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  writer.send('after restart');
  await server.waitFor(3);
  assert.match(server.received[2] as string, /supervisord: after restart$/);
  assert.notEqual(writer.pid, firstPid);
});

test('a missing logger binary never throws to the caller', () => {
  const writer = new LoggerProcessSyslog({ command: '/nonexistent/logger-binary' });
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    writer.send('dropped');
    writer.send('dropped too');
  } finally {
    process.stderr.write = original;
    writer.close();
  }
});

// /logtail and /mainlogtail: headers, the initial 1024 bytes, following appends, truncation,
// rotation without loss, the 404/400/500 answers, release of fds, and the real supervisorctl;
// streams woken by the daemon's own writes (no look at the file), by a shared look for another
// process's writes, the caps on streams; and a follower of the real fleetvisord's child log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, readlinkSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpDate } from '../../../agent/http/responses.js';
import { LogWrites } from '../../../agent/logging/log-writes.js';
import { RotatingFile, type RotatingFileOptions } from '../../../agent/logging/rotating-file.js';
import { startDaemon, writeConf } from '../../helpers/daemon.js';
import { PYTHON, SUPERVISORCTL } from '../../helpers/paths.js';
import { freePort } from '../../helpers/ports.js';
import { apiSections, pyRpc } from '../../helpers/py-rpc.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';
import { basic, bodyIs, exchange, openStream, RawClient, stableHead, startServer, withLog, type Harness, type Stream } from './harness.js';

/** How many of our own fds are open on this path (0 once a stream has let go of the file). */
function fdsOn(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // the fd closed while we looked
    }
  }
  return n;
}

test('the stream starts with the last 1024 bytes, with supervisord\'s headers, chunked', async (t) => {
  const h = await startServer(t);
  const content = Buffer.from(Array.from({ length: 3000 }, (_, i) => 33 + (i % 90)));
  const file = withLog(h, 'foo', content);
  const s = await openStream(h.target, '/logtail/foo');
  t.after(() => s.client.destroy());
  assert.equal(stableHead(s.head), [
    'HTTP/1.1 200 OK', 'Server: Medusa/1.12', 'Date: <date>',
    `Last-Modified: ${httpDate(statSync(file).mtime)}`,
    'Content-Type: text/plain;charset=utf-8', 'X-Accel-Buffering: no', 'X-Content-Type-Options: nosniff', 'Transfer-Encoding: chunked',
  ].join('\r\n'));
  await bodyIs(s, content.subarray(3000 - 1024), 'the initial 1024 bytes');
});

test('a small file is sent whole, then every appended byte, once, in order', async (t) => {
  const h = await startServer(t);
  const file = withLog(h, 'foo', 'hi\nhi\n');
  const s = await openStream(h.target, '/logtail/foo');
  t.after(() => s.client.destroy());
  await bodyIs(s, 'hi\nhi\n', 'the whole small file');
  // The first chunk on the wire, exactly: hex length, CRLF, data, CRLF.
  assert.ok(s.client.data.includes('6\r\nhi\nhi\n\r\n'));
  let expected = 'hi\nhi\n';
  for (let i = 0; i < 20; i++) {
    const line = `line ${i} ${'x'.repeat(i * 50)}\n`;
    appendFileSync(file, line);
    expected += line;
  }
  await bodyIs(s, expected, 'the appended lines');
  assert.equal(s.ended(), false);
});

test('a truncated file gives the marker and restarts at offset 0', async (t) => {
  const h = await startServer(t);
  const file = withLog(h, 'foo', 'before truncation\n');
  const s = await openStream(h.target, '/logtail/foo');
  t.after(() => s.client.destroy());
  await bodyIs(s, 'before truncation\n', 'the initial content');
  truncateSync(file, 0);
  await waitFor(() => s.body().includes('==> File truncated <=='), { what: 'the marker' });
  appendFileSync(file, 'after\n');
  await bodyIs(s, 'before truncation\n==> File truncated <==\nafter\n', 'the new content');
});

test('rotation: the rest of the old file, then the new file from its start, nothing lost or repeated', async (t) => {
  const h = await startServer(t, { options: { logtailPollMs: 5 } });
  const file = withLog(h, 'foo', 'gen0 start\n');
  const s = await openStream(h.target, '/logtail/foo');
  t.after(() => s.client.destroy());
  let expected = 'gen0 start\n';
  await bodyIs(s, expected, 'the first generation');
  for (let gen = 1; gen <= 5; gen++) {
    // Written just before the rename: may only be seen by draining the old file after it moved.
    appendFileSync(file, `gen${gen - 1} last words\n`);
    renameSync(file, `${file}.${gen}`);
    writeFileSync(file, `gen${gen} start\n`);
    appendFileSync(file, `gen${gen} more\n`);
    expected += `gen${gen - 1} last words\ngen${gen} start\ngen${gen} more\n`;
    await bodyIs(s, expected, `generation ${gen}`);
  }
  assert.equal(fdsOn(file) + fdsOn(`${file}.1`), 1);
});

test('the stderr channel and percent-encoded namespecs', async (t) => {
  const h = await startServer(t);
  const file = join(h.dir, 'err.log');
  writeFileSync(file, 'to stderr\n');
  h.logs.stderr.set('grp:foo', file);
  const s = await openStream(h.target, '/logtail/grp%3Afoo/stderr');
  t.after(() => s.client.destroy());
  await bodyIs(s, 'to stderr\n', 'the stderr log');
});

test('404 for unknown names, bad channels, no log, missing files; 400 for other methods; 500 for bare /logtail', async (t) => {
  const h = await startServer(t);
  withLog(h, 'foo', 'x');
  h.logs.stdout.set('nolog', null);
  h.logs.stdout.set('gone', join(h.dir, 'never-written.log'));
  h.logs.stdout.set('dir', h.dir);
  const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
  const cases: [string, number][] = [
    [get('/logtail/bar'), 404],
    [get('/logtail/foo/stdin'), 404],
    [get('/logtail/foo/stdout/x'), 404],
    [get('/logtail/nolog'), 404],
    [get('/logtail/gone'), 404],
    [get('/logtail/dir'), 404],
    [get('/logtail/'), 404],
    [get('/logtail'), 500],
    [get('/mainlogtail'), 404],
    ['POST /logtail/foo HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n', 400],
    ['POST /mainlogtail HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n', 400],
  ];
  for (const [req, status] of cases) {
    const res = await exchange(h.target, req);
    assert.equal(res.status, status, req);
    assert.equal(res.header('content-type'), 'text/html', req);
    assert.equal(res.header('x-content-type-options'), 'nosniff', req);
  }
  // A HEAD is refused too; its reply has the head only (node, rightly, sends no body to a HEAD).
  const head = await RawClient.connect(h.target);
  head.send('HEAD /logtail/foo HTTP/1.0\r\n\r\n');
  await head.waitClosed();
  assert.match(head.data.toString('latin1'), /^HTTP\/1\.1 400 Bad Request\r\n.*\r\n\r\n$/s);
  h.logs.main = join(h.dir, 'no-main.log');
  assert.equal((await exchange(h.target, get('/mainlogtail'))).status, 404);
});

test('/mainlogtail streams the main log, without X-Accel-Buffering, with nosniff', async (t) => {
  const h = await startServer(t);
  h.logs.main = join(h.dir, 'supervisord.log');
  writeFileSync(h.logs.main, '2026-01-01 00:00:00,000 INFO supervisord started\n');
  const s = await openStream(h.target, '/mainlogtail');
  t.after(() => s.client.destroy());
  assert.equal(stableHead(s.head).split('\r\n').slice(3).join('|'),
    `Last-Modified: ${httpDate(statSync(h.logs.main).mtime)}|Content-Type: text/plain;charset=utf-8|X-Content-Type-Options: nosniff|Transfer-Encoding: chunked`);
  await bodyIs(s, '2026-01-01 00:00:00,000 INFO supervisord started\n', 'the main log');
});

test('HTTP/1.0 gets the stream unchunked, at once (no 64 KiB coalescing)', async (t) => {
  const h = await startServer(t);
  const file = withLog(h, 'foo', 'one\n');
  const client = await RawClient.connect(h.target);
  t.after(() => client.destroy());
  client.send('GET /logtail/foo HTTP/1.0\r\n\r\n');
  await waitFor(() => client.data.toString('latin1').endsWith('\r\n\r\none\n'), { what: 'the first bytes' });
  appendFileSync(file, 'two\n');
  await waitFor(() => client.data.toString('latin1').endsWith('\r\n\r\none\ntwo\n'), { what: 'the appended bytes' });
  assert.ok(!client.data.includes('Transfer-Encoding'));
});

test('a client that goes away releases the file; the server goes on', async (t) => {
  const h = await startServer(t);
  const file = withLog(h, 'foo', 'abc\n');
  const s = await openStream(h.target, '/logtail/foo');
  await bodyIs(s, 'abc\n', 'the content');
  assert.equal(fdsOn(file), 1);
  s.client.destroy();
  await waitFor(() => fdsOn(file) === 0, { what: 'the fd to be closed' });
  appendFileSync(file, 'more\n');
  const again = await openStream(h.target, '/logtail/foo');
  t.after(() => again.client.destroy());
  await bodyIs(again, 'abc\nmore\n', 'a new stream');
});

test('closing the servers ends each stream with the last chunk and closes its connection and file', async (t) => {
  const h = await startServer(t, { unix: true });
  const file = withLog(h, 'foo', 'abc\n');
  const streams = [await openStream(h.target, '/logtail/foo'), await openStream(h.target, '/logtail/foo')];
  for (const s of streams) await bodyIs(s, 'abc\n', 'the content');
  await h.servers.close();
  for (const s of streams) {
    await s.client.waitClosed();
    assert.equal(s.ended(), true);
  }
  assert.equal(fdsOn(file), 0);
});

test('supervisorctl\'s raw request, authenticated, gets a chunked 200 stream', async (t) => {
  const h = await startServer(t, { username: 'user', password: '123' });
  withLog(h, 'foo', 'hello\n');
  const s = await openStream(h.target, '/logtail/foo/stdout', basic('user', '123'));
  t.after(() => s.client.destroy());
  assert.match(s.head, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(s.head, /\r\nTransfer-Encoding: chunked$/);
  await bodyIs(s, 'hello\n', 'the content');
  // The extra CRLF supervisorctl sends after its headers is ignored: the connection stays usable.
  assert.equal(s.client.closed, false);
});

const noCtl = ((): string | false => { try { statSync(SUPERVISORCTL); return false; } catch { return 'Debian supervisorctl not installed'; } })();

test('the real supervisorctl tail -f reads the stream (inet and unix), and ends when the server closes', { skip: noCtl }, async (t) => {
  for (const unix of [false, true]) {
    const h = await startServer(t, { unix, username: 'user', password: '123' });
    const file = withLog(h, 'foo', 'first line\n');
    const conf = join(h.dir, 'ctl.conf');
    writeFileSync(conf, '[supervisorctl]\n');
    const url = 'port' in h.target ? `http://127.0.0.1:${h.target.port}` : `unix://${h.target.path}`;
    const child = spawn(SUPERVISORCTL, ['-c', conf, '-s', url, '-u', 'user', '-p', '123', 'tail', '-f', 'foo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => { child.kill('SIGKILL'); });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(() => out.includes('first line\n'), { what: `supervisorctl output (${out}${err})` });
    appendFileSync(file, 'second line\n');
    await waitFor(() => out.includes('second line\n'), { what: 'the appended line' });
    assert.equal(out, '==> Press Ctrl-C to exit <==\nfirst line\nsecond line\n');
    await h.servers.close();
    assert.equal(await exited, 0);
    assert.equal(err, '');
  }
});

/** No look at the files for an hour: whatever a stream gets below, the writer's notice brought it. */
const NO_LOOK = { logtailPollMs: 3_600_000 };

/** A log `name` written by a RotatingFile whose writes are announced to the server's streams. */
function writtenLog(t: { after(fn: () => void): void }, h: Harness, name: string, opts: Omit<RotatingFileOptions, 'path' | 'writes'> = {}): { file: string; log: RotatingFile } {
  const writes = new LogWrites();
  h.logs.watchWrites = (path, listener) => writes.subscribe(path, listener);
  const file = join(h.dir, `${name}.log`);
  const log = new RotatingFile({ path: file, writes, ...opts });
  t.after(() => log.close());
  h.logs.stdout.set(name, file);
  return { file, log };
}

test('the daemon\'s own writes reach every stream without a look at the file, from a reused buffer', async (t) => {
  const h = await startServer(t, { options: NO_LOOK });
  const { log } = writtenLog(t, h, 'foo');
  log.write(Buffer.from('before\n'));
  const streams = await Promise.all(Array.from({ length: 20 }, () => openStream(h.target, '/logtail/foo')));
  t.after(() => { for (const s of streams) s.client.destroy(); });
  for (const s of streams) await bodyIs(s, 'before\n', 'the start');
  // The children's output arrives in one reused read buffer: what a stream keeps must be its own copy.
  const shared = Buffer.alloc(64);
  let expected = 'before\n';
  for (let i = 0; i < 200; i++) {
    const line = `line ${i} ${'y'.repeat(i % 30)}\n`;
    const n = shared.write(line, 'latin1');
    log.write(shared.subarray(0, n));
    shared.fill('X');
    expected += line;
  }
  for (const s of streams) await bodyIs(s, expected, 'every line, once, in order');
});

test('rotation, reopening and clearing by the writer are followed without a look at the file', async (t) => {
  const h = await startServer(t, { options: NO_LOOK });
  const { file, log } = writtenLog(t, h, 'foo', { maxbytes: 100, backups: 3 });
  log.write(Buffer.from('gen0 start\n'));
  const s = await openStream(h.target, '/logtail/foo');
  t.after(() => s.client.destroy());
  let expected = 'gen0 start\n';
  await bodyIs(s, expected, 'the first generation');
  for (let gen = 0; gen < 6; gen++) {
    // Three 40-byte lines cross 100 bytes: the third one ends the file, the next goes to a new one.
    for (let i = 0; i < 3; i++) {
      const line = `gen${gen} line ${i} `.padEnd(39, '.') + '\n';
      log.write(Buffer.from(line));
      expected += line;
    }
    const next = `gen${gen + 1} start\n`;
    log.write(Buffer.from(next));
    expected += next;
    await bodyIs(s, expected, `rotation ${gen}`);
  }
  // An external logrotate moves the file away, then the daemon reopens it (SIGUSR2).
  renameSync(file, `${file}.moved`);
  log.write(Buffer.from('last words in the moved file\n'));
  log.reopen();
  log.write(Buffer.from('after reopen\n'));
  expected += 'last words in the moved file\nafter reopen\n';
  await bodyIs(s, expected, 'the reopened file');
  log.clear();
  log.write(Buffer.from('after clear\n'));
  expected += 'after clear\n';
  await bodyIs(s, expected, 'the cleared file');
});

test('a write ten times maxbytes (ten rotations at once, most backups deleted at once) reaches the stream whole', async (t) => {
  const h = await startServer(t, { options: NO_LOOK });
  const { file, log } = writtenLog(t, h, 'foo', { maxbytes: 100, backups: 2 });
  log.write(Buffer.from('before\n'));
  const s = await openStream(h.target, '/logtail/foo');
  t.after(() => s.client.destroy());
  await bodyIs(s, 'before\n', 'the start');
  const big = Buffer.from(Array.from({ length: 1000 }, (_, i) => 97 + Math.floor(i / 100)));
  log.write(big);
  log.write(Buffer.from('after\n'));
  await bodyIs(s, `before\n${big.toString('latin1')}after\n`, 'every byte of every file');
  assert.equal(existsSync(`${file}.3`), false, 'the writer kept 2 backups');
  // The files held for the stream are let go once it has read them: the writer's and the stream's fds remain.
  const fdsInDir = (): string[] => readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(`${h.dir}/`) ? [target] : [];
    } catch {
      return [];
    }
  });
  await waitFor(() => fdsInDir().length === 2, { what: `two fds on the log (${fdsInDir().join(', ')})` });
  assert.deepEqual(fdsInDir(), [file, file]);
});

test('bytes another process appends before the daemon\'s write are sent first, in file order', async (t) => {
  const h = await startServer(t, { options: NO_LOOK });
  const { file, log } = writtenLog(t, h, 'foo');
  log.write(Buffer.from('ours 1\n'));
  const s = await openStream(h.target, '/logtail/foo');
  t.after(() => s.client.destroy());
  await bodyIs(s, 'ours 1\n', 'the start');
  appendFileSync(file, 'theirs\n');
  log.write(Buffer.from('ours 2\n'));
  await bodyIs(s, 'ours 1\ntheirs\nours 2\n', 'both writers, in file order');
});

test('a reader that stops reading holds its stream back, then gets every byte once', async (t) => {
  const h = await startServer(t, { unix: true, options: NO_LOOK });
  const { log } = writtenLog(t, h, 'foo');
  const s = await openStream(h.target, '/logtail/foo');
  t.after(() => s.client.destroy());
  s.client.socket.pause();
  const parts: Buffer[] = [];
  for (let i = 0; i < 128; i++) {
    const part = Buffer.alloc(64 * 1024, 97 + (i % 26));
    log.write(part);
    parts.push(part);
  }
  s.client.socket.resume();
  await bodyIs(s, Buffer.concat(parts), 'all 8 MiB');
});

test('with the writer\'s notices on, bytes only another process appends reach every stream through the shared look', async (t) => {
  const h = await startServer(t, { options: { logtailPollMs: 10 } });
  const { file, log } = writtenLog(t, h, 'foo');
  log.write(Buffer.from('ours\n'));
  const streams = await Promise.all(Array.from({ length: 20 }, () => openStream(h.target, '/logtail/foo')));
  t.after(() => { for (const s of streams) s.client.destroy(); });
  for (const s of streams) await bodyIs(s, 'ours\n', 'the start');
  let expected = 'ours\n';
  for (let i = 0; i < 5; i++) {
    appendFileSync(file, `theirs ${i}\n`);
    expected += `theirs ${i}\n`;
    for (const s of streams) await bodyIs(s, expected, `another process's line ${i}`);
    log.write(Buffer.from(`ours ${i}\n`));
    expected += `ours ${i}\n`;
    for (const s of streams) await bodyIs(s, expected, `the daemon's line ${i}`);
  }
});

/** 3000 lines of 64 bytes, written one by one once a line comes on stdin; 'start' before. */
const GATED_WRITER = `${PYTHON} -c "import os, sys; os.write(1, b'start\\n'); sys.stdin.readline(); `
  + `[os.write(1, str(i).zfill(6).encode() + b' ' + b'y' * 56 + b'\\n') for i in range(3000)]; sys.stdin.readline()"`;

test('the real fleetvisord: a follower of a child\'s log gets every byte, in order, across a dozen rotations', { timeout: 60_000 }, async (t) => {
  const dir = makeTmpDir(t, 'fv-logtail-daemon-');
  const port = await freePort();
  const conf = writeConf(dir, `${apiSections(port)}
[program:writer]
command=${GATED_WRITER}
startsecs=0
autorestart=false
stdout_logfile=${dir}/writer.log
stdout_logfile_maxbytes=16KB
stdout_logfile_backups=100
stderr_logfile=NONE
`);
  startDaemon(t, 'fleetvisord', dir, conf);
  const log = join(dir, 'writer.log');
  await waitFor(() => existsSync(log) && readFileSync(log, 'latin1') === 'start\n', { timeoutMs: 20_000, what: 'the child\'s first line' });
  const s = await openStream({ port }, '/logtail/writer');
  t.after(() => s.client.destroy());
  await bodyIs(s, 'start\n', 'the first line');
  await pyRpc(port, 'supervisor.sendProcessStdin', 'writer', 'go\n');
  const lines = Array.from({ length: 3000 }, (_, i) => `${String(i).padStart(6, '0')} ${'y'.repeat(56)}\n`).join('');
  await bodyIs(s, `start\n${lines}`, 'all 192 KB');
  // What the stream carried is what the files hold, none of them over 16KB.
  const names = readdirSync(dir).filter((n) => n.startsWith('writer.log'));
  assert.ok(names.length >= 12 && !names.includes('writer.log.100'), names.join(' '));
  const files = names.map((n) => ({ n, i: n === 'writer.log' ? 0 : Number(n.slice('writer.log.'.length)) })).sort((a, b) => b.i - a.i);
  assert.equal(files.map(({ n }) => readFileSync(join(dir, n), 'latin1')).join(''), `start\n${lines}`);
  for (const { n } of files) assert.ok(statSync(join(dir, n)).size <= 16 * 1024, n);
});

/** The status and body of a refused (Content-Length) answer; the head of a stream. */
function answerOf(stream: Stream): { status: number; body: string } {
  const text = stream.client.data.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  return { status: Number(text.split(' ')[1]), body: text.slice(end + 4) };
}

test('streams are capped per client address and in total; beyond, a status and a one-line reason', async (t) => {
  const h = await startServer(t, { options: { logtailPerClient: 2, logtailTotal: 3 } });
  withLog(h, 'foo', 'x\n');
  h.logs.main = join(h.dir, 'main.log');
  writeFileSync(h.logs.main, 'main\n');
  const open: Stream[] = [];
  t.after(() => { for (const s of open) s.client.destroy(); });
  const from = async (address: string, path = '/logtail/foo'): Promise<Stream> => {
    const s = await openStream(h.target, path, '', address);
    open.push(s);
    return s;
  };
  assert.equal(answerOf(await from('127.0.0.1')).status, 200);
  const second = await from('127.0.0.1', '/mainlogtail');
  assert.equal(answerOf(second).status, 200);
  const third = await from('127.0.0.1');
  await waitFor(() => answerOf(third).body.endsWith('\n'), { what: 'the refusal' });
  assert.match(third.head, /^HTTP\/1\.1 429 Too Many Requests\r\n/);
  assert.match(third.head, /\r\nContent-Type: text\/plain;charset=utf-8\r\nX-Content-Type-Options: nosniff$/);
  assert.equal(answerOf(third).body, 'Too many log streams from this client: 2 at most; end one and retry\n');
  assert.equal(answerOf(await from('127.0.0.2')).status, 200);
  const over = await from('127.0.0.3', '/mainlogtail');
  await waitFor(() => answerOf(over).body.endsWith('\n'), { what: 'the refusal' });
  assert.match(over.head, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
  assert.equal(answerOf(over).body, 'Too many log streams on this server: 3 at most; retry later\n');
  // A stream that ends gives its place back.
  second.client.destroy();
  let again: Stream | null = null;
  await waitFor(async () => {
    const s = await from('127.0.0.1');
    if (answerOf(s).status === 200) again = s;
    else s.client.destroy();
    return again !== null;
  }, { what: 'a place once a stream ended' });
});

test('the real supervisorctl tail -f over the cap: the status code on stderr, and it ends', { skip: noCtl }, async (t) => {
  const h = await startServer(t, { options: { logtailPerClient: 1 } });
  withLog(h, 'foo', 'x\n');
  const held = await openStream(h.target, '/logtail/foo');
  t.after(() => held.client.destroy());
  assert.match(held.head, /^HTTP\/1\.1 200 OK\r\n/);
  const conf = join(h.dir, 'ctl.conf');
  writeFileSync(conf, '[supervisorctl]\n');
  const port = 'port' in h.target ? h.target.port : 0;
  const child = spawn(SUPERVISORCTL, ['-c', conf, '-s', `http://127.0.0.1:${port}`, 'tail', '-f', 'foo'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { child.kill('SIGKILL'); });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  assert.equal(out, '==> Press Ctrl-C to exit <==\n');
  assert.equal(err, `http://127.0.0.1:${port}/logtail/foo/stdout Cannot read, status code 429\n`);
  assert.equal(code, 0);
});

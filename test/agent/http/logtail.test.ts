// /logtail and /mainlogtail: headers, the initial 1024 bytes, following appends, truncation,
// rotation without loss, the 404/400/500 answers, release of fds, and the real supervisorctl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readlinkSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpDate } from '../../../agent/http/responses.js';
import { SUPERVISORCTL } from '../../helpers/paths.js';
import { waitFor } from '../../helpers/wait-for.js';
import { basic, bodyIs, exchange, openStream, RawClient, stableHead, startServer, withLog } from './harness.js';

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
    'Content-Type: text/plain;charset=utf-8', 'X-Accel-Buffering: no', 'Transfer-Encoding: chunked',
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
  }
  // A HEAD is refused too; its reply has the head only (node, rightly, sends no body to a HEAD).
  const head = await RawClient.connect(h.target);
  head.send('HEAD /logtail/foo HTTP/1.0\r\n\r\n');
  await head.waitClosed();
  assert.match(head.data.toString('latin1'), /^HTTP\/1\.1 400 Bad Request\r\n.*\r\n\r\n$/s);
  h.logs.main = join(h.dir, 'no-main.log');
  assert.equal((await exchange(h.target, get('/mainlogtail'))).status, 404);
});

test('/mainlogtail streams the main log, without X-Accel-Buffering', async (t) => {
  const h = await startServer(t);
  h.logs.main = join(h.dir, 'supervisord.log');
  writeFileSync(h.logs.main, '2026-01-01 00:00:00,000 INFO supervisord started\n');
  const s = await openStream(h.target, '/mainlogtail');
  t.after(() => s.client.destroy());
  assert.equal(stableHead(s.head).split('\r\n').slice(3).join('|'),
    `Last-Modified: ${httpDate(statSync(h.logs.main).mtime)}|Content-Type: text/plain;charset=utf-8|Transfer-Encoding: chunked`);
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

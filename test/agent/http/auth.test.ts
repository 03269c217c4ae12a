// Basic authentication: the check itself, and the 401 exactly as medusa sends it (then closed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeAuthCheck } from '../../../agent/http/auth.js';
import { errorBody } from '../../../agent/http/responses.js';
import { SUPERVISORCTL } from '../../helpers/paths.js';
import { connect } from 'node:net';
import { basic, exchange, RawClient, rpcRequest, stableHead, startServer, type Target } from './harness.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('no username means no check', () => {
  assert.equal(makeAuthCheck(null, null), null);
  assert.equal(makeAuthCheck('', 'x'), null);
});

test('plain password: exact user and password only', () => {
  const check = makeAuthCheck('user', 'p:ss word');
  assert.ok(check);
  assert.equal(check(`Basic ${b64('user:p:ss word')}`), 'ok');
  assert.equal(check(`bAsIc ${b64('user:p:ss word')}`), 'ok');
  assert.equal(check(`Basic ${b64('user:p:ss wor')}`), 'unauthorized');
  assert.equal(check(`Basic ${b64('User:p:ss word')}`), 'unauthorized');
  assert.equal(check(`Basic ${b64('user:')}`), 'unauthorized');
  assert.equal(check(undefined), 'unauthorized');
  assert.equal(check('Basic'), 'unauthorized');
  assert.equal(check(`Digest ${b64('user:p:ss word')}`), 'unauthorized');
  // No colon: supervisord fails with 500; a refusal is the safer answer.
  assert.equal(check(`Basic ${b64('userp')}`), 'unauthorized');
  assert.equal(check(`Basic ${Buffer.from([0x75, 0x3a, 0xff]).toString('base64')}`), 'malformed');
});

test('{SHA} password: lowercase hex SHA-1 of the supplied password', () => {
  const sha = createHash('sha1').update('s\u00e9cret', 'utf8').digest('hex');
  const check = makeAuthCheck('admin', `{SHA}${sha}`);
  assert.ok(check);
  assert.equal(check(`Basic ${b64('admin:s\u00e9cret')}`), 'ok');
  assert.equal(check(`Basic ${b64(`admin:{SHA}${sha}`)}`), 'unauthorized');
  assert.equal(check(`Basic ${b64('admin:secret')}`), 'unauthorized');
  // The stored digest is compared as written, as supervisord does: uppercase never matches.
  const upper = makeAuthCheck('admin', `{SHA}${sha.toUpperCase()}`);
  assert.equal(upper?.(`Basic ${b64('admin:s\u00e9cret')}`), 'unauthorized');
});

test('a refused request gets medusa\'s 401, byte for byte, and the connection is closed', async (t) => {
  const h = await startServer(t, { username: 'user', password: '123' });
  const body = errorBody(401);
  for (const req of [
    rpcRequest('test.echo'),
    rpcRequest('test.echo', '', basic('user', 'wrong')),
    rpcRequest('test.echo', '', 'Authorization: Bearer abc\r\n'),
    'GET /logtail/foo HTTP/1.1\r\nHost: x\r\n\r\n',
    'GET /mainlogtail HTTP/1.1\r\nHost: x\r\n\r\n',
    'GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n',
  ]) {
    const client = await RawClient.connect(h.target);
    client.send(req);
    const res = await client.readResponse();
    // The log streams' answers, refusals included, all say nosniff (supervisord's none do).
    const nosniff = /^GET \/(main)?logtail/.test(req) ? ['X-Content-Type-Options: nosniff'] : [];
    assert.equal(stableHead(res.head), [
      'HTTP/1.1 401 Unauthorized', 'Server: Medusa/1.12', 'Date: <date>', 'Connection: close',
      'WWW-Authenticate: Basic realm="default"', ...nosniff, `Content-Length: ${body.length}`, 'Content-Type: text/html',
    ].join('\r\n'), req);
    assert.deepEqual(res.body, body);
    await client.waitClosed();
  }
  assert.equal(h.rpc.calls.length, 0);
  assert.ok(!h.log.lines.some((l) => l.includes('123') || l.includes('wrong')));
  assert.ok(!h.log.lines.some((l) => l.includes('without any HTTP authentication')));
});

/** Sends the whole request, then reads until the server closes; any socket error (EPIPE, ECONNRESET) is reported. */
function sendWhole(target: Target, request: Buffer): Promise<{ answer: string; error: string | null }> {
  return new Promise((resolve) => {
    const socket = 'port' in target ? connect(target.port, '127.0.0.1') : connect(target.path);
    const chunks: Buffer[] = [];
    let error: string | null = null;
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (err: NodeJS.ErrnoException) => { error ??= err.code ?? err.message; });
    socket.on('close', () => resolve({ answer: Buffer.concat(chunks).toString('latin1'), error }));
    socket.write(request);
  });
}

const bigCall = (auth: string): Buffer =>
  Buffer.from(rpcRequest('test.echo', `<param><value><string>${'x'.repeat(2 * 1024 * 1024)}</string></value></param>\n`, auth));

test('a refused client finishes sending its body and reads the 401, over TCP and unix, in a row and at once', async (t) => {
  for (const unix of [false, true]) {
    const h = await startServer(t, { unix, username: 'user', password: '123' });
    const request = bigCall(basic('user', 'wrong'));
    for (let i = 0; i < 20; i++) {
      const r = await sendWhole(h.target, request);
      assert.equal(r.error, null, `${unix ? 'unix' : 'tcp'} #${i}`);
      assert.match(r.answer, /^HTTP\/1\.1 401 Unauthorized\r\n/, `${unix ? 'unix' : 'tcp'} #${i}`);
    }
    const together = await Promise.all(Array.from({ length: 12 }, () => sendWhole(h.target, request)));
    for (const r of together) {
      assert.equal(r.error, null);
      assert.match(r.answer, /^HTTP\/1\.1 401 Unauthorized\r\n/);
    }
    // A chunked body is read to its end too.
    const chunked = Buffer.from(`POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n${'y'.repeat(0x100000)}\r\n0\r\n\r\n`);
    const r = await sendWhole(h.target, chunked);
    assert.equal(r.error, null);
    assert.match(r.answer, /^HTTP\/1\.1 401 Unauthorized\r\n/);
    assert.equal(h.rpc.calls.length, 0);
  }
});

test('a refused request with a body over the limit gets 413, unread, as an accepted one does', async (t) => {
  const h = await startServer(t, { username: 'user', password: '123', options: { maxBodyBytes: 64 * 1024 } });
  for (const auth of ['', basic('user', 'wrong'), basic('user', '123')]) {
    const client = await RawClient.connect(h.target);
    client.send(`POST /RPC2 HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: text/xml\r\nContent-Length: 100000\r\n\r\n`);
    const res = await client.readResponse();
    assert.equal(res.status, 413, auth);
    await client.waitClosed();
  }
  const client = await RawClient.connect(h.target);
  client.send(`POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n20000\r\n${'z'.repeat(0x20000)}\r\n`);
  assert.equal((await client.readResponse()).status, 413);
  await client.waitClosed();
  assert.equal(h.rpc.calls.length, 0);
});

test('correct credentials pass, whatever the case of the header name and scheme', async (t) => {
  const h = await startServer(t, { username: 'user', password: '123' });
  const ok = await exchange(h.target, rpcRequest('test.echo', '', basic('user', '123')));
  assert.equal(ok.status, 200);
  const shouty = `AUTHORIZATION: BASIC ${b64('user:123')}\r\n`;
  assert.equal((await exchange(h.target, rpcRequest('test.echo', '', shouty))).status, 200);
  const unknown = await exchange(h.target, `GET /nothing HTTP/1.1\r\nHost: x\r\n${basic('user', '123')}\r\n`);
  assert.equal(unknown.status, 404);
});

test('a {SHA} password works over the wire', async (t) => {
  const sha = createHash('sha1').update('thepassword').digest('hex');
  const h = await startServer(t, { username: 'chris', password: `{SHA}${sha}` });
  assert.equal((await exchange(h.target, rpcRequest('test.echo', '', basic('chris', 'thepassword')))).status, 200);
  assert.equal((await exchange(h.target, rpcRequest('test.echo', '', basic('chris', sha)))).status, 401);
});

test('credentials that are not UTF-8 text are a 400, as supervisord answers them', async (t) => {
  const h = await startServer(t, { username: 'user', password: '123' });
  const bad = `Authorization: Basic ${Buffer.from([0x75, 0x3a, 0xff]).toString('base64')}\r\n`;
  const res = await exchange(h.target, rpcRequest('test.echo', '', bad));
  assert.equal(res.status, 400);
});

const noCtl = ((): string | false => { try { statSync(SUPERVISORCTL); return false; } catch { return 'Debian supervisorctl not installed'; } })();

test('the real supervisorctl: refused without the password, let in with it', { skip: noCtl }, async (t) => {
  const h = await startServer(t, { username: 'user', password: '123' });
  const conf = join(h.dir, 'ctl.conf');
  writeFileSync(conf, '[supervisorctl]\n');
  if (!('port' in h.target)) throw new Error('inet expected');
  const url = `http://127.0.0.1:${h.target.port}`;
  const run = async (...args: string[]): Promise<{ status: number | null; stdout: string }> => {
    const child = spawn(SUPERVISORCTL, ['-c', conf, '-s', url, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { status, stdout };
  };
  const refused = await run('-u', 'user', '-p', 'nope', 'version');
  // Exactly what supervisorctl prints against supervisord 4.2.5 itself.
  assert.deepEqual(refused, {
    status: 1,
    stdout: 'Server requires authentication\n'
      + "error: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError for 127.0.0.1/RPC2: 401 Unauthorized>: "
      + 'file: /usr/lib/python3/dist-packages/supervisor/xmlrpc.py line: 539\n',
  });
  const allowed = await run('-u', 'user', '-p', '123', 'version');
  assert.deepEqual(allowed, { status: 0, stdout: '4.2.5\n' });
});

// Misbehaving clients: slow ones are dropped, broken requests get a 400/431 and a close, clients
// that vanish mid-body or mid-stream change nothing, and complete requests are never timed out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorBody } from '../../../agent/http/responses.js';
import { waitFor } from '../../helpers/wait-for.js';
import { bodyIs, exchange, openStream, RawClient, rpcRequest, startServer, withLog } from './harness.js';

const fast = { requestTimeoutMs: 300, connectionsCheckingIntervalMs: 50 };

test('a client that never finishes its headers or its body is dropped; complete requests are not', async (t) => {
  const h = await startServer(t, { options: fast });
  // Opened first: a stream and a deferred call whose requests are complete must outlive the bound.
  const file = withLog(h, 'foo', 'start\n');
  const stream = await openStream(h.target, '/logtail/foo');
  t.after(() => stream.client.destroy());
  const held = await RawClient.connect(h.target);
  t.after(() => held.destroy());
  held.send(rpcRequest('test.hold'));
  await waitFor(() => h.rpc.holding === 1, { what: 'the held call' });

  const headers = await RawClient.connect(h.target);
  headers.send('POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Le');
  const body = await RawClient.connect(h.target);
  body.send('POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n<methodCall>');
  await headers.waitClosed();
  await body.waitClosed();
  assert.match(headers.data.toString('latin1'), /^HTTP\/1\.1 408 Request Timeout\r\nServer: Medusa\/1\.12\r\n/);

  appendFileSync(file, 'still here\n');
  await bodyIs(stream, 'start\nstill here\n', 'the stream to go on');
  assert.equal(stream.client.closed, false);
  h.rpc.release();
  assert.equal((await held.readResponse()).status, 200);
  assert.equal(h.rpc.calls.length, 1);
});

test('an idle keep-alive connection is closed after keepAliveTimeoutMs', async (t) => {
  const h = await startServer(t, { options: { keepAliveTimeoutMs: 100 } });
  const client = await RawClient.connect(h.target);
  client.send(rpcRequest('test.echo'));
  assert.equal((await client.readResponse()).status, 200);
  await client.waitClosed();
});

test('malformed requests get medusa\'s 400 page and a close', async (t) => {
  const h = await startServer(t);
  for (const junk of [
    'this is not http\r\n\r\n',
    'GET\r\n\r\n',
    'FROB /RPC2 HTTP/1.1\r\n\r\n',
    'GET / HTTP/9.9\r\n\r\n',
    'POST /RPC2 HTTP/1.1\r\nContent-Length: abc\r\n\r\n',
    'POST /RPC2 HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
    '\x00\x01\x02\xff\r\n\r\n',
  ]) {
    const client = await RawClient.connect(h.target);
    client.send(Buffer.from(junk, 'latin1'));
    await client.waitClosed();
    const text = client.data.toString('latin1');
    assert.match(text, /^HTTP\/1\.1 400 Bad Request\r\nServer: Medusa\/1\.12\r\nDate: [^\r]+\r\nConnection: close\r\nContent-Length: 136\r\nContent-Type: text\/html\r\n\r\n/, JSON.stringify(junk));
    assert.ok(text.endsWith(errorBody(400).toString('latin1')));
  }
  assert.equal(h.rpc.calls.length, 0);
  assert.equal((await exchange(h.target, rpcRequest('test.echo'))).status, 200);
});

test('absurd headers get a 431 and a close', async (t) => {
  const h = await startServer(t);
  const client = await RawClient.connect(h.target);
  client.send(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
  await client.waitClosed();
  assert.match(client.data.toString('latin1'), /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  assert.equal((await exchange(h.target, rpcRequest('test.echo'))).status, 200);
});

test('a client that disconnects mid-body, or mid-stream, leaves the server serving', async (t) => {
  const h = await startServer(t);
  const client = await RawClient.connect(h.target);
  client.send('POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n<methodCall><methodName>test.echo');
  client.destroy();
  await waitFor(() => client.closed);

  const file = withLog(h, 'foo', 'x'.repeat(200_000));
  const tail = await openStream(h.target, '/logtail/foo');
  appendFileSync(file, 'y'.repeat(500_000));
  tail.client.destroy();

  assert.equal((await exchange(h.target, rpcRequest('test.echo'))).status, 200);
  assert.equal(h.rpc.calls.length, 1);
});

test('a reader that stalls on a large burst gets all of it, in order, once it reads again', async (t) => {
  const h = await startServer(t);
  const file = withLog(h, 'foo', '');
  const tail = await openStream(h.target, '/logtail/foo');
  t.after(() => tail.client.destroy());
  tail.client.socket.pause();
  const big = Buffer.alloc(8 * 1024 * 1024, 0x61);
  appendFileSync(file, big);
  // Nothing is read for a while (so the follower meets backpressure), then everything arrives intact.
  await sleep(300);
  tail.client.socket.resume();
  await waitFor(() => tail.body().length >= big.length, { what: 'the whole file', timeoutMs: 30_000 });
  assert.ok(tail.body().equals(big));
});

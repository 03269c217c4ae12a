// /RPC2 over a real socket: success, faults, 400/411/413/404/500 bodies, decode-error logs,
// keep-alive, HTTP/1.0 persistence, and a client that goes away while its call runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorBody } from '../../../agent/http/responses.js';
import { quoteBody } from '../../../agent/http/rpc-route.js';
import { waitFor } from '../../helpers/wait-for.js';
import { exchange, RawClient, rpcRequest, stableHead, startServer } from './harness.js';

const ERROR_400 = '<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n'
  + '<p>Error code 400.\r\n<p>Message: Bad Request.\r\n</body>\r\n';

test('the error page is medusa\'s, byte for byte', () => {
  assert.equal(errorBody(400).toString('latin1'), ERROR_400);
  assert.match(errorBody(411).toString('latin1'), /<p>Error code 411\.\r\n<p>Message: Length Required\.\r\n/);
});

test('a call returns 200 text/xml with the marshalled value and medusa\'s headers', async (t) => {
  const h = await startServer(t);
  const res = await exchange(h.target, rpcRequest('test.echo', '<param>\n<value><string>h\u00e9llo</string></value>\n</param>\n'));
  assert.equal(res.status, 200);
  const body = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><string>h\u00e9llo</string></value>\n</param>\n</params>\n</methodResponse>\n";
  assert.equal(res.body.toString('utf8'), body);
  assert.equal(stableHead(res.head), [
    'HTTP/1.1 200 OK', 'Server: Medusa/1.12', 'Date: <date>', 'Content-Type: text/xml',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ].join('\r\n'));
  assert.match(res.header('date') ?? '', /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  assert.deepEqual(h.rpc.calls, [{ methodName: 'test.echo', params: ['h\u00e9llo'] }]);
});

test('any path starting with /RPC2 is XML-RPC; a missing <params> means no arguments', async (t) => {
  const h = await startServer(t);
  const body = '<methodCall><methodName>test.echo</methodName></methodCall>';
  for (const path of ['/RPC2/x', '/RPC2xyz', '/RPC2?a=b', '/%52PC2']) {
    const res = await exchange(h.target, `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    assert.equal(res.status, 200, path);
  }
  assert.deepEqual(h.rpc.calls.map((c) => c.params), [[], [], [], []]);
});

test('an RpcFault becomes a 200 fault response', async (t) => {
  const h = await startServer(t);
  const res = await exchange(h.target, rpcRequest('test.fault'));
  assert.equal(res.status, 200);
  assert.equal(res.header('content-type'), 'text/xml');
  assert.equal(res.body.toString(), "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n"
    + '<value><int>10</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>BAD_NAME: nope</string></value>\n'
    + '</member>\n</struct></value>\n</fault>\n</methodResponse>\n');
});

test('GET on /RPC2 is 400, a POST without Content-Length 411, both with the HTML page', async (t) => {
  const h = await startServer(t);
  const get = await exchange(h.target, 'GET /RPC2 HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(get.status, 400);
  assert.equal(stableHead(get.head), ['HTTP/1.1 400 Bad Request', 'Server: Medusa/1.12', 'Date: <date>',
    `Content-Length: ${ERROR_400.length}`, 'Content-Type: text/html'].join('\r\n'));
  assert.equal(get.body.toString('latin1'), ERROR_400);

  const noLength = await exchange(h.target, 'POST /RPC2 HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(noLength.status, 411);
  assert.equal(noLength.body.toString('latin1'), errorBody(411).toString('latin1'));

  const chunked = await exchange(h.target, 'POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
  assert.equal(chunked.status, 411);
  assert.equal(h.rpc.calls.length, 0);
});

test('a body over the bound gets 413 and the connection is closed without reading the body', async (t) => {
  const h = await startServer(t, { options: { maxBodyBytes: 1000 } });
  const client = await RawClient.connect(h.target);
  client.send('POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n' + 'x'.repeat(100));
  const res = await client.readResponse();
  assert.equal(res.status, 413);
  assert.equal(res.header('connection'), 'close');
  assert.equal(res.body.toString('latin1'), errorBody(413).toString('latin1'));
  await client.waitClosed();

  const atBound = await exchange(h.target, `POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(1000)}`);
  assert.equal(atBound.status, 400); // read, then refused as unmarshallable
});

test('an unparseable body is 400 with an ERRO line quoting the data; no method name likewise', async (t) => {
  const h = await startServer(t);
  const junk = 'not xml at all';
  const res = await exchange(h.target, `POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: ${junk.length}\r\n\r\n${junk}`);
  assert.equal(res.status, 400);
  assert.equal(res.body.toString('latin1'), ERROR_400);
  assert.deepEqual(h.log.visible, [
    "INFO RPC interface 'supervisor' initialized",
    "CRIT Server 'inet_http_server' running without any HTTP authentication checking",
    "ERRO XML-RPC request data 'not xml at all' is invalid: unmarshallable",
  ]);
  h.log.clear();
  const noName = '<methodCall><params/></methodCall>';
  const res2 = await exchange(h.target, `POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: ${noName.length}\r\n\r\n${noName}`);
  assert.equal(res2.status, 400);
  assert.deepEqual(h.log.visible, [`ERRO XML-RPC request data '${noName}' is invalid: no method name`]);
});

test('logged request data is cut at 200 bytes, the ellipsis inside the quotes', () => {
  assert.equal(quoteBody(Buffer.from('a\nb')), "'a\\nb'");
  assert.equal(quoteBody(Buffer.from('x'.repeat(300))), `'${'x'.repeat(200)}...'`);
});

test('an unexpected error (thrown, or a value that cannot be marshalled) is 500 with a CRIT traceback', async (t) => {
  const h = await startServer(t);
  h.log.clear();
  const res = await exchange(h.target, rpcRequest('test.boom'));
  assert.equal(res.status, 500);
  assert.equal(res.header('content-type'), 'text/html');
  assert.equal(res.body.toString('latin1'), errorBody(500).toString('latin1'));
  assert.equal(h.log.visible.length, 1);
  assert.match(h.log.visible[0] ?? '', /^CRIT Handling XML-RPC request with data "<\?xml version='1\.0'\?>\\n<methodCall>\\n<methodName>test\.boom<\/methodName>.*" raised an unexpected exception: Error: boom\n {4}at /s);

  const big = await exchange(h.target, rpcRequest('test.big'));
  assert.equal(big.status, 500);
  assert.match(h.log.visible[1] ?? '', /raised an unexpected exception: XmlRpcEncodeError: int exceeds XML-RPC limits/);
});

test('trace lines name the method and the outcome', async (t) => {
  const h = await startServer(t);
  await exchange(h.target, rpcRequest('test.fault'));
  assert.ok(h.log.lines.includes('TRAC XML-RPC method called: test.fault()'));
  assert.ok(h.log.lines.includes('TRAC XML-RPC method test.fault() returned fault: [10] BAD_NAME: nope'));
});

test('HTTP/1.1 keeps the connection for the next request (supervisorctl reuses one)', async (t) => {
  const h = await startServer(t);
  const client = await RawClient.connect(h.target);
  t.after(() => client.destroy());
  client.send(rpcRequest('test.echo', '<param><value><int>1</int></value></param>'));
  const first = await client.readResponse();
  client.send(rpcRequest('test.echo', '<param><value><int>2</int></value></param>'));
  const second = await client.readResponse();
  assert.equal(first.status, 200);
  assert.equal(second.status, 200);
  assert.equal(first.header('connection'), undefined);
  assert.match(second.body.toString(), /<int>2<\/int>/);
  assert.equal(client.closed, false);
  // Two requests in one packet (pipelining) are answered in order.
  client.send(rpcRequest('test.echo', '<param><value><int>3</int></value></param>') + rpcRequest('test.echo', '<param><value><int>4</int></value></param>'));
  assert.match((await client.readResponse()).body.toString(), /<int>3<\/int>/);
  assert.match((await client.readResponse()).body.toString(), /<int>4<\/int>/);
});

test('HTTP/1.1 Connection: close, and HTTP/1.0, close after the response without a Connection header', async (t) => {
  const h = await startServer(t);
  const body = '<methodCall><methodName>test.echo</methodName></methodCall>';
  for (const req of [
    `POST /RPC2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    `POST /RPC2 HTTP/1.0\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  ]) {
    const client = await RawClient.connect(h.target);
    client.send(req);
    const res = await client.readResponse();
    assert.equal(res.status, 200);
    assert.equal(res.header('connection'), undefined);
    await client.waitClosed();
  }
});

test('HTTP/1.0 with Connection: keep-alive gets Connection: Keep-Alive and stays open', async (t) => {
  const h = await startServer(t);
  const body = '<methodCall><methodName>test.echo</methodName></methodCall>';
  const client = await RawClient.connect(h.target);
  t.after(() => client.destroy());
  const req = `POST /RPC2 HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  client.send(req);
  const res = await client.readResponse();
  assert.equal(stableHead(res.head).split('\r\n').slice(3).join('|'), `Content-Type: text/xml|Content-Length: ${res.body.length}|Connection: Keep-Alive`);
  client.send(req);
  assert.equal((await client.readResponse()).status, 200);
});

test('other paths are 404, or answered by the extra routes', async (t) => {
  const h = await startServer(t);
  const res = await exchange(h.target, 'GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(res.status, 404);
  assert.equal(res.body.toString('latin1'), errorBody(404).toString('latin1'));

  const seen: string[] = [];
  const r = await startServer(t, {
    routes: async (req, resp) => {
      seen.push(req.url ?? '');
      if (req.url !== '/ok.html') return false;
      resp.setHeader('Content-Type', 'text/plain');
      resp.end('OK');
      return true;
    },
  });
  assert.equal((await exchange(r.target, 'GET /ok.html HTTP/1.0\r\n\r\n')).body.toString(), 'OK');
  assert.equal((await exchange(r.target, 'GET /other HTTP/1.0\r\n\r\n')).status, 404);
  assert.deepEqual(seen, ['/ok.html', '/other']);
});

test('a route that throws is a 500 and an ERRO line, not a crash', async (t) => {
  const h = await startServer(t, { routes: () => { throw new Error('ui broke'); } });
  const res = await exchange(h.target, 'GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(res.status, 500);
  assert.ok(h.log.lines.some((l) => l.startsWith('ERRO Server Error: Error: ui broke')));
});

test('a client that disconnects while its call runs does not disturb the server', async (t) => {
  const h = await startServer(t);
  const client = await RawClient.connect(h.target);
  client.send(rpcRequest('test.hold'));
  await waitFor(() => h.rpc.holding === 1, { what: 'the call to start' });
  client.destroy();
  await waitFor(() => client.closed);
  h.rpc.release();
  const res = await exchange(h.target, rpcRequest('test.echo', '<param><value><int>7</int></value></param>'));
  assert.equal(res.status, 200);
});

test('a deferred call answers when it resolves, on the same connection', async (t) => {
  const h = await startServer(t);
  const client = await RawClient.connect(h.target);
  t.after(() => client.destroy());
  client.send(rpcRequest('test.hold'));
  await waitFor(() => h.rpc.holding === 1, { what: 'the call to start' });
  assert.equal(client.data.length, 0);
  h.rpc.release();
  const res = await client.readResponse();
  assert.match(res.body.toString(), /<boolean>1<\/boolean>/);
});

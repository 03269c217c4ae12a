// Every class of bad XML-RPC request against a real fleetvisord: each gets a fault or a 4xx, and
// the daemon keeps answering afterwards (and during, for a slow client that never finishes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { makeTmpDir } from '../helpers/tmp.js';
import { startDaemon, waitForLog, writeConf } from '../helpers/daemon.js';
import { freePort } from '../helpers/ports.js';

interface Reply { status: number; body: string }

function post(port: number, body: Buffer | string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    const req = request({
      host: '127.0.0.1', port, path: '/RPC2', method: 'POST', agent: false,
      headers: { 'Content-Type': 'text/xml', 'Content-Length': String(data.length), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const call = (method: string, params = '') =>
  `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params}</params></methodCall>`;
const str = (s: string) => `<param><value><string>${s}</string></value></param>`;

/** Writes raw bytes on a fresh connection and resolves with everything read until the server closes it. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => sock.write(text));
    let got = '';
    sock.setEncoding('utf8');
    sock.on('data', (c: string) => { got += c; });
    sock.on('close', () => resolve(got));
    sock.on('error', (err) => (got ? resolve(got) : reject(err)));
  });
}

function faultCode(r: Reply): number | null {
  const m = /<name>faultCode<\/name>\s*<value><int>(\d+)<\/int>/.exec(r.body);
  return m ? Number(m[1]) : null;
}

async function stillServes(port: number): Promise<void> {
  const r = await post(port, call('supervisor.getState'));
  assert.equal(r.status, 200);
  assert.match(r.body, /<string>RUNNING<\/string>/);
}

test('bad requests get a fault or a 4xx and the daemon keeps serving', { timeout: 120_000 }, async (t) => {
  const dir = makeTmpDir(t);
  const port = await freePort();
  const conf = writeConf(dir, `[inet_http_server]
port=127.0.0.1:${port}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:p]
command=/bin/sleep 600
`);
  const d = startDaemon(t, 'fleetvisord', dir, conf);
  await waitForLog(d, /^INFO success: p entered RUNNING/);

  const nested = (depth: number) => '<value><array><data>'.repeat(depth) + '<value>x</value>' + '</data></array></value>'.repeat(depth);
  const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">`
    + `<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>`
    + `<methodCall><methodName>supervisor.getProcessInfo</methodName><params><param><value><string>&lol4;</string></value></param></params></methodCall>`;
  const external = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><methodCall><methodName>supervisor.getProcessInfo</methodName><params>${str('&e;')}</params></methodCall>`;
  const cases: { what: string; body: Buffer | string; expect: { status: number; fault?: number } }[] = [
    { what: 'malformed XML', body: '<methodCall><methodName>supervisor.getState', expect: { status: 400 } },
    { what: 'not XML at all', body: 'hello', expect: { status: 400 } },
    { what: 'no method name', body: '<methodCall><params/></methodCall>', expect: { status: 400 } },
    { what: 'unknown method', body: call('supervisor.nope'), expect: { status: 200, fault: 1 } },
    { what: 'traversal attempt', body: call('supervisor.supervisord.options.close'), expect: { status: 200, fault: 1 } },
    { what: 'too many parameters', body: call('supervisor.getState', str('a')), expect: { status: 200, fault: 2 } },
    { what: 'too few parameters', body: call('supervisor.getProcessInfo'), expect: { status: 200, fault: 2 } },
    { what: 'wrong parameter type', body: call('supervisor.getProcessInfo', '<param><value><array><data/></array></value></param>'), expect: { status: 200, fault: 2 } },
    { what: 'deeply nested value', body: call('supervisor.getProcessInfo', `<param>${nested(5000)}</param>`), expect: { status: 400 } },
    { what: 'entity expansion bomb', body: bomb, expect: { status: 400 } },
    { what: 'external entity', body: external, expect: { status: 400 } },
    { what: 'invalid UTF-8', body: Buffer.concat([Buffer.from(call('supervisor.getProcessInfo', '<param><value><string>')), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('</string></value></param></params></methodCall>')]), expect: { status: 400 } },
  ];
  for (const c of cases) {
    const r = await post(port, c.body).catch((err: Error) => ({ status: -1, body: err.message }));
    assert.equal(r.status, c.expect.status, `${c.what}: status (${r.body.slice(0, 200)})`);
    if (c.expect.fault !== undefined) assert.equal(faultCode(r), c.expect.fault, `${c.what}: fault code`);
    await stillServes(port);
  }

  // A body over the 8 MiB bound is refused from its Content-Length alone, before it is read: the
  // client only gets to send its headers (writing all 9 MiB could meet a closed socket).
  const huge = await rawExchange(port, 'POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 9437184\r\n\r\n<methodCall>');
  assert.match(huge, /^HTTP\/1\.1 413 /, huge.slice(0, 200));
  await stillServes(port);

  // A client that sends half a request and stalls does not block anyone else.
  const slow: Socket = connect(port, '127.0.0.1');
  t.after(() => { slow.destroy(); });
  await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
  slow.write('POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n<methodCall>');
  await stillServes(port);
  // A GET and a request without Content-Length.
  const get = await new Promise<number>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/RPC2', method: 'GET', agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject).end();
  });
  assert.equal(get, 400);
  await stillServes(port);
  assert.equal(await d.stop(), 0, 'orderly exit after all of it');
});

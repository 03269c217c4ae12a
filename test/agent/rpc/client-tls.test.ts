// The RPC client over https, with certificates made in the test: a server signed by the CA it is
// given answers; the same server without that CA, with another CA, or with an expired certificate
// is a 'tls' transport error; a URL with a path prefix posts to prefix/RPC2; a host that accepts
// TCP but never finishes the TLS handshake fails within the connect limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { createServer, type Socket } from 'node:net';
import { RpcClient, RpcTransportError } from '../../../agent/rpc/client.js';
import { decodeMethodCall, encodeResponse } from '../../../agent/rpc/xmlrpc.js';
import { makeCerts, type TestCerts } from '../../helpers/certs.js';
import { makeTmpDir } from '../../helpers/tmp.js';

interface HasAfter { after(fn: () => void | Promise<void>): void }

async function httpsServer(t: HasAfter, certs: TestCerts, certFile: string, keyFile: string, paths: string[]): Promise<string> {
  const srv = https.createServer({ cert: certs.read(certFile), key: certs.read(keyFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      paths.push(req.url ?? '');
      const call = decodeMethodCall(Buffer.concat(chunks));
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(encodeResponse(`${call.methodName} over tls`));
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { srv.closeAllConnections(); srv.close(() => resolve()); }));
  const addr = srv.address();
  return `https://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
}

async function tlsFailure(c: RpcClient): Promise<RpcTransportError> {
  try {
    await c.call('supervisor.getState');
  } catch (err) {
    assert.ok(err instanceof RpcTransportError);
    return err;
  } finally {
    c.close();
  }
  assert.fail('the call should have failed');
}

test('https: the right CA verifies, a missing or other CA and an expired certificate are TLS errors', { timeout: 60_000 }, async (t) => {
  const certs = makeCerts(makeTmpDir(t, 'fv-tls-'));
  const paths: string[] = [];
  const good = await httpsServer(t, certs, certs.certFile, certs.keyFile, paths);
  const expired = await httpsServer(t, certs, certs.expiredCertFile, certs.keyFile.replace('server', 'expired'), paths);

  const c = new RpcClient({ url: `${good}/sup`, rpcPath: '/sup/RPC2', tls: { ca: certs.read(certs.caFile) } });
  t.after(() => c.close());
  assert.equal(await c.call('supervisor.getState'), 'supervisor.getState over tls');
  assert.deepEqual(paths, ['/sup/RPC2']);

  assert.equal((await tlsFailure(new RpcClient({ url: good }))).kind, 'tls');
  const other = await tlsFailure(new RpcClient({ url: good, tls: { ca: certs.read(certs.otherCaFile) } }));
  assert.equal(other.kind, 'tls');
  const old = await tlsFailure(new RpcClient({ url: expired, tls: { ca: certs.read(certs.caFile) } }));
  assert.equal(old.kind, 'tls');
  assert.match(old.message, /expired/i);
  // Verification can be turned off deliberately.
  const insecure = new RpcClient({ url: expired, tls: { rejectUnauthorized: false } });
  t.after(() => insecure.close());
  assert.equal(await insecure.call('x.y'), 'x.y over tls');
});

test('a peer that accepts TCP but never completes the handshake fails after the connect limit', { timeout: 30_000 }, async (t) => {
  const sockets = new Set<Socket>();
  const hole = createServer((s) => { sockets.add(s); s.on('error', () => undefined); });
  await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); hole.close(() => resolve()); }));
  const addr = hole.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  const c = new RpcClient({ url: `https://127.0.0.1:${port}`, connectTimeoutMs: 300, timeoutMs: 20_000 });
  const err = await tlsFailure(c);
  assert.equal(err.kind, 'timeout');
  assert.match(err.message, /could not connect within 300 ms/);
});

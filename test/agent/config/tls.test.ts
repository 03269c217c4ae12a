// [inet_http_server] tls_cert / tls_key / tls_client_ca (ours): read and checked at load, with
// %(here)s and relative paths; every bad combination or file is a ConfigError naming file, section,
// key and value; an expired certificate loads with a warning (clients refuse it, not the loader).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../agent/config/index.js';
import type { InetHttpServerConfig } from '../../../agent/config/types.js';
import type { UserDb } from '../../../agent/config/users.js';
import { makeCerts } from '../../helpers/certs.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const passwd: UserDb = { users: [{ name: 'root', uid: 0, gid: 0, home: '/root' }], groups: [{ name: 'root', gid: 0 }] };

function load(dir: string, inet: string) {
  const file = join(dir, 'supervisord.conf');
  writeFileSync(file, `[supervisord]\n[inet_http_server]\nport=127.0.0.1:9001\n${inet}\n`);
  return loadConfig(file, { env: { HOME: dir }, cwd: dir, hostname: 'box', passwd });
}

function inet(dir: string, body: string): InetHttpServerConfig {
  const s = load(dir, body).httpServers[0];
  assert.equal(s?.kind, 'inet');
  return s as InetHttpServerConfig;
}

function configError(dir: string, body: string): ConfigError {
  try {
    load(dir, body);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail(`loaded: ${body}`);
}

test('tls_cert/tls_key are read at load (%(here)s, relative to cwd); tls_client_ca adds the client CA', (t) => {
  const dir = makeTmpDir(t, 'fv-tlsconf-');
  const certs = makeCerts(dir);
  const plain = inet(dir, '');
  assert.equal(plain.tls, undefined);
  assert.equal(inet(dir, 'tls_cert=\ntls_key=').tls, undefined, 'empty values mean no TLS');

  const s = inet(dir, 'tls_cert=%(here)s/server.pem\ntls_key=server.key');
  assert.deepEqual(s.tls, {
    certFile: certs.certFile, keyFile: certs.keyFile, cert: readFileSync(certs.certFile, 'utf8'), key: readFileSync(certs.keyFile, 'utf8'),
    clientCaFile: null, clientCa: null,
  });
  const withClients = inet(dir, `tls_cert=server.pem\ntls_key=server.key\ntls_client_ca=${certs.otherCaFile}`);
  assert.equal(withClients.tls?.clientCaFile, certs.otherCaFile);
  assert.equal(withClients.tls?.clientCa, readFileSync(certs.otherCaFile, 'utf8'));

  const expired = load(dir, 'tls_cert=expired.pem\ntls_key=expired.key');
  assert.ok((expired.httpServers[0] as InetHttpServerConfig).tls);
  assert.ok(expired.messages.some((m) => m.level === 'warn' && /^\[inet_http_server\] tls_cert .*expired\.pem expired on /.test(m.text)),
    JSON.stringify(expired.messages));
});

test('bad TLS keys and files are ConfigErrors located at the key', (t) => {
  const dir = makeTmpDir(t, 'fv-tlsconf-');
  const certs = makeCerts(dir);
  const file = join(dir, 'supervisord.conf');
  const cases: [string, RegExp, string, string][] = [
    ['tls_cert=server.pem', /^section \[inet_http_server\] has tls_cert but no tls_key$/, 'tls_cert', 'server.pem'],
    ['tls_key=server.key', /^section \[inet_http_server\] has tls_key but no tls_cert$/, 'tls_key', 'server.key'],
    ['tls_client_ca=ca.pem', /^section \[inet_http_server\] has tls_client_ca but no tls_cert and tls_key$/, 'tls_client_ca', 'ca.pem'],
    ['tls_cert=server.pem\ntls_key=missing.key', /^could not read tls_key file .*missing\.key \(ENOENT: no such file or directory\)$/, 'tls_key', 'missing.key'],
    ['tls_cert=.\ntls_key=server.key', /^could not read tls_cert file .* \(EISDIR: illegal operation on a directory/, 'tls_cert', '.'],
    ['tls_cert=server.key\ntls_key=server.key', /^tls_cert file .*server\.key holds no PEM certificate$/, 'tls_cert', 'server.key'],
    ['tls_cert=server.pem\ntls_key=server.pem', /^tls_key file .*server\.pem holds no private key node can load/, 'tls_key', 'server.pem'],
    ['tls_cert=server.pem\ntls_key=expired.key', /^tls_key file .*expired\.key is not the private key of the certificate in .*server\.pem$/, 'tls_key', 'expired.key'],
    ['tls_cert=supervisord.conf\ntls_key=server.key', /^tls_cert file .*supervisord\.conf is not a PEM file$/, 'tls_cert', 'supervisord.conf'],
    ['tls_cert=server.pem\ntls_key=server.key\ntls_client_ca=server.key', /^tls_client_ca file .*server\.key holds no PEM certificate$/, 'tls_client_ca', 'server.key'],
  ];
  for (const [body, message, key, value] of cases) {
    const err = configError(dir, body);
    assert.match(err.message, message, body);
    assert.equal(err.file, file, body);
    assert.equal(err.section, 'inet_http_server', body);
    assert.equal(err.key, key, body);
    assert.equal(err.value, value, body);
  }
  // A certificate that is PEM in form but not a certificate node can load.
  writeFileSync(join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  assert.match(configError(dir, 'tls_cert=broken.pem\ntls_key=server.key').message, /^tls_cert file .*broken\.pem holds no certificate node can load \(/);
  // An encrypted key needs a passphrase fleetvisord does not ask for.
  const enc = join(dir, 'enc.key');
  writeFileSync(enc, '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n');
  assert.match(configError(dir, 'tls_cert=server.pem\ntls_key=enc.key').message, /holds an encrypted private key/);
  // Permissions: only meaningful when not root (root reads anything).
  if (process.getuid?.() !== 0) {
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'locked', 'c.pem'), readFileSync(certs.certFile));
    chmodSync(join(dir, 'locked', 'c.pem'), 0);
    assert.match(configError(dir, 'tls_cert=locked/c.pem\ntls_key=server.key').message, /could not read tls_cert file .* \(EACCES: permission denied\)/);
  }
});

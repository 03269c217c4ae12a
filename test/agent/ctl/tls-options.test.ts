// fleetvisorctl's TLS options (ours): https:// server URLs (supervisorctl refuses them; http and
// unix read exactly as supervisorctl reads them), --tls_* flags over [supervisorctl] tls_* keys,
// the files read and checked when the options are resolved, and what the RPC client is given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCtlConfig } from '../../../agent/ctl/config.js';
import { clientTls } from '../../../agent/ctl/connection.js';
import { opensslReason } from '../../../agent/ctl/format.js';
import { CtlUnexpected, UsageError } from '../../../agent/ctl/errors.js';
import { parseCommandLine, resolveOptions, type CommandLine } from '../../../agent/ctl/options.js';
import { endpointOf } from '../../../agent/ctl/url.js';
import { makeCerts, makeClientCert } from '../../helpers/certs.js';
import { makeTmpDir } from '../../helpers/tmp.js';

function parsed(argv: string[]): Extract<CommandLine, { help: false }> {
  const cl = parseCommandLine(argv);
  assert.equal(cl.help, false);
  return cl as Extract<CommandLine, { help: false }>;
}

test('https:// server URLs are ours (default port 443); http, unix and other schemes as supervisorctl', () => {
  assert.deepEqual(endpointOf('https://127.0.0.1:9443/RPC2'), { url: 'https://127.0.0.1:9443', hostHeader: '127.0.0.1:9443' });
  assert.deepEqual(endpointOf('https://Host'), { url: 'https://host:443', hostHeader: 'Host' });
  assert.deepEqual(endpointOf('http://Host'), { url: 'http://host:80', hostHeader: 'Host' });
  assert.throws(() => endpointOf('HTTPS://h'), (e: unknown) => e instanceof CtlUnexpected && e.message === 'Unknown protocol for serverurl HTTPS://h');
  assert.throws(() => endpointOf('ftp://h'), (e: unknown) => e instanceof CtlUnexpected && e.message === 'Unknown protocol for serverurl ftp://h');
});

test('OpenSSL\'s error strings are shortened to their reason in fleetvisorctl\'s TLS error line', () => {
  assert.equal(opensslReason('https://h:1: TLS error: 80ACC790E87F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:'
    + '../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116'),
  'https://h:1: TLS error: tlsv13 alert certificate required (SSL alert number 116)');
  assert.equal(opensslReason('https://h:1: TLS error: certificate has expired'), 'https://h:1: TLS error: certificate has expired');
});

test('[supervisorctl] tls_* keys: %(here)s paths made absolute, tls_insecure a boolean; absent when unset', (t) => {
  const dir = makeTmpDir(t, 'fvctl-tls-');
  const conf = join(dir, 'c.conf');
  writeFileSync(conf, '[supervisorctl]\nserverurl=https://h:1\ntls_ca=%(here)s/ca.pem\ntls_cert=c.pem\ntls_key=~/c.key\ntls_insecure=Yes\n');
  const s = readCtlConfig(conf, { HOME: '/home/a' }, '/work');
  assert.deepEqual(s.tls, { ca: join(dir, 'ca.pem'), cert: '/work/c.pem', key: '/home/a/c.key', insecure: true });
  writeFileSync(conf, '[supervisorctl]\nserverurl=http://h:1\n');
  assert.equal('tls' in readCtlConfig(conf, {}, '/'), false);
  writeFileSync(conf, '[supervisorctl]\ntls_insecure=maybe\n');
  assert.throws(() => readCtlConfig(conf, {}, '/'),
    new UsageError(`invalid value for tls_insecure in [supervisorctl] of ${conf}: not a valid boolean value: 'maybe'`));
});

test('--tls_* win over the file; the files are read now; bad combinations are usage errors', (t) => {
  const dir = makeTmpDir(t, 'fvctl-tls-');
  const certs = makeCerts(dir);
  const client = makeClientCert(certs, 'ca', 'client');
  const conf = join(dir, 'c.conf');
  writeFileSync(conf, `[supervisorctl]\nserverurl=https://127.0.0.1:1\ntls_ca=${certs.otherCaFile}\n`);
  const envt = { execPath: '/nonexistent/bin/x', cwd: dir, env: {} };

  const fromFile = resolveOptions(parsed(['-c', conf, 'status']), envt);
  assert.deepEqual(fromFile.tls, { ca: readFileSync(certs.otherCaFile), cert: null, key: null, insecure: false });
  const flags = resolveOptions(parsed(['-c', conf, '--tls_ca', 'ca.pem', '--tls_cert=client.pem', '--tls_key', client.keyFile, '--tls_insecure', 'status']), envt);
  assert.deepEqual(flags.tls, { ca: readFileSync(certs.caFile), cert: readFileSync(client.certFile), key: readFileSync(client.keyFile), insecure: true });
  assert.deepEqual(clientTls(flags.tls), { ca: readFileSync(certs.caFile), cert: readFileSync(client.certFile), key: readFileSync(client.keyFile), rejectUnauthorized: false });
  assert.deepEqual(clientTls(undefined), {});
  // Nothing TLS asked for: no tls at all (the options are exactly supervisorctl's).
  writeFileSync(conf, '[supervisorctl]\nserverurl=http://127.0.0.1:1\n');
  assert.equal('tls' in resolveOptions(parsed(['-c', conf, 'status']), envt), false);

  const usage = (argv: string[]): string => {
    try {
      resolveOptions(parsed(['-c', conf, ...argv, 'status']), envt);
    } catch (err) {
      assert.ok(err instanceof UsageError, String(err));
      return err.message;
    }
    return assert.fail(`accepted ${argv.join(' ')}`);
  };
  assert.equal(usage(['--tls_cert', 'client.pem']), 'tls_cert and tls_key go together: tls_key is missing');
  assert.equal(usage(['--tls_key', 'client.key']), 'tls_cert and tls_key go together: tls_cert is missing');
  assert.equal(usage(['--tls_ca', 'nope.pem']), `could not read tls_ca file ${join(dir, 'nope.pem')} (ENOENT: no such file or directory)`);
  assert.equal(usage(['--tls_ca', 'client.key']), `tls_ca file ${join(dir, 'client.key')} holds no PEM certificate`);
  assert.match(usage(['--tls_cert', 'client.pem', '--tls_key', 'server.key']), /^tls_cert .*client\.pem and tls_key .*server\.key cannot be used \(.*key values mismatch\)$/);
  assert.throws(() => parseCommandLine(['--tls_c', 'x']), new UsageError('option --tls_c not a unique prefix'));
});

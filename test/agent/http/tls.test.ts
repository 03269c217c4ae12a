// HTTPS from a real fleetvisord ([inet_http_server] tls_cert/tls_key, ours), with certificates made
// in the test: /RPC2 (python3's xmlrpc.client trusting the CA, and our client), /logtail
// (fleetvisorctl tail -f), the web page and /metrics, basic auth on top; a wrong CA, no CA and an
// expired certificate refused as TLS errors (fleetvisorctl: a clear line, non-zero exit);
// tls_client_ca requiring client certificates; config errors at start (exit 2, nothing started)
// and on reread (CANT_REREAD); and supervisord 4.2.5 starting on the very same file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { RpcClient, RpcTransportError, type RpcClientOptions } from '../../../agent/rpc/client.js';
import { RpcFault } from '../../../agent/rpc/faults.js';
import { toProcessInfoList } from '../../../agent/rpc/wire-types.js';
import { makeCerts, makeClientCert, type TestCerts } from '../../helpers/certs.js';
import { startDaemon, supervisordAvailable, waitForLog, writeConf, type DaemonKind, type RunningDaemon } from '../../helpers/daemon.js';
import { PYTHON, programsDir, SUPERVISORCTL } from '../../helpers/paths.js';
import { freePort } from '../../helpers/ports.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';
import { runCtl, spawnCtl, type CtlRun } from '../ctl/harness.js';

interface HasAfter { after(fn: () => void | Promise<void>): void }

const USER = 'tlsuser';
const PASS = 'tls-pass';
const TICKER = join(programsDir, 'demo-ticker.js');
const PRINT_ENV = join(programsDir, 'print-env.js');

interface Site {
  readonly dir: string;
  readonly conf: string;
  readonly port: number;
  readonly url: string;
  readonly daemon: RunningDaemon;
}

interface SiteOptions {
  readonly cert?: string;
  readonly key?: string;
  readonly clientCa?: string;
  /** Extra [supervisorctl] lines. */
  readonly ctl?: string;
}

function confBody(certs: TestCerts, port: number, o: SiteOptions): string {
  return `[inet_http_server]
port=127.0.0.1:${port}
username=${USER}
password=${PASS}
tls_cert=${o.cert ?? certs.certFile}
tls_key=${o.key ?? certs.keyFile}
${o.clientCa === undefined ? '' : `tls_client_ca=${o.clientCa}`}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=https://127.0.0.1:${port}
username=${USER}
password=${PASS}
tls_ca=${certs.caFile}
${o.ctl ?? ''}

[program:ticker]
command=${process.execPath} ${TICKER} 100
startsecs=0

[program:env]
command=${process.execPath} ${PRINT_ENV}
startsecs=0
autorestart=false
`;
}

function client(site: Site, tls: RpcClientOptions['tls']): RpcClient {
  return new RpcClient({ url: site.url, username: USER, password: PASS, timeoutMs: 20_000, tls });
}

async function callWith(site: Site, tls: RpcClientOptions['tls'], method = 'supervisor.getState'): Promise<unknown> {
  const c = client(site, tls);
  try {
    return await c.call(method);
  } finally {
    c.close();
  }
}

async function refusal(site: Site, tls: RpcClientOptions['tls']): Promise<RpcTransportError> {
  try {
    await callWith(site, tls);
  } catch (err) {
    assert.ok(err instanceof RpcTransportError, String(err));
    return err;
  }
  return assert.fail('the call over https was accepted');
}

/** A fleetvisord (or supervisord) on a TLS config in a fresh dir; for fleetvisord, waits until `ready` answers. */
async function startSite(t: HasAfter, kind: DaemonKind, certs: TestCerts, o: SiteOptions, ready: RpcClientOptions['tls'] | null): Promise<Site> {
  const dir = makeTmpDir(t, 'fv-tls-site-');
  const port = await freePort();
  const conf = writeConf(dir, confBody(certs, port, o));
  const daemon = startDaemon(t, kind, dir, conf);
  const site = { dir, conf, port, url: `https://127.0.0.1:${port}`, daemon };
  if (ready !== null) {
    await waitFor(async () => {
      try { await callWith(site, ready); return true; } catch { return false; }
    }, { timeoutMs: 30_000, what: `${kind} serving https in ${dir}` }).catch((err: unknown) => {
      throw new Error(`${String(err)}; its stderr: ${daemon.stderr() || '(empty)'}`, { cause: err });
    });
  }
  return site;
}

interface Got { readonly status: number; readonly body: string; readonly headers: Record<string, unknown> }

function httpsGet(site: Site, path: string, o: { ca?: Buffer; auth?: boolean; cert?: Buffer; key?: Buffer } = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (o.auth !== false) headers.Authorization = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;
    const req = https.request({ host: '127.0.0.1', port: site.port, path, method: 'GET', headers, agent: false,
      ...(o.ca === undefined ? {} : { ca: o.ca }), ...(o.cert === undefined ? {} : { cert: o.cert, key: o.key }) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const PY_TLS = `
import json, ssl, sys, xmlrpc.client
url, method, cafile, certfile, keyfile = sys.argv[1:6]
ctx = ssl.create_default_context(cafile=cafile or None)
if certfile:
    ctx.load_cert_chain(certfile, keyfile)
try:
    out = xmlrpc.client.ServerProxy(url, context=ctx)
    for part in method.split('.'):
        out = getattr(out, part)
    print(json.dumps({'ok': out()}))
except Exception as e:
    print(json.dumps({'error': type(e).__name__, 'text': str(e)}))
`;

/** One call through python3's xmlrpc.client over https with an ssl context trusting `caFile`. */
function pyTls(site: Site, method: string, caFile: string, clientCert?: { certFile: string; keyFile: string }): Promise<{ ok?: unknown; error?: string; text?: string }> {
  const url = `https://${USER}:${PASS}@127.0.0.1:${site.port}/RPC2`;
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ['-c', PY_TLS, url, method, caFile, clientCert?.certFile ?? '', clientCert?.keyFile ?? ''], { timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`python: ${stderr || err.message}`));
        else resolve(JSON.parse(stdout) as { ok?: unknown; error?: string; text?: string });
      });
  });
}

function ctl(site: Site, args: string[], cwd = site.dir): Promise<CtlRun> {
  return runCtl('fleetvisorctl', args, { cwd });
}

function both(r: CtlRun): string {
  return r.stdout + r.stderr;
}

test('fleetvisord over https: /RPC2 (python and ours), tail -f, the page, /metrics; wrong or no CA refused; reread errors', { timeout: 180_000 }, async (t) => {
  const certs = makeCerts(makeTmpDir(t, 'fv-tls-certs-'));
  const ca = certs.read(certs.caFile);
  const site = await startSite(t, 'fleetvisord', certs, {}, { ca });
  const log = await waitForLog(site.daemon, /serving HTTPS/);
  assert.ok(log.includes(`INFO Server 'inet_http_server' serving HTTPS with certificate ${certs.certFile}`), log.join('\n'));

  // /RPC2: our client and python's, each trusting the CA.
  const c = client(site, { ca });
  t.after(() => c.close());
  const names = toProcessInfoList(await c.call('supervisor.getAllProcessInfo')).map((p) => p.name);
  assert.deepEqual(names.sort(), ['env', 'ticker']);
  assert.deepEqual(await pyTls(site, 'supervisor.getState', certs.caFile), { ok: { statecode: 1, statename: 'RUNNING' } });

  // Children are told the https URL.
  await waitFor(async () => String(await c.call('supervisor.readProcessStdoutLog', ['env', 0, 100_000])).includes('SUPERVISOR_SERVER_URL'),
    { what: 'env printed' });
  const env = JSON.parse(String(await c.call('supervisor.readProcessStdoutLog', ['env', 0, 100_000])).trim()) as Record<string, string>;
  assert.equal(env.SUPERVISOR_SERVER_URL, site.url);

  // The web page and /metrics come from the same handler, behind the same basic auth.
  const page = await httpsGet(site, '/', { ca });
  assert.equal(page.status, 200);
  assert.match(page.body, /ticker/);
  const metrics = await httpsGet(site, '/metrics', { ca });
  assert.equal(metrics.status, 200);
  assert.match(metrics.body, /^# TYPE /m);
  assert.equal((await httpsGet(site, '/metrics', { ca, auth: false })).status, 401);
  assert.equal((await httpsGet(site, '/', { ca, auth: false })).status, 401);
  // A web UI redirect stays on https.
  const redirect = await httpsGet(site, '/index.html?action=refresh', { ca });
  assert.equal(redirect.status, 301);
  assert.ok(String(redirect.headers.location).startsWith(`${site.url}/?message=Page%20refreshed%20at%20`), String(redirect.headers.location));

  // fleetvisorctl: [supervisorctl] serverurl https + tls_ca; and the same with flags only.
  const status = await ctl(site, ['-c', site.conf, 'status', 'ticker']);
  assert.equal(status.code, 0, both(status));
  assert.match(status.stdout, /^ticker\s+RUNNING/m);
  const bare = makeTmpDir(t, 'fv-tls-cwd-');
  const flags = await ctl(site, ['-s', site.url, '-u', USER, '-p', PASS, '--tls_ca', certs.caFile, 'status', 'ticker'], bare);
  assert.equal(flags.code, 0, both(flags));

  // /logtail over https: tail -f shows the ticker's lines until Ctrl-C.
  const tail = spawnCtl('fleetvisorctl', ['-c', site.conf, 'tail', '-f', 'ticker'], { cwd: site.dir });
  t.after(() => { if (tail.child.exitCode === null && tail.child.pid !== undefined) { try { process.kill(tail.child.pid, 'SIGKILL'); } catch { /* gone */ } } });
  await waitFor(() => /tick \d+ from ticker/.test(tail.output()), { timeoutMs: 30_000, what: `tail -f output (so far: ${JSON.stringify(tail.errors())})` });
  if (tail.child.pid !== undefined) process.kill(tail.child.pid, 'SIGINT');
  assert.equal((await tail.result).code, 0);

  // Another CA, or none (the system's CAs): a TLS error for every client.
  const other = await refusal(site, { ca: certs.read(certs.otherCaFile) });
  assert.equal(other.kind, 'tls');
  assert.equal((await refusal(site, {})).kind, 'tls');
  const py = await pyTls(site, 'supervisor.getState', certs.otherCaFile);
  assert.equal(py.error, 'SSLCertVerificationError', JSON.stringify(py));
  // (Run from an empty dir with flags only: no tls_ca at all means the system's CAs.)
  // status exits 4 (STATUS_UNKNOWN) whenever the server cannot be checked; other commands exit 1.
  for (const args of [['--tls_ca', certs.otherCaFile, 'status'], ['status'], ['tail', '-f', 'ticker'], ['version']]) {
    const r = await ctl(site, ['-s', site.url, '-u', USER, '-p', PASS, ...args], bare);
    assert.equal(r.code, args.includes('status') ? 4 : 1, `${args.join(' ')}: ${both(r)}`);
    assert.match(both(r), new RegExp(`^ERROR: ${site.url}: TLS error: \\S.*certificate`, 'm'), args.join(' '));
    assert.doesNotMatch(both(r), /Traceback|<class/);
  }
  // Verification turned off deliberately.
  const insecure = await ctl(site, ['-s', site.url, '-u', USER, '-p', PASS, '--tls_insecure', 'status', 'ticker'], bare);
  assert.equal(insecure.code, 0, both(insecure));

  // A reread that finds a broken TLS config answers CANT_REREAD; the running server is untouched.
  writeConf(site.dir, confBody(certs, site.port, { key: join(site.dir, 'missing.key') }));
  await assert.rejects(c.call('supervisor.reloadConfig'), (err: unknown) => err instanceof RpcFault && err.code === 92
    && /^CANT_REREAD: could not read tls_key file .*missing\.key \(ENOENT: no such file or directory\)$/.test(err.faultString));
  writeConf(site.dir, confBody(certs, site.port, {}).replace(/^tls_cert=.*$/m, ''));
  await assert.rejects(c.call('supervisor.reloadConfig'), (err: unknown) => err instanceof RpcFault && err.code === 92
    && err.faultString === 'CANT_REREAD: section [inet_http_server] has tls_key but no tls_cert');
  const reread = await ctl(site, ['-s', site.url, '-u', USER, '-p', PASS, '--tls_ca', certs.caFile, 'reread'], bare);
  assert.match(both(reread), /ERROR: CANT_REREAD: section \[inet_http_server\] has tls_key but no tls_cert/);
  assert.deepEqual(await c.call('supervisor.getState'), { statecode: 1, statename: 'RUNNING' });
});

test('an expired server certificate: fleetvisord starts with a warning, every client refuses it', { timeout: 120_000 }, async (t) => {
  const certs = makeCerts(makeTmpDir(t, 'fv-tls-certs-'));
  const site = await startSite(t, 'fleetvisord', certs, { cert: certs.expiredCertFile, key: join(certs.dir, 'expired.key') },
    { rejectUnauthorized: false });
  const log = await waitForLog(site.daemon, /serving HTTPS/);
  assert.ok(log.some((l) => /^WARN \[inet_http_server\] tls_cert .*expired\.pem expired on /.test(l)), log.join('\n'));

  const err = await refusal(site, { ca: certs.read(certs.caFile) });
  assert.equal(err.kind, 'tls');
  assert.match(err.message, /certificate has expired/);
  const py = await pyTls(site, 'supervisor.getState', certs.caFile);
  assert.equal(py.error, 'SSLCertVerificationError');
  assert.match(py.text ?? '', /certificate has expired/);
  const r = await ctl(site, ['-c', site.conf, 'status']);
  assert.equal(r.code, 4, both(r));
  assert.match(both(r), new RegExp(`^ERROR: ${site.url}: TLS error: certificate has expired$`, 'm'));
  const pid = await ctl(site, ['-c', site.conf, 'pid']);
  assert.equal(pid.code, 1, both(pid));
  assert.equal(both(pid), `ERROR: ${site.url}: TLS error: certificate has expired\n`);
});

test('tls_client_ca: a client certificate signed by that CA is required', { timeout: 180_000 }, async (t) => {
  const certs = makeCerts(makeTmpDir(t, 'fv-tls-certs-'));
  const good = makeClientCert(certs, 'other-ca', 'client-good');
  const stranger = makeClientCert(certs, 'ca', 'client-stranger');
  const ca = certs.read(certs.caFile);
  const goodTls = { ca, cert: certs.read(good.certFile), key: certs.read(good.keyFile) };
  const site = await startSite(t, 'fleetvisord', certs,
    { clientCa: certs.otherCaFile, ctl: `tls_cert=${good.certFile}\ntls_key=${good.keyFile}` }, goodTls);
  const log = await waitForLog(site.daemon, /serving HTTPS/);
  assert.ok(log.some((l) => l.endsWith(`client certificates signed by ${certs.otherCaFile} required`)), log.join('\n'));

  // Accepted: our client, python, the page and /metrics with the right certificate; fleetvisorctl from [supervisorctl].
  assert.deepEqual(await callWith(site, goodTls), { statecode: 1, statename: 'RUNNING' });
  assert.deepEqual(await pyTls(site, 'supervisor.getState', certs.caFile, good), { ok: { statecode: 1, statename: 'RUNNING' } });
  assert.equal((await httpsGet(site, '/metrics', goodTls)).status, 200);
  const ok = await ctl(site, ['-c', site.conf, 'status', 'ticker']);
  assert.equal(ok.code, 0, both(ok));
  // Basic auth still applies on top of the client certificate.
  assert.equal((await httpsGet(site, '/', { ...goodTls, auth: false })).status, 401);

  // Refused: no certificate, or one another CA signed.
  // (TLS 1.3 checks the client's certificate after the client's side of the handshake: the refusal
  // arrives as an alert, or as the connection reset when the request was already on its way.)
  const none = await refusal(site, { ca });
  assert.ok(none.kind === 'tls' || none.message.endsWith('ECONNRESET'), none.message);
  const strange = await refusal(site, { ca, cert: certs.read(stranger.certFile), key: certs.read(stranger.keyFile) });
  assert.ok(strange.kind === 'tls' || strange.message.endsWith('ECONNRESET'), strange.message);
  await assert.rejects(httpsGet(site, '/metrics', { ca }));
  assert.ok('error' in await pyTls(site, 'supervisor.getState', certs.caFile));
  assert.ok('error' in await pyTls(site, 'supervisor.getState', certs.caFile, stranger));
  const bare = makeTmpDir(t, 'fv-tls-cwd-');
  for (const extra of [[], ['--tls_cert', stranger.certFile, '--tls_key', stranger.keyFile]]) {
    const r = await ctl(site, ['-s', site.url, '-u', USER, '-p', PASS, '--tls_ca', certs.caFile, ...extra, 'status'], bare);
    assert.equal(r.code, 4, both(r));
    assert.match(both(r), new RegExp(`^ERROR: ${site.url}: (TLS error: tlsv13 alert certificate required \\(SSL alert number 116\\)|TLS error: .*(unknown ca|bad certificate).*|connection reset during TLS \\(did the server refuse this client's certificate\\?\\))$`, 'm'));
  }
});

test('TLS config errors stop fleetvisord at start: exit 2, nothing started', { timeout: 120_000 }, async (t) => {
  const certs = makeCerts(makeTmpDir(t, 'fv-tls-certs-'));
  const dirAsFile = join(certs.dir, 'a-directory');
  mkdirSync(dirAsFile);
  const cases: [SiteOptions, RegExp][] = [
    [{ key: join(certs.dir, 'missing.key') }, /^Error: could not read tls_key file .*missing\.key \(ENOENT: no such file or directory\)\n {2}\(in .*supervisord\.conf line \d+, \[inet_http_server\] tls_key = '.*missing\.key'\)$/m],
    [{ cert: '' }, /^Error: section \[inet_http_server\] has tls_key but no tls_cert$/m],
    [{ cert: dirAsFile }, /^Error: could not read tls_cert file .*a-directory \(EISDIR: illegal operation on a directory/m],
  ];
  await Promise.all(cases.map(async ([o, message]) => {
    const dir = makeTmpDir(t, 'fv-tls-bad-');
    const port = await freePort();
    const conf = writeConf(dir, confBody(certs, port, o));
    const d = startDaemon(t, 'fleetvisord', dir, conf);
    assert.equal(await d.exited(), 2, d.stderr());
    assert.match(d.stderr(), message);
    assert.equal(existsSync(join(dir, 'main.log')), false, 'a main log was opened');
    await assert.rejects(callWith({ dir, conf, port, url: `https://127.0.0.1:${port}`, daemon: d }, { rejectUnauthorized: false }),
      (err: unknown) => err instanceof RpcTransportError && err.kind === 'refused');
  }));
});

test('supervisord 4.2.5 starts on the same file (the tls_* keys ignored), and fleetvisord then serves it over https',
  { timeout: 120_000, skip: supervisordAvailable ? false : 'Debian supervisord 4.2.5 is not installed' }, async (t) => {
    const certs = makeCerts(makeTmpDir(t, 'fv-tls-certs-'));
    const client = makeClientCert(certs, 'other-ca', 'client');
    const o = { clientCa: certs.otherCaFile, ctl: `tls_cert=${client.certFile}\ntls_key=${client.keyFile}\ntls_insecure=false` };
    const sd = await startSite(t, 'supervisord', certs, o, null);
    const plain = new RpcClient({ url: `http://127.0.0.1:${sd.port}`, username: USER, password: PASS, timeoutMs: 20_000 });
    t.after(() => plain.close());
    await waitFor(async () => {
      try { return (await plain.call('supervisor.getState') as { statename: string }).statename === 'RUNNING'; } catch { return false; }
    }, { timeoutMs: 30_000, what: `supervisord answering over http (stderr: ${sd.daemon.stderr()})` });
    assert.equal(await plain.call('supervisor.getSupervisorVersion'), '4.2.5');
    // supervisorctl reads the same [supervisorctl] (its https serverurl overridden: supervisorctl has no https).
    const sctl = await new Promise<CtlRun>((resolve) => {
      execFile(SUPERVISORCTL, ['-c', sd.conf, '-s', `http://127.0.0.1:${sd.port}`, 'status', 'ticker'], { cwd: sd.dir, timeout: 30_000 },
        (err, stdout, stderr) => resolve({ stdout, stderr, code: err === null ? 0 : (typeof err.code === 'number' ? err.code : -1) }));
    });
    assert.equal(sctl.code, 0, both(sctl));
    assert.match(sctl.stdout, /^ticker\s+RUNNING/m);
    plain.close();
    assert.equal(await sd.daemon.stop(), 0);

    // The very same file, the same port: fleetvisord serves it over https with client certificates.
    const fv = startDaemon(t, 'fleetvisord', sd.dir, sd.conf);
    const site: Site = { ...sd, daemon: fv };
    const tls = { ca: certs.read(certs.caFile), cert: certs.read(client.certFile), key: certs.read(client.keyFile) };
    await waitFor(async () => { try { await callWith(site, tls); return true; } catch { return false; } },
      { timeoutMs: 30_000, what: `fleetvisord on supervisord's file (stderr: ${fv.stderr()})` });
    const r = await ctl(site, ['-c', sd.conf, 'status', 'ticker']);
    assert.equal(r.code, 0, both(r));
    assert.equal(readFileSync(sd.conf, 'utf8').includes('tls_client_ca='), true);
  });

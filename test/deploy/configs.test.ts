// The server configs of the package (agent/deploy/supervisord.conf, hub/deploy/cesi.conf) load
// with the agent's and the hub's own loaders, as shipped and with their commented TLS lines and
// example program switched on; and they agree with the units and logrotate snippets about paths.
// Only where a file names something outside it (the include directory, certificate files) does
// the copy point into a temp dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../agent/config/index.js';
import type { InetHttpServerConfig, UnixHttpServerConfig } from '../../agent/config/types.js';
import { loadHubConfig } from '../../hub/config/load.js';
import { makeCerts } from '../helpers/certs.js';
import { repoRoot } from '../helpers/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';

const read = (rel: string): string => readFileSync(join(repoRoot, rel), 'utf8');

/** `;key=value` lines (the file's commented examples) made live, for the keys given. */
function uncomment(text: string, keys: readonly string[]): string {
  return text.split('\n').map((l) => (keys.some((k) => l.startsWith(`;${k}`)) ? l.slice(1) : l)).join('\n');
}

test('agent/deploy/supervisord.conf loads: the socket, the password-protected inet server, the main log logrotate rotates', (t) => {
  const dir = makeTmpDir(t, 'fv-deploy-conf-');
  const text = read('agent/deploy/supervisord.conf');
  assert.match(text, /^files = \/etc\/supervisord\.d\/\*\.conf$/m);
  // The log directory is the unit's LogsDirectory=, made by systemd before the daemon starts: here, a temp one.
  const log = join(dir, 'log');
  const local = (s: string): string => s.split('/etc/supervisord.d/').join(`${dir}/supervisord.d/`).split('/var/log/fleetvisor').join(log);
  const conf = join(dir, 'supervisord.conf');
  writeFileSync(conf, local(text));
  mkdirSync(join(dir, 'supervisord.d'));
  mkdirSync(log);

  const c = loadConfig(conf, { cwd: dir, env: {} });
  const unix = c.httpServers.find((s): s is UnixHttpServerConfig => s.kind === 'unix');
  const inet = c.httpServers.find((s): s is InetHttpServerConfig => s.kind === 'inet');
  assert.deepEqual([unix?.file, unix?.chmod], ['/run/fleetvisord.sock', 0o700]);
  assert.deepEqual([inet?.host, inet?.port, inet?.username, inet?.tls ?? null], ['0.0.0.0', 9001, 'hub', null]);
  assert.ok((inet?.password ?? '') !== '', 'the hub\'s way in has a password');
  assert.equal(c.supervisord.logfile, join(log, 'fleetvisord.log'));
  assert.equal(c.supervisord.logfile_maxbytes, 0, 'logrotate rotates the main log, not the daemon');
  assert.equal(c.supervisord.childlogdir, log);
  assert.match(text, /^logfile=\/var\/log\/fleetvisor\/fleetvisord\.log\s/m);
  assert.match(text, /^childlogdir=\/var\/log\/fleetvisor\s/m);
  assert.deepEqual(c.groups, []);
  // The paths the unit and the snippet use.
  assert.match(read('agent/deploy/fleetvisord.service'), /^LogsDirectory=fleetvisor$/m);
  assert.match(read('agent/deploy/fleetvisord.logrotate'), /^\/var\/log\/fleetvisor\/fleetvisord\.log \{$/m);

  // The commented parts: TLS on the inet server, and the example program in the include directory.
  const certs = makeCerts(dir);
  const tls = local(uncomment(text, ['tls_cert', 'tls_key'])
    .replace('/etc/fleetvisor/node.pem', certs.certFile).replace('/etc/fleetvisor/node.key', certs.keyFile));
  writeFileSync(conf, tls);
  const program = text.slice(text.indexOf(';[program:myapp]')).split('\n').filter((l) => l.startsWith(';')).map((l) => l.slice(1))
    .filter((l) => !l.startsWith('user=')).join('\n').replace('/opt/myapp', dir);
  writeFileSync(join(dir, 'supervisord.d', 'myapp.conf'), `${program}\n`);
  const withTls = loadConfig(conf, { cwd: dir, env: {} });
  const inetTls = withTls.httpServers.find((s): s is InetHttpServerConfig => s.kind === 'inet');
  assert.equal(inetTls?.tls?.certFile, certs.certFile);
  assert.deepEqual(withTls.groups.map((g) => g.name), ['myapp']);
});

test('hub/deploy/cesi.conf loads: the database and activity log where the unit lets the hub write, a node, an environment', (t) => {
  const dir = makeTmpDir(t, 'fv-deploy-cesi-');
  const text = read('hub/deploy/cesi.conf');
  const c = loadHubConfig(join(repoRoot, 'hub/deploy/cesi.conf'));
  assert.equal(c.cesi.database, '/var/lib/fleetvisor-hub/hub.db');
  assert.equal(c.cesi.activityLog, '/var/log/fleetvisor-hub/activity.log');
  assert.deepEqual([...c.nodes.values()].map((n) => [n.name, n.url, n.username]), [['web1', 'http://web1.example.com:9001', 'hub']]);
  assert.deepEqual(c.environments.get('production')?.members, ['web1']);
  const unit = read('hub/deploy/fleetvisor-hub.service');
  assert.match(unit, /^StateDirectory=fleetvisor-hub$/m);
  assert.match(unit, /^LogsDirectory=fleetvisor-hub$/m);
  assert.match(read('hub/deploy/fleetvisor-hub.logrotate'), /^\/var\/log\/fleetvisor-hub\/activity\.log \{$/m);

  // The commented TLS node (an agent with tls_cert/tls_key), its CA in a temp dir.
  const certs = makeCerts(dir);
  const conf = join(dir, 'cesi.conf');
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l === ';[node:db1]');
  assert.ok(from > 0, 'the TLS node example is there');
  for (let i = from; i < lines.length && (lines[i] ?? '').startsWith(';'); i += 1) lines[i] = (lines[i] ?? '').slice(1);
  writeFileSync(conf, lines.join('\n').replace('/etc/fleetvisor-hub/nodes-ca.pem', certs.caFile).replace('members = web1', 'members = web1, db1'));
  const tls = loadHubConfig(conf);
  const db1 = tls.nodes.get('db1');
  assert.deepEqual([db1?.url, db1?.tlsCa], ['https://db1.example.com:9001', certs.caFile]);
});

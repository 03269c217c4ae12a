// fleetvisor-hub as a program: --version; a bad config (file, section, key, value, exit 2, nothing
// started); a database from a newer hub refused; the user commands and the cesi v1 import; the hub
// running on a cesi v2 TOML config; SIGHUP re-reading the config (a node added, then an invalid file
// refused with the old config kept, sessions kept); SIGTERM ending it with status 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, migrationsDir } from '../../hub/db/migrate.js';
import { openDatabase } from '../../hub/db/open.js';
import { HUB_VERSION } from '../../hub/serve.js';
import { isAlive } from '../helpers/daemon.js';
import { programsDir, repoRoot } from '../helpers/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';
import { body, HubClient } from './helpers/hub.js';
import { startNode } from './helpers/nodes.js';

interface HasAfter { after(fn: () => void | Promise<void>): void }

const HUB = join(repoRoot, 'dist', 'hub', 'main.js');
const FOREVER = join(programsDir, 'forever.js');
const PROGRAMS = `[program:web]\ncommand=${FOREVER}\nstartsecs=0\n`;

function run(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [HUB, ...args], { input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, FLEETVISOR_HUB_CONFIG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface RunningHubProcess { proc: ChildProcess; url: string; output(): string; exited: Promise<number | null> }

async function serve(t: HasAfter, conf: string): Promise<RunningHubProcess> {
  const proc = spawn(process.execPath, [HUB, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  t.after(async () => {
    if (proc.pid !== undefined && isAlive(proc.pid)) proc.kill('SIGKILL');
    await exited;
  });
  await waitFor(() => /listening on (http:\/\/\S+)/.test(out) || proc.exitCode !== null, { timeoutMs: 30_000, what: 'the hub listening' });
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
  if (url === undefined) throw new Error(`the hub did not start: ${out}`);
  return { proc, url, output: () => out, exited };
}

test('--version, and bad configs exit 2 naming file, section, key and value', () => {
  const v = run(['--version']);
  assert.deepEqual([v.status, v.stdout], [0, `${HUB_VERSION}\n`]);
  const dir = makeTmpDir({ after: () => undefined }, 'fv-hubcli-');
  const cases: [string, string, RegExp][] = [
    ['[node:web]\nhost = web\nport = abc\n', 'port must be an integer', /in \S+cesi\.conf, \[node:web\] port = 'abc'/],
    ['[node:a]\nurl = http://a:9001\n[environment:prod]\nmembers = a, b\n', "environment 'prod' names unknown node 'b'", /\[environment:prod\] members = 'b'/],
    ['[node:a]\nurl = http://a:9001\npassword = s3cr3t\nhots = x\n', "unknown key 'hots'", /\[node:a\] hots$/m],
  ];
  for (const [text, message, where] of cases) {
    const conf = join(dir, 'cesi.conf');
    writeFileSync(conf, text);
    const r = run(['-c', conf]);
    assert.equal(r.status, 2, r.stderr);
    assert.ok(r.stderr.startsWith('Error: ') && r.stderr.includes(message), r.stderr);
    assert.match(r.stderr, where);
    assert.ok(!r.stderr.includes('s3cr3t'));
    assert.equal(r.stdout, '');
  }
  const missing = run(['-c', join(dir, 'nope.conf')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read the configuration file/);
  // A database written by a newer hub: ours, migrated, with one more migration recorded.
  const db = join(dir, 'new.db');
  const d = openDatabase(db);
  migrate(d, migrationsDir());
  d.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, '099_future.sql', 0)");
  d.pragma('user_version = 99');
  d.close();
  writeFileSync(join(dir, 'cesi.conf'), `[cesi]\ndatabase = ${db}\nport = 0\n`);
  const newer = run(['-c', join(dir, 'cesi.conf')]);
  assert.equal(newer.status, 2);
  assert.match(newer.stderr, /newer than this fleetvisor-hub knows/);
});

test('user commands and the cesi v1 import, from a shell', (t) => {
  const dir = makeTmpDir(t, 'fv-hubcli-');
  const conf = join(dir, 'cesi.conf');
  writeFileSync(conf, `[cesi]\ndatabase = ${join(dir, 'hub.db')}\nbcrypt_rounds = 4\n`);
  const v1 = join(dir, 'userinfo.db');
  const d = new Database(v1);
  d.exec("CREATE TABLE userinfo(username varchar(30) PRIMARY KEY NOT NULL, password varchar(50) NOT NULL, type INT NOT NULL); INSERT INTO userinfo VALUES('admin','admin',0),('ops','ops-password',1),('viewer','viewer',3);");
  d.close();
  const imp = run(['-c', conf, 'import-cesi-v1', v1]);
  assert.equal(imp.status, 0, imp.stderr);
  const add = run(['-c', conf, 'user', 'add', 'alice', '--type', 'only-log'], 'alice-password\n');
  assert.equal(add.status, 0, add.stderr);
  const list = run(['-c', conf, 'user', 'list']);
  assert.equal(list.status, 0);
  for (const [name, type] of [['admin', 'Admin'], ['alice', 'Only Log'], ['ops', 'Standard'], ['viewer', 'Read Only']]) {
    assert.match(list.stdout, new RegExp(`^${name}\\s+${type}`, 'm'));
  }
  assert.ok(!list.stdout.includes('password') || !list.stdout.includes('alice-password'));
  const weak = run(['-c', conf, 'user', 'passwd', 'alice'], 'short\n');
  assert.equal(weak.status, 1);
  const usage = run(['-c', conf, 'user', 'frobnicate']);
  assert.equal(usage.status, 2);
});

test('the hub runs on a cesi v2 TOML config; SIGHUP re-reads the config; SIGTERM ends it', { timeout: 120_000 }, async (t) => {
  const [a, b] = await Promise.all([
    startNode(t, 'fleetvisord', 'alpha', PROGRAMS, { unix: true, credentials: false }),
    startNode(t, 'fleetvisord', 'beta', PROGRAMS, { credentials: true }),
  ]);
  const dir = makeTmpDir(t, 'fv-hubcli-');
  const toml = join(dir, 'cesi.conf.toml');
  writeFileSync(toml, `[cesi]
database = "sqlite:///users.db"
activity_log = "activity.log"
admin_username = "admin"
admin_password = "admin"
port = 0
bcrypt_rounds = 4
poll_interval = 0.3

[[nodes]]
name = "alpha"
environment = "prod"
username = ""
password = ""
url = "${a.config.url}"
`);
  const hub = await serve(t, toml);
  assert.match(hub.output(), /warning: .*admin_password is ignored/);
  const c = new HubClient(hub.url);
  assert.equal(await c.login('admin', 'admin'), 200);
  assert.equal((await c.api('PUT', '/api/v2/profile/password/', { oldPassword: 'admin', newPassword: 'new-admin-pass' })).status, 200);
  const names = async (): Promise<string[]> => (body(await c.get('/api/v2/nodes/')).nodes as { general: { name: string } }[]).map((n) => n.general.name);
  await waitFor(async () => ((body(await c.get('/api/v2/nodes/alpha/')).node as { general: { connected: boolean } }).general.connected), { what: 'alpha connected' });
  assert.deepEqual((body(await c.get('/api/v2/environments/')).environments as { name: string }[]).map((e) => e.name), ['prod']);

  // SIGHUP with a node added.
  writeFileSync(toml, `${(await import('node:fs')).readFileSync(toml, 'utf8')}
[[nodes]]
name = "beta"
environment = "staging"
username = "${b.config.username ?? ''}"
password = "${b.config.password ?? ''}"
url = "${b.config.url}"
`);
  hub.proc.kill('SIGHUP');
  await waitFor(async () => (await names()).includes('beta'), { what: 'beta added by SIGHUP' });
  await waitFor(async () => ((body(await c.get('/api/v2/nodes/beta/')).node as { general: { connected: boolean } }).general.connected), { what: 'beta connected' });
  assert.equal((await c.get('/api/v2/profile/')).status, 200, 'the session survives a reload');

  // An invalid file is refused; the old config stays in force.
  writeFileSync(toml, '[[nodes]]\nname = "x"\nport = "nope"\n');
  hub.proc.kill('SIGHUP');
  await waitFor(() => hub.output().includes('config reload refused'), { what: 'the refusal in the log' });
  assert.deepEqual(await names(), ['alpha', 'beta']);
  const log = body(await c.get('/api/v2/activity/?action=config.reload')).entries as { result: string }[];
  assert.deepEqual(log.map((e) => e.result), ['failed', 'ok']);

  hub.proc.kill('SIGTERM');
  assert.equal(await hub.exited, 0);
  assert.ok(!hub.output().includes(b.config.password ?? 'unset'), 'a node password in the hub output');
});

// The release artifact, end to end: `npm pack` of this tree (after `npm run build`), then README's
// install command ("Install on a server") into a temporary prefix, from a directory outside the
// repository, with a fresh HOME and npm cache (the machine's npmrc files stay: registry, CA,
// nodedir), so nothing of the repository's node_modules is reachable. Then the installed bins:
// fleetvisord runs a program, fleetvisorctl talks to it, the hub answers its login page and sees
// the agent. The install downloads the dependencies and, where no prebuilt binary can be fetched,
// compiles better-sqlite3: several minutes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait-for.js';

const execFileP = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string> };
const TARBALL = `${pkg.name}-${pkg.version}.tgz`;

/** The environment without npm's per-run variables (set when this runs under `npm test`) or the repository's bin dir. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'INIT_CWD' || k === 'NODE_PATH' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  const path = (process.env.PATH ?? '/usr/bin:/bin').split(delimiter).filter((d) => d !== '' && !d.startsWith(repoRoot));
  env.PATH = [dirname(process.execPath), ...path].join(delimiter);
  return env;
}

const npmFound = spawnSync('npm', ['--version'], { env: cleanEnv(), encoding: 'utf8' }).status === 0;
const skip = npmFound ? false : 'npm not found on PATH: the packed tarball is not installed';

/** Paths the tarball may hold: what runs, the examples, the units, README and LICENSE. */
function allowed(path: string): boolean {
  if (/\.ts$|\.map$/.test(path) || /(^|\/)(test|tests|bench)\//.test(path)) return false;
  if (['package.json', 'README.md', 'LICENSE', 'npm-shrinkwrap.json', 'supervisord.conf.example', 'cesi.conf.example'].includes(path)) return true;
  if (path === 'dist/hub/demo.js') return false;
  return /^dist\/(agent|hub)\/.+\.js$/.test(path) || /^agent\/process\/native\/(fv-spawn\.c|build\.sh)$/.test(path)
    || /^(agent|hub)\/deploy\/[^/]+$/.test(path) || /^hub\/i18n\/[^/]+\.json$/.test(path)
    || /^views\/(agent|hub)\//.test(path) || /^migrations\/\d+_\w+\.sql$/.test(path);
}

const REQUIRED = [
  ...Object.values(pkg.bin).map((p) => p.replace(/^\.\//, '')), 'dist/agent/bin/fcgi-helper.js', 'agent/process/native/fv-spawn.c',
  'views/agent/status.ejs', 'views/hub/layout-top.ejs', 'migrations/001_users.sql', 'hub/i18n/en.json', 'hub/i18n/zh-CN.json',
  'agent/deploy/fleetvisord.service', 'agent/deploy/fleetvisord-debian.service', 'agent/deploy/fleetvisord.logrotate',
  'hub/deploy/fleetvisor-hub.service', 'hub/deploy/fleetvisor-hub.logrotate', 'hub/deploy/cesi.conf', 'LICENSE', 'README.md', 'npm-shrinkwrap.json',
];

interface PackJson { filename: string; size: number; unpackedSize: number; files: { path: string }[] }

async function npmPack(env: NodeJS.ProcessEnv, args: string[]): Promise<PackJson> {
  const { stdout } = await execFileP('npm', ['pack', '--json', ...args], { cwd: repoRoot, env, maxBuffer: 64 << 20 });
  const parsed = JSON.parse(stdout) as PackJson[];
  assert.equal(parsed.length, 1);
  return parsed[0] as PackJson;
}

function countsByDir(paths: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of paths) {
    const parts = p.split('/');
    const key = parts.length === 1 ? '.' : parts.slice(0, parts[0] === 'dist' ? 2 : 1).join('/');
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

function walk(dir: string, skipDir: (rel: string) => boolean, root = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    const rel = relative(root, full);
    if (e.isDirectory()) {
      if (!skipDir(rel)) out.push(...walk(full, skipDir, root));
    } else {
      out.push(rel);
    }
  }
  return out;
}

function stop(child: ChildProcess | null): Promise<void> {
  if (child === null || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => { if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL'); }, 20_000);
  return exited.finally(() => clearTimeout(timer));
}

describe('npm pack, npm install -g, and the installed programs', { skip, timeout: 10 * 60_000 }, () => {
  let tmp = '';
  let env: NodeJS.ProcessEnv = {};
  let prefix = '';
  let pkgDir = '';
  let packed: PackJson | null = null;
  let dryRun: PackJson | null = null;
  let installLog = '';
  let agent: ChildProcess | null = null;
  let hub: ChildProcess | null = null;
  const bin = (name: string): string => join(prefix, 'bin', name);

  before(async () => {
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'fv-install-')));
    const base = cleanEnv();
    // The machine's npm configuration (registry, CA file, nodedir...), read before HOME changes.
    const config = (key: string): string => spawnSync('npm', ['config', 'get', key], { cwd: tmp, env: base, encoding: 'utf8' }).stdout.trim();
    const globalconfig = config('globalconfig');
    const userconfig = config('userconfig');
    mkdirSync(join(tmp, 'home'));
    env = { ...base, HOME: join(tmp, 'home'), npm_config_cache: join(tmp, 'npm-cache'), npm_config_globalconfig: globalconfig, npm_config_userconfig: userconfig };

    const packDir = join(tmp, 'pack');
    mkdirSync(packDir);
    packed = await npmPack(base, ['--pack-destination', packDir]);
    assert.equal(packed.filename, TARBALL);
    dryRun = await npmPack(base, ['--dry-run']);

    prefix = join(tmp, 'prefix');
    mkdirSync(prefix);
    // README: npm install -g --allow-scripts=better-sqlite3,bcrypt --allow-scripts="$PWD/fleetvisor-<version>.tgz" ./fleetvisor-<version>.tgz
    const started = Date.now();
    const r = await execFileP('npm', ['install', '-g', '--prefix', prefix, '--allow-scripts=better-sqlite3,bcrypt',
      `--allow-scripts=${join(packDir, TARBALL)}`, `./${TARBALL}`], { cwd: packDir, env, maxBuffer: 64 << 20, timeout: 9 * 60_000 })
      .catch((err: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`npm install -g failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
      });
    installLog = `${r.stdout}\n${r.stderr}`;
    pkgDir = join(prefix, 'lib', 'node_modules', pkg.name);
    process.stderr.write(`# npm install -g of ${TARBALL} took ${Math.round((Date.now() - started) / 1000)} s\n`);
  }, { timeout: 9.5 * 60_000 });

  after(async () => {
    await stop(hub);
    await stop(agent);
    if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
  });

  it('packs only what runs: no tests, no TypeScript sources, no source maps, no bench', (t) => {
    assert.ok(packed !== null);
    const paths = packed.files.map((f) => f.path).sort();
    assert.deepEqual(paths.filter((p) => !allowed(p)), [], 'files that must not be packed');
    for (const p of REQUIRED) assert.ok(paths.includes(p), `${p} is packed`);
    assert.ok(!paths.includes('dist/native/fv-spawn'), 'fv-spawn is built at install, not shipped');
    // `npm pack --dry-run` (run right after the pack) lists the same files.
    assert.deepEqual(dryRun?.files.map((f) => f.path).sort(), paths);
    t.diagnostic(`${TARBALL}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${paths.length} files: ${JSON.stringify(countsByDir(paths))}`);
  });

  it('installs with every install script approved, the spawn helper built, and nothing of the repository', () => {
    assert.doesNotMatch(installLog, /not yet covered by allowScripts/, installLog);
    for (const name of Object.keys(pkg.bin)) assert.ok(existsSync(bin(name)), `${bin(name)} on the prefix's PATH`);
    const files = walk(pkgDir, (rel) => rel === 'node_modules');
    assert.deepEqual(files.filter((f) => /\.ts$/.test(f) || /(^|\/)(test|bench)\//.test(f)), []);
    // A C compiler is here, so the install script built fv-spawn.
    const cc = spawnSync('sh', ['-c', 'command -v cc || command -v gcc || command -v clang'], { env }).status === 0;
    if (cc) assert.ok(statSync(join(pkgDir, 'dist', 'native', 'fv-spawn')).mode & 0o111, 'fv-spawn built at install');
    // The hub's native modules resolve inside the installed package.
    const req = createRequire(join(pkgDir, 'package.json'));
    for (const m of ['better-sqlite3', 'bcrypt', 'uplot']) assert.ok(req.resolve(m).startsWith(`${pkgDir}/node_modules/`), m);
  });

  it('the installed bins agree on the version; fleetvisord -v stays 4.2.5', async () => {
    const out = async (name: string, args: string[]): Promise<string> => (await execFileP(bin(name), args, { cwd: tmp, env })).stdout.trim();
    assert.equal(await out('fleetvisord', ['--version']), `fleetvisor ${pkg.version} (supervisord 4.2.5)`);
    assert.equal(await out('fleetvisorctl', ['--version']), `fleetvisorctl ${pkg.version}`);
    assert.equal(await out('fleetvisor-hub', ['--version']), pkg.version);
    assert.equal(await out('fleetvisord', ['-v']), '4.2.5');
  });

  it('fleetvisord runs a program, fleetvisorctl talks to it, the hub logs in and sees the agent', async () => {
    const port = await freePort();
    const agentDir = join(tmp, 'agent');
    mkdirSync(agentDir);
    const conf = join(agentDir, 'supervisord.conf');
    writeFileSync(conf, [
      '[inet_http_server]', `port=127.0.0.1:${port}`, 'username=hub', 'password=agent-secret', '',
      '[supervisord]', `logfile=${join(agentDir, 'fleetvisord.log')}`, `pidfile=${join(agentDir, 'fleetvisord.pid')}`, `childlogdir=${agentDir}`, '',
      '[rpcinterface:supervisor]', 'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface', '',
      '[supervisorctl]', `serverurl=http://127.0.0.1:${port}`, 'username=hub', 'password=agent-secret', '',
      '[program:sleeper]', 'command=/bin/sleep 1000', 'startsecs=1', '',
    ].join('\n'));
    agent = spawn(bin('fleetvisord'), ['-n', '-c', conf], { cwd: agentDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let agentOut = '';
    agent.stdout?.on('data', (b: Buffer) => { agentOut += b.toString(); });
    agent.stderr?.on('data', (b: Buffer) => { agentOut += b.toString(); });

    let status = '';
    await waitFor(async () => {
      if (agent?.exitCode !== null) throw new Error(`fleetvisord exited ${String(agent?.exitCode)}:\n${agentOut}`);
      const r = spawnSync(bin('fleetvisorctl'), ['-c', conf, 'status'], { cwd: agentDir, env, encoding: 'utf8' });
      status = r.stdout;
      return /^sleeper\s+RUNNING\s+pid \d+/m.test(status);
    }, { timeoutMs: 30_000, everyMs: 250, what: 'sleeper RUNNING in fleetvisorctl status' }).catch((err: Error) => {
      throw new Error(`${err.message}; last status:\n${status}\nfleetvisord:\n${agentOut}`);
    });
    const version = spawnSync(bin('fleetvisorctl'), ['-c', conf, 'version'], { cwd: agentDir, env, encoding: 'utf8' });
    assert.equal(version.stdout.trim(), '4.2.5');
    const mainLog = readFileSync(join(agentDir, 'fleetvisord.log'), 'utf8');
    if (existsSync(join(pkgDir, 'dist', 'native', 'fv-spawn'))) assert.doesNotMatch(mainLog, /spawned by node's child_process/);

    const hubDir = join(tmp, 'hub');
    mkdirSync(hubDir);
    const cesi = join(hubDir, 'cesi.conf');
    writeFileSync(cesi, [
      '[cesi]', `database = ${join(hubDir, 'hub.db')}`, `activity_log = ${join(hubDir, 'activity.log')}`, 'host = 127.0.0.1', 'port = 0', 'bcrypt_rounds = 4', '',
      '[node:agent1]', 'host = 127.0.0.1', `port = ${port}`, 'username = hub', 'password = agent-secret', '',
    ].join('\n'));
    hub = spawn(bin('fleetvisor-hub'), ['-c', cesi], { cwd: hubDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let hubOut = '';
    hub.stdout?.on('data', (b: Buffer) => { hubOut += b.toString(); });
    hub.stderr?.on('data', (b: Buffer) => { hubOut += b.toString(); });
    let url = '';
    await waitFor(() => {
      if (hub?.exitCode !== null) throw new Error(`fleetvisor-hub exited ${String(hub?.exitCode)}:\n${hubOut}`);
      url = / listening on (http:\/\/\S+) /.exec(hubOut)?.[1] ?? '';
      return url !== '';
    }, { timeoutMs: 30_000, what: 'the hub to listen' });
    assert.match(hubOut, new RegExp(`fleetvisor-hub ${pkg.version.replace(/\./g, '\\.')} listening`));

    const login = await fetch(`${url}/login`);
    assert.equal(login.status, 200);
    assert.match(await login.text(), /<form/);

    let cookie = '';
    const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
      const headers: Record<string, string> = cookie === '' ? {} : { Cookie: cookie };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(url + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), redirect: 'manual' });
      const set = res.headers.getSetCookie().map((c) => c.split(';')[0] ?? '').filter((c) => c !== '');
      if (set.length > 0) cookie = set.join('; ');
      const text = await res.text();
      let json: Record<string, unknown> = {};
      try { json = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON */ }
      return { status: res.status, json };
    };
    const first = await api('POST', '/api/v2/auth/login/', { username: 'admin', password: 'admin' });
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.equal(first.json.must_change_password, true);
    assert.equal((await api('PUT', '/api/v2/profile/password/', { oldPassword: 'admin', newPassword: 'install-test-password-1' })).status, 200);

    let nodes: { general?: { name?: string; connected?: boolean } }[] = [];
    await waitFor(async () => {
      const r = await api('GET', '/api/v2/nodes/');
      nodes = (r.json.nodes ?? []) as typeof nodes;
      return nodes.some((n) => n.general?.name === 'agent1' && n.general.connected === true);
    }, { timeoutMs: 30_000, everyMs: 250, what: 'node agent1 connected' }).catch((err: Error) => {
      throw new Error(`${err.message}; last nodes: ${JSON.stringify(nodes)}\nhub:\n${hubOut}`);
    });
    assert.match(hubOut, /node agent1: connected/);
  });
});

// The release artifact, end to end: `npm pack` of this tree (after `npm run build`), then README's
// install command ("Install on a server") into a temporary prefix, from a directory outside the
// repository, with a fresh HOME and npm cache (the machine's npmrc files stay: registry, CA,
// nodedir), so nothing of the repository's node_modules is reachable. Then the installed bins:
// fleetvisord runs programs, fleetvisorctl talks to it, the hub answers its login page and sees
// the agent (and its version); the install script without a C compiler; the hub's database
// carried over an upgrade and refused after a downgrade.
//
// The pack runs in a copy of the tree (what `files` can take: no .git, node_modules or test
// output), because prepack/postpack write and remove npm-shrinkwrap.json at the root: two test
// runs in one working tree must not race on that file, nor leave it behind when interrupted.
// The install downloads the dependencies from the registry; better-sqlite3's install script finds
// no prebuilt binary it can fetch here (no GitHub) and compiles SQLite, which is most of this
// test's time: it is compiled with -O0 (CFLAGS), the same sources and steps a server without a
// prebuilt goes through, in a fraction of -O3's minutes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { descendants, isAlive } from '../helpers/daemon.js';
import { repoRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait-for.js';

const execFileP = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  name: string; version: string; bin: Record<string, string>; scripts: Record<string, string>;
};
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
  'agent/deploy/supervisord.conf', 'hub/deploy/fleetvisor-hub.service', 'hub/deploy/fleetvisor-hub.logrotate', 'hub/deploy/cesi.conf',
  'LICENSE', 'README.md', 'npm-shrinkwrap.json', 'supervisord.conf.example', 'cesi.conf.example',
];

interface PackJson { filename: string; size: number; unpackedSize: number; files: { path: string }[] }

async function npmPack(cwd: string, env: NodeJS.ProcessEnv, args: string[]): Promise<PackJson> {
  const { stdout } = await execFileP('npm', ['pack', '--json', ...args], { cwd, env, maxBuffer: 64 << 20 });
  const parsed = JSON.parse(stdout) as PackJson[];
  assert.equal(parsed.length, 1);
  return parsed[0] as PackJson;
}

/** A copy of the tree for npm pack: everything but .git, node_modules, test output, compiled tests and earlier packs. */
function stageTree(dest: string): void {
  cpSync(repoRoot, dest, {
    recursive: true,
    filter: (src) => {
      const rel = relative(repoRoot, src);
      if (rel === '') return true;
      if (['.git', 'node_modules', 'test-artifacts', 'npm-shrinkwrap.json', 'dist/test', 'dist/bench'].includes(rel)) return false;
      return !(rel.endsWith('.tgz') && !rel.includes('/'));
    },
  });
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

/** A program of the installed package, its output kept, and its descendants remembered so that none outlives the test. */
class Running {
  readonly proc: ChildProcess;
  out = '';
  readonly #exit: Promise<number | string>;
  readonly #known = new Set<number>();
  readonly #watch: NodeJS.Timeout;

  constructor(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }) {
    this.proc = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', (b: Buffer) => { this.out += b.toString(); });
    this.proc.stderr?.on('data', (b: Buffer) => { this.out += b.toString(); });
    this.#exit = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
    this.#watch = setInterval(() => { for (const d of descendants(this.pid)) this.#known.add(d); }, 200);
  }

  get pid(): number { return this.proc.pid ?? -1; }
  get exitCode(): number | null { return this.proc.exitCode; }
  exited(): Promise<number | string> { return this.#exit; }

  /** SIGTERM (the daemons stop their programs and exit 0), SIGKILL after 20 s; then any leftover descendant. */
  async stop(): Promise<number | string> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      for (const d of descendants(this.pid)) this.#known.add(d);
      try { process.kill(this.pid, 'SIGTERM'); } catch { /* gone */ }
    }
    const timer = setTimeout(() => { try { process.kill(this.pid, 'SIGKILL'); } catch { /* gone */ } }, 20_000);
    const result = await this.#exit.finally(() => clearTimeout(timer));
    clearInterval(this.#watch);
    for (const d of this.#known) if (isAlive(d)) { try { process.kill(d, 'SIGKILL'); } catch { /* gone */ } }
    return result;
  }
}

describe('npm pack, npm install -g, and the installed programs', { skip, timeout: 8 * 60_000 }, () => {
  let tmp = '';
  let env: NodeJS.ProcessEnv = {};
  let prefix = '';
  let pkgDir = '';
  let packed: PackJson | null = null;
  let dryRun: PackJson | null = null;
  let installLog = '';
  const running: Running[] = [];
  const bin = (name: string): string => join(prefix, 'bin', name);
  const start = (name: string, args: string[], cwd: string): Running => {
    const r = new Running(bin(name), args, { cwd, env });
    running.push(r);
    return r;
  };

  // Set by the agent test, used by the ones after it.
  let agentPort = 0;
  let hubDir = '';

  before(async () => {
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'fv-install-')));
    const base = cleanEnv();
    // The machine's npm configuration (registry, CA file, nodedir...), read before HOME changes.
    const config = (key: string): string => spawnSync('npm', ['config', 'get', key], { cwd: tmp, env: base, encoding: 'utf8' }).stdout.trim();
    const globalconfig = config('globalconfig');
    const userconfig = config('userconfig');
    mkdirSync(join(tmp, 'home'));
    env = { ...base, HOME: join(tmp, 'home'), npm_config_cache: join(tmp, 'npm-cache'), npm_config_globalconfig: globalconfig, npm_config_userconfig: userconfig };

    const started = Date.now();
    const stage = join(tmp, 'stage');
    stageTree(stage);
    const packDir = join(tmp, 'pack');
    mkdirSync(packDir);
    packed = await npmPack(stage, base, ['--pack-destination', packDir]);
    assert.equal(packed.filename, TARBALL);
    dryRun = await npmPack(stage, base, ['--dry-run']);
    assert.ok(!existsSync(join(stage, 'npm-shrinkwrap.json')), 'postpack removed npm-shrinkwrap.json');
    const packedAt = Date.now();

    prefix = join(tmp, 'prefix');
    mkdirSync(prefix);
    // README: npm install -g --allow-scripts=better-sqlite3,bcrypt --allow-scripts="$PWD/fleetvisor-<version>.tgz" ./fleetvisor-<version>.tgz
    const r = await execFileP('npm', ['install', '-g', '--prefix', prefix, '--allow-scripts=better-sqlite3,bcrypt',
      `--allow-scripts=${join(packDir, TARBALL)}`, `./${TARBALL}`],
    { cwd: packDir, env: { ...env, CFLAGS: '-O0', CXXFLAGS: '-O0', JOBS: '2' }, maxBuffer: 64 << 20, timeout: 6 * 60_000 })
      .catch((err: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`npm install -g failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
      });
    installLog = `${r.stdout}\n${r.stderr}`;
    pkgDir = join(prefix, 'lib', 'node_modules', pkg.name);
    process.stderr.write(`# npm pack ${Math.round((packedAt - started) / 1000)} s, npm install -g of ${TARBALL} ${Math.round((Date.now() - packedAt) / 1000)} s\n`);
  }, { timeout: 7 * 60_000 });

  after(async () => {
    for (const r of running.reverse()) await r.stop();
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
    // The hub's native modules resolve inside the installed package, and load.
    const req = createRequire(join(pkgDir, 'package.json'));
    for (const m of ['better-sqlite3', 'bcrypt', 'uplot']) assert.ok(req.resolve(m).startsWith(`${pkgDir}/node_modules/`), m);
    const Sqlite = req('better-sqlite3') as new (path: string) => { prepare(sql: string): { get(): unknown }; close(): void };
    const db = new Sqlite(':memory:');
    assert.deepEqual(db.prepare('SELECT 1 AS one').get(), { one: 1 });
    db.close();
  });

  it('the installed bins agree on the version; fleetvisord -v stays 4.2.5', async () => {
    const out = async (name: string, args: string[]): Promise<string> => (await execFileP(bin(name), args, { cwd: tmp, env })).stdout.trim();
    assert.equal(await out('fleetvisord', ['--version']), `fleetvisor ${pkg.version} (supervisord 4.2.5)`);
    assert.equal(await out('fleetvisorctl', ['--version']), `fleetvisorctl ${pkg.version}`);
    assert.equal(await out('fleetvisor-hub', ['--version']), pkg.version);
    assert.equal(await out('fleetvisord', ['-v']), '4.2.5');
  });

  it('fleetvisord runs programs, fleetvisorctl talks to it, the hub logs in and sees the agent and its version', async () => {
    agentPort = await freePort();
    const agentDir = join(tmp, 'agent');
    mkdirSync(agentDir);
    const conf = join(agentDir, 'supervisord.conf');
    writeFileSync(conf, [
      '[inet_http_server]', `port=127.0.0.1:${agentPort}`, 'username=hub', 'password=agent-secret', '',
      '[supervisord]', `logfile=${join(agentDir, 'fleetvisord.log')}`, `pidfile=${join(agentDir, 'fleetvisord.pid')}`, `childlogdir=${agentDir}`, '',
      '[rpcinterface:supervisor]', 'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface', '',
      '[supervisorctl]', `serverurl=http://127.0.0.1:${agentPort}`, 'username=hub', 'password=agent-secret', '',
      '[program:sleeper]', 'command=/bin/sleep 1000', 'startsecs=1', '',
      '[program:echo]', 'command=/bin/sh -c "echo hello from echo; exec sleep 1000"', 'startsecs=0', '',
    ].join('\n'));
    const agent = start('fleetvisord', ['-n', '-c', conf], agentDir);

    let status = '';
    await waitFor(() => {
      if (agent.exitCode !== null) throw new Error(`fleetvisord exited ${String(agent.exitCode)}:\n${agent.out}`);
      const r = spawnSync(bin('fleetvisorctl'), ['-c', conf, 'status'], { cwd: agentDir, env, encoding: 'utf8' });
      status = r.stdout;
      return /^sleeper\s+RUNNING\s+pid \d+/m.test(status) && /^echo\s+RUNNING\s+pid \d+/m.test(status);
    }, { timeoutMs: 30_000, everyMs: 250, what: 'both programs RUNNING in fleetvisorctl status' }).catch((err: Error) => {
      throw new Error(`${err.message}; last status:\n${status}\nfleetvisord:\n${agent.out}`);
    });
    const ctl = (...args: string[]): string => spawnSync(bin('fleetvisorctl'), ['-c', conf, ...args], { cwd: agentDir, env, encoding: 'utf8' }).stdout;
    assert.equal(ctl('version').trim(), '4.2.5');
    assert.match(ctl('tail', 'echo'), /^hello from echo$/m);
    assert.match(ctl('stop', 'sleeper'), /^sleeper: stopped$/m);
    assert.match(ctl('start', 'sleeper'), /^sleeper: started$/m);
    const mainLog = readFileSync(join(agentDir, 'fleetvisord.log'), 'utf8');
    if (existsSync(join(pkgDir, 'dist', 'native', 'fv-spawn'))) assert.doesNotMatch(mainLog, /spawned by node's child_process/);

    hubDir = join(tmp, 'hub');
    mkdirSync(hubDir);
    const cesi = join(hubDir, 'cesi.conf');
    writeFileSync(cesi, [
      '[cesi]', `database = ${join(hubDir, 'hub.db')}`, `activity_log = ${join(hubDir, 'activity.log')}`, 'host = 127.0.0.1', 'port = 0', 'bcrypt_rounds = 4', '',
      '[node:agent1]', 'host = 127.0.0.1', `port = ${agentPort}`, 'username = hub', 'password = agent-secret', '',
    ].join('\n'));
    const hub = start('fleetvisor-hub', ['-c', cesi], hubDir);
    const url = await listening(hub);
    assert.match(hub.out, new RegExp(`fleetvisor-hub ${pkg.version.replace(/\./g, '\\.')} listening`));

    const login = await fetch(`${url}/login`);
    assert.equal(login.status, 200);
    assert.match(await login.text(), /<form/);

    const api = apiClient(url);
    const first = await api('POST', '/api/v2/auth/login/', { username: 'admin', password: 'admin' });
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.equal(first.json.must_change_password, true);
    assert.equal((await api('PUT', '/api/v2/profile/password/', { oldPassword: 'admin', newPassword: 'install-test-password-1' })).status, 200);

    type Node = { general?: { name?: string; connected?: boolean; supervisor_version?: string; fleetvisor_version?: string }; processes?: { name?: string; statename?: string }[] };
    let nodes: Node[] = [];
    await waitFor(async () => {
      const r = await api('GET', '/api/v2/nodes/');
      nodes = (r.json.nodes ?? []) as Node[];
      const n = nodes.find((x) => x.general?.name === 'agent1');
      return n?.general?.connected === true && (n.processes ?? []).filter((p) => p.statename === 'RUNNING').length === 2;
    }, { timeoutMs: 30_000, everyMs: 250, what: 'node agent1 connected with its two programs RUNNING' }).catch((err: Error) => {
      throw new Error(`${err.message}; last nodes: ${JSON.stringify(nodes)}\nhub:\n${hub.out}`);
    });
    assert.match(hub.out, /node agent1: connected/);
    // The versions agree across the fleet: the agent's (as the hub reads it over RPC) is the hub's own.
    const general = nodes.find((x) => x.general?.name === 'agent1')?.general;
    assert.equal(general?.fleetvisor_version, pkg.version);
    assert.equal(general?.supervisor_version, '4.2.5');
    assert.equal(await hub.stop(), 0);
  });

  it('the hub\'s database: an older schema is migrated with its users kept; a newer one is refused, untouched', async () => {
    assert.ok(hubDir !== '', 'runs after the agent test');
    const dbFile = join(hubDir, 'hub.db');
    const cesi = join(hubDir, 'cesi.conf');
    const req = createRequire(join(pkgDir, 'package.json'));
    type Db = { exec(sql: string): void; pragma(p: string, o?: { simple: boolean }): unknown; close(): void };
    const Sqlite = req('better-sqlite3') as new (path: string) => Db;
    const latest = readdirSync(join(pkgDir, 'migrations')).filter((f) => /^\d{3}_\w+\.sql$/.test(f)).sort();
    const last = latest[latest.length - 1] ?? '';
    const lastVersion = Number(last.slice(0, 3));
    assert.equal(last, '005_api_tokens.sql', 'this test rewinds 005; a later migration needs its own rewind here');

    // An upgrade: the database as the release before 005 left it (the api_tokens table not there yet).
    let db = new Sqlite(dbFile);
    db.exec(`DROP TABLE api_tokens; DELETE FROM schema_migrations WHERE version = ${lastVersion};`);
    db.pragma(`user_version = ${lastVersion - 1}`);
    db.close();
    const upgraded = start('fleetvisor-hub', ['-c', cesi], hubDir);
    const url = await listening(upgraded);
    assert.match(upgraded.out, new RegExp(`database ${dbFile}: schema ${lastVersion - 1} -> ${lastVersion} \\(${last}\\)`));
    assert.doesNotMatch(upgraded.out, /First start/, 'no new admin seeded');
    const api = apiClient(url);
    const relogin = await api('POST', '/api/v2/auth/login/', { username: 'admin', password: 'install-test-password-1' });
    assert.equal(relogin.status, 200, 'the password set before the upgrade still logs in');
    assert.equal(relogin.json.must_change_password, false);
    assert.equal((await api('POST', '/api/v2/profile/tokens/', { name: 'after-upgrade' })).status, 201, 'the table the migration made is used');
    assert.equal(await upgraded.stop(), 0);

    // A downgrade: the database a later release migrated; this hub refuses it with exit status 2 (no restart loop).
    db = new Sqlite(dbFile);
    db.exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${lastVersion + 1}, '${String(lastVersion + 1).padStart(3, '0')}_future.sql', 0)`);
    db.pragma(`user_version = ${lastVersion + 1}`);
    db.close();
    const before = readFileSync(dbFile);
    const r = spawnSync(bin('fleetvisor-hub'), ['-c', cesi], { cwd: hubDir, env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, `${r.stdout}${r.stderr}`);
    assert.equal(r.stderr, `Error: ${dbFile}: database schema version ${lastVersion + 1} is newer than this fleetvisor-hub knows (${lastVersion}): `
      + `it was written by a newer version; upgrade fleetvisor-hub or set [cesi] database to another file\n  ([cesi] database in ${cesi})\n`);
    assert.ok(readFileSync(dbFile).equals(before), 'the newer database is left as it was');
  });

  it('without a C compiler the install script succeeds and fleetvisord says once that node spawns the children', async () => {
    const helper = join(pkgDir, 'dist', 'native', 'fv-spawn');
    if (existsSync(helper)) renameSync(helper, `${helper}.built`);
    // The package's install script as npm runs it, on a PATH with what build.sh needs but no compiler.
    const tools = join(tmp, 'no-cc-bin');
    mkdirSync(tools);
    for (const tool of ['sh', 'dirname', 'mkdir', 'mv']) {
      const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
      assert.ok(found !== undefined, tool);
      symlinkSync(found, join(tools, tool));
    }
    const noCcEnv: NodeJS.ProcessEnv = { ...env, PATH: tools };
    delete noCcEnv.CC;
    const script = pkg.scripts.install ?? '';
    assert.ok(script !== '', 'package.json has an install script');
    const r = spawnSync(join(tools, 'sh'), ['-c', script], { cwd: pkgDir, env: noCcEnv, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /no C compiler found; fleetvisord will spawn children through node/);
    assert.ok(!existsSync(helper), 'no helper built');

    const dir = join(tmp, 'agent-no-cc');
    mkdirSync(dir);
    const conf = join(dir, 'supervisord.conf');
    writeFileSync(conf, [
      '[unix_http_server]', `file=${join(dir, 'fleetvisord.sock')}`, '',
      '[supervisord]', `logfile=${join(dir, 'fleetvisord.log')}`, `pidfile=${join(dir, 'fleetvisord.pid')}`, `childlogdir=${dir}`, '',
      '[rpcinterface:supervisor]', 'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface', '',
      '[supervisorctl]', `serverurl=unix://${join(dir, 'fleetvisord.sock')}`, '',
      '[program:a]', 'command=/bin/sleep 1000', 'startsecs=0', '',
      '[program:b]', 'command=/bin/sleep 1000', 'startsecs=0', '',
    ].join('\n'));
    const agent = start('fleetvisord', ['-n', '-c', conf], dir);
    const log = (): string => { try { return readFileSync(join(dir, 'fleetvisord.log'), 'utf8'); } catch { return ''; } };
    await waitFor(() => {
      if (agent.exitCode !== null) throw new Error(`fleetvisord exited ${String(agent.exitCode)}:\n${agent.out}`);
      return /success: a entered RUNNING/.test(log()) && /success: b entered RUNNING/.test(log());
    }, { timeoutMs: 30_000, everyMs: 100, what: 'a and b RUNNING in the main log' });
    assert.match(spawnSync(bin('fleetvisorctl'), ['-c', conf, 'restart', 'a'], { cwd: dir, env, encoding: 'utf8' }).stdout, /^a: started$/m);
    assert.equal(log().match(/children are spawned by node's child_process/g)?.length, 1, log());
    assert.equal(await agent.stop(), 0);
    if (existsSync(`${helper}.built`)) renameSync(`${helper}.built`, helper);
  });
});

/** Waits for the hub's "listening on URL" line; the URL. */
async function listening(hub: Running): Promise<string> {
  let url = '';
  await waitFor(() => {
    if (hub.exitCode !== null) throw new Error(`fleetvisor-hub exited ${String(hub.exitCode)}:\n${hub.out}`);
    url = / listening on (http:\/\/\S+) /.exec(hub.out)?.[1] ?? '';
    return url !== '';
  }, { timeoutMs: 30_000, what: 'the hub to listen' });
  return url;
}

/** A JSON API client with a cookie jar. */
function apiClient(url: string): (method: string, path: string, body?: unknown) => Promise<{ status: number; json: Record<string, unknown> }> {
  let cookie = '';
  return async (method, path, body) => {
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
}

// Differential harness for fleetvisorctl: two identical daemons (one per ctl, so commands with side
// effects run once on each), the real supervisorctl against one and ours against the other, and a
// comparison of stdout, stderr and exit status after normalising pids, times, dirs and Python
// file/line details.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { RpcClient } from '../../../agent/rpc/client.js';
import { RpcFault } from '../../../agent/rpc/faults.js';
import { toProcessInfoList, type ProcessInfo } from '../../../agent/rpc/wire-types.js';
import { startDaemon, writeConf, type DaemonKind, type RunningDaemon } from '../../helpers/daemon.js';
import { programsDir, repoRoot, SUPERVISORCTL } from '../../helpers/paths.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';

interface HasAfter { after(fn: () => void | Promise<void>): void }

/**
 * What a differential test checks, besides the reference (the real supervisorctl against real
 * supervisord 4.2.5): each candidate ctl against a daemon of the given kind, on an identical config.
 * FV_CTL_CANDIDATES=ctl@daemon,... narrows the set (e.g. `fleetvisorctl@supervisord`).
 */
export interface Candidate { readonly ctl: CtlKind; readonly daemon: DaemonKind }
export const CANDIDATES: readonly Candidate[] = (process.env.FV_CTL_CANDIDATES ?? 'fleetvisorctl@supervisord,supervisorctl@fleetvisord,fleetvisorctl@fleetvisord')
  .split(',').map((c) => c.split('@')).flatMap(([ctl, daemon]) =>
    (ctl === 'supervisorctl' || ctl === 'fleetvisorctl') && (daemon === 'supervisord' || daemon === 'fleetvisord') ? [{ ctl, daemon }] : []);

export function label(c: Candidate): string {
  return `${c.ctl} against ${c.daemon}`;
}

export const ctlBin = join(repoRoot, 'dist', 'agent', 'bin', 'fleetvisorctl.js');
export const supervisorctlAvailable = existsSync(SUPERVISORCTL);
export const skipReal = supervisorctlAvailable ? false : 'Debian supervisorctl 4.2.5 is not installed';

export type CtlKind = 'supervisorctl' | 'fleetvisorctl';

export interface CtlRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

export interface RunOptions {
  readonly cwd: string;
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export function ctlCommand(kind: CtlKind, args: readonly string[]): [string, string[]] {
  return kind === 'supervisorctl' ? [SUPERVISORCTL, [...args]] : [process.execPath, [ctlBin, ...args]];
}

/** Starts a ctl; the caller gets the child to drive (signals, stdin) and a promise of the result. */
export function spawnCtl(kind: CtlKind, args: readonly string[], opts: RunOptions) {
  const [cmd, argv] = ctlCommand(kind, args);
  const child = spawn(cmd, argv, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdin.on('error', () => { /* the ctl may exit before reading all input */ });
  const result = new Promise<CtlRun>((resolve) => {
    child.on('close', (code, signal) => resolve({ stdout, stderr, code: code ?? (signal === 'SIGINT' ? 130 : -1) }));
  });
  return { child, result, output: () => stdout, errors: () => stderr };
}

export async function runCtl(kind: CtlKind, args: readonly string[], opts: RunOptions): Promise<CtlRun> {
  const run = spawnCtl(kind, args, opts);
  run.child.stdin.end(opts.input ?? '');
  return run.result;
}

/** Replaces what legitimately differs between two runs with placeholders. */
export function normalise(text: string, dir: string, serverurl?: string): string {
  return (serverurl === undefined ? text : text.split(serverurl).join('<URL>'))
    .split(dir).join('<DIR>')
    .replace(/: file: .* line: \d+$/gm, ': file: <FILE> line: <N>')
    .replace(/For help, use \S+ -h/g, 'For help, use <PROG> -h')
    .replace(/\bpid \d+/g, 'pid <PID>')
    .replace(/uptime \d+:\d\d:\d\d/g, 'uptime <UP>')
    .replace(/[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M/g, '<DATE>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}/g, '<TS>')
    .replace(/^(.*> )?[1-9]\d*$/gm, '$1<NUM>')
    // Python's warnings module, about getpass without a terminal (the text after it is compared).
    .replace(/^\S+getpass\.py:\d+: GetPassWarning: .*\n {2}passwd = .*\n/m, '');
}

export function normalised(r: CtlRun, dir: string, serverurl?: string): CtlRun {
  return { stdout: normalise(r.stdout, dir, serverurl), stderr: normalise(r.stderr, dir, serverurl), code: r.code };
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const addr = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return addr.port;
}

export interface Site {
  readonly dir: string;
  readonly conf: string;
  readonly daemon: RunningDaemon;
  readonly serverurl: string;
  auth: { readonly username: string; readonly password: string } | null;
  /** Rewrites the config with another body (same server sections), for reread/update. */
  rewrite(body: string): void;
}

export interface SiteOptions {
  /** The [*_http_server] and [supervisorctl] sections; default: a unix socket in the dir. */
  readonly server?: (dir: string) => Promise<string> | string;
  /** Settle: wait until no process is STARTING/BACKOFF/STOPPING (default true). */
  readonly settle?: boolean;
  /** Leave out [rpcinterface:supervisor] (the server then lacks the supervisor namespace). */
  readonly noRpcInterface?: boolean;
}

export function unixServer(dir: string, ctlExtra = ''): string {
  return `[unix_http_server]\nfile=${dir}/s.sock\n[supervisorctl]\nserverurl=unix://${dir}/s.sock\n${ctlExtra}`;
}

/** An inet server with basic auth on a free port; [supervisorctl] names the URL, not the credentials. */
export async function authServer(): Promise<string> {
  const port = await freePort();
  return `[inet_http_server]\nport=127.0.0.1:${port}\nusername=user\npassword=pass\n`
    + `[supervisorctl]\nserverurl=http://127.0.0.1:${port}\n`;
}

const RPC_SECTION = '[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n';

/** `{DIR}` and `{PROGRAMS}` in a config body become the site's dir and the fixture programs. */
export function fillIn(body: string, dir: string): string {
  return body.split('{DIR}').join(dir).split('{PROGRAMS}').join(programsDir);
}

export async function processInfos(site: Site, username?: string, password?: string): Promise<ProcessInfo[]> {
  const c = new RpcClient({ url: site.serverurl, username: username ?? null, password: password ?? null, timeoutMs: 5000 });
  try {
    return toProcessInfoList(await c.call('supervisor.getAllProcessInfo'));
  } finally {
    c.close();
  }
}

const UNSETTLED = new Set(['STARTING', 'BACKOFF', 'STOPPING']);

export async function settle(site: Site, username?: string, password?: string): Promise<void> {
  await waitFor(async () => {
    try {
      return (await processInfos(site, username, password)).every((i) => !UNSETTLED.has(i.statename));
    } catch {
      return false;
    }
  }, { timeoutMs: 20_000, what: `${site.daemon.kind} in ${site.dir} to settle` });
}

/** One daemon on `body` in a fresh dir, reachable and settled. */
export async function startSite(t: HasAfter, kind: DaemonKind, body: string, opts: SiteOptions = {}): Promise<Site> {
  const dir = makeTmpDir(t, 'fvctl-');
  const server = await (opts.server ?? unixServer)(dir);
  const head = (opts.noRpcInterface === true ? '' : RPC_SECTION) + server;
  const conf = writeConf(dir, head + fillIn(body, dir));
  const daemon = startDaemon(t, kind, dir, conf);
  const m = /serverurl=(\S+)/.exec(server);
  const serverurl = m?.[1] ?? `unix://${dir}/s.sock`;
  const site: Site = { dir, conf, daemon, serverurl, auth: null, rewrite: (b) => { writeConf(dir, head + fillIn(b, dir)); } };
  const auth = /username=(\S+)\npassword=(\S+)/.exec(server);
  site.auth = auth === null ? null : { username: auth[1] ?? '', password: auth[2] ?? '' };
  await waitFor(async () => {
    try { await processInfos(site, auth?.[1], auth?.[2]); return true; } catch (err) { return opts.noRpcInterface === true && err instanceof RpcFault; }
  }, { timeoutMs: 20_000, what: `${kind} to answer in ${dir}` }).catch((err: unknown) => {
    throw new Error(`${String(err)}; its stderr: ${daemon.stderr() || '(empty)'}`, { cause: err });
  });
  if (opts.settle !== false && opts.noRpcInterface !== true) await settle(site, auth?.[1], auth?.[2]);
  return site;
}

/** One candidate and the daemon it talks to. */
export interface Trial { readonly cand: Candidate; readonly site: Site }

export interface Pair {
  /** supervisord 4.2.5, which the real supervisorctl talks to: the reference. */
  readonly real: Site;
  readonly trials: readonly Trial[];
  /** Every site: the reference first. */
  readonly sites: readonly Site[];
}

/** The reference site and one site per candidate, all on `body`, all started side by side. */
export async function startPair(t: HasAfter, body: string, opts: SiteOptions = {}): Promise<Pair> {
  const [real, ...others] = await Promise.all([startSite(t, 'supervisord', body, opts), ...CANDIDATES.map((c) => startSite(t, c.daemon, body, opts))]);
  const trials = CANDIDATES.map((cand, i) => ({ cand, site: others[i] as Site }));
  return { real: real as Site, trials, sites: [real as Site, ...trials.map((x) => x.site)] };
}

/** `{CONF}`, `{DIR}` and `{URL}` in args become each side's own. */
function argsFor(args: readonly string[], site: Site): string[] {
  return args.map((a) => a.split('{CONF}').join(site.conf).split('{DIR}').join(site.dir).split('{URL}').join(site.serverurl));
}

export interface CompareOptions {
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Compare the stdout lines as a multiset (the daemon's own order varies, e.g. stopProcessGroup). */
  readonly unordered?: boolean;
}

function sortLines(r: CtlRun): CtlRun {
  return { ...r, stdout: r.stdout.split('\n').sort().join('\n') };
}

/** Runs `args` through the reference and every candidate, and asserts the same normalised results. */
export async function compare(pair: Pair, args: readonly string[], opts: CompareOptions = {}): Promise<CtlRun> {
  const run = (ctl: CtlKind, site: Site) => runCtl(ctl, argsFor(args, site), { cwd: site.dir, ...opts });
  const [real, ...theirs] = await Promise.all([run('supervisorctl', pair.real), ...pair.trials.map((x) => run(x.cand.ctl, x.site))]);
  const order = opts.unordered === true ? sortLines : (r: CtlRun): CtlRun => r;
  const a = order(normalised(real as CtlRun, pair.real.dir, pair.real.serverurl));
  let last = a;
  pair.trials.forEach((x, i) => {
    last = order(normalised(theirs[i] as CtlRun, x.site.dir, x.site.serverurl));
    assert.deepEqual(last, a, `${label(x.cand)}: ${args.join(' ')}`);
  });
  return last;
}

/** One command line of compareAll: its words after `-c {CONF}`; a leading '~' means unordered. */
function lineArgs(line: string): { args: string[]; unordered: boolean } {
  const unordered = line.startsWith('~');
  return { args: ['-c', '{CONF}', ...(unordered ? line.slice(1) : line).split(' ').filter((w) => w !== '')], unordered };
}

/** compare() of several command lines in order. */
export async function compareAll(pair: Pair, lines: readonly string[]): Promise<void> {
  for (const line of lines) {
    const { args, unordered } = lineArgs(line);
    await compare(pair, args, { unordered });
  }
}

/** compare() of command lines that change nothing, all at once. */
export async function compareReadOnly(pair: Pair, lines: readonly string[]): Promise<void> {
  await Promise.all(lines.map((line) => {
    const { args, unordered } = lineArgs(line);
    return compare(pair, args, { unordered });
  }));
}

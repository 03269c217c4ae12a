// A real fleetvisord for the tests of fleetvisord's own [program:x] options (depends_on, ready_*,
// backoff_max_secs, fatal_retry_secs, healthcheck_*, memory_limit, environment_file): a config in
// a temp dir with a unix socket (and optionally an inet server for /metrics), an XML-RPC client on
// it, the real fleetvisorctl, and waits for the very state or log line a test compares.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { RpcClient } from '../../../agent/rpc/client.js';
import { isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../../agent/rpc/value.js';
import { logLines, startDaemon, writeConf, type DaemonKind, type RunningDaemon } from '../../helpers/daemon.js';
import { programsDir, repoRoot } from '../../helpers/paths.js';
import { freePort } from '../../helpers/ports.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';

interface HasAfter { after(fn: () => void | Promise<void>): void }

export const ctlBin = join(repoRoot, 'dist', 'agent', 'bin', 'fleetvisorctl.js');

/** `node test/fixtures/programs/<name> args...` as a command= value. */
export function program(name: string, ...args: (string | number)[]): string {
  return [process.execPath, join(programsDir, name), ...args.map(String)].join(' ');
}

export interface Info {
  readonly name: string;
  readonly group: string;
  readonly statename: string;
  readonly pid: number;
  readonly description: string;
  readonly spawnerr: string;
}

export interface Stats {
  readonly pid: number;
  readonly health: string;
  readonly health_failures: number;
  readonly health_reason: string;
  readonly health_restarts: number;
  readonly memory_restarts: number;
  readonly restarts: number;
}

export interface CtlRun { readonly stdout: string; readonly stderr: string; readonly code: number | null }

export interface OptionsDaemon {
  readonly d: RunningDaemon;
  readonly dir: string;
  readonly conf: string;
  readonly sock: string;
  readonly rpc: RpcClient;
  /** 127.0.0.1 port of the [inet_http_server], when asked for. */
  readonly httpPort: number | null;
  info(name: string): Promise<Info>;
  stats(name: string): Promise<Stats>;
  /** Polls getProcessInfo until `pred` holds; returns the info that satisfied it. */
  waitInfo(name: string, pred: (i: Info) => boolean, what: string, timeoutMs?: number): Promise<Info>;
  waitState(name: string, statename: string, timeoutMs?: number): Promise<Info>;
  waitStats(name: string, pred: (s: Stats) => boolean, what: string, timeoutMs?: number): Promise<Stats>;
  /** The main log's lines without timestamps. */
  lines(): string[];
  /** Waits for a main-log line matching `re`; returns it. */
  waitLine(re: RegExp, timeoutMs?: number): Promise<string>;
  /** The real fleetvisorctl against this daemon's config. */
  ctl(...args: string[]): Promise<CtlRun>;
  /** GET /metrics on the inet server. */
  metrics(): Promise<string>;
  /** A child's stdout log (childlogdir AUTO files are not predictable: programs set stdout_logfile). */
  read(file: string): string;
}

export interface OptionsDaemonOptions {
  readonly inet?: boolean;
  readonly loglevel?: 'info' | 'debug';
  readonly kind?: DaemonKind;
  readonly dir?: string;
  /** More command-line arguments for the daemon (after -c FILE). */
  readonly args?: readonly string[];
}

const RPCINTERFACE = '[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n';

/** Writes the config (programs may use {DIR} for the temp dir) and starts the daemon on it. */
export async function startOptionsDaemon(t: HasAfter, programs: string | ((dir: string) => string), opts: OptionsDaemonOptions = {}): Promise<OptionsDaemon> {
  const dir = opts.dir ?? makeTmpDir(t, 'fv-opt-');
  const sock = join(dir, 'rpc.sock');
  const httpPort = opts.inet ? await freePort() : null;
  const inet = httpPort === null ? '' : `[inet_http_server]\nport=127.0.0.1:${httpPort}\n`;
  const body = typeof programs === 'string' ? programs.split('{DIR}').join(dir) : programs(dir);
  const conf = writeConf(dir, `[unix_http_server]\nfile=${sock}\n${inet}${RPCINTERFACE}[supervisorctl]\nserverurl=unix://${sock}\n\n${body}`);
  if (opts.loglevel === 'debug') writeFileSync(conf, readFileSync(conf, 'utf8').replace('loglevel=info\n', 'loglevel=debug\n'));
  const d = startDaemon(t, opts.kind ?? 'fleetvisord', dir, conf, opts.args ?? []);
  const rpc = new RpcClient({ url: `unix://${sock}`, timeoutMs: 60_000, maxSockets: 4 });
  t.after(() => rpc.close());
  let exited: number | string | null = null;
  void d.exited().then((code) => { exited = code; });
  await waitFor(async () => {
    if (exited !== null) throw new Error(`${d.kind} exited (${exited}): ${d.stderr()}\n${d.mainLog()}`);
    try { await rpc.call('supervisor.getState'); return true; } catch { return false; }
  }, { timeoutMs: 60_000, what: `${d.kind} to answer on ${sock}` });

  const info = async (name: string): Promise<Info> => toInfo(await rpc.call('supervisor.getProcessInfo', [name]));
  const stats = async (name: string): Promise<Stats> => toStats(await rpc.call('fleetvisor.getProcessStats', [name]));
  const waitInfo = async (name: string, pred: (i: Info) => boolean, what: string, timeoutMs = 60_000): Promise<Info> => {
    let last: Info | null = null;
    try {
      await waitFor(async () => { last = await info(name); return pred(last); }, { timeoutMs, what: `${name}: ${what}` });
    } catch (err) {
      throw new Error(`${(err as Error).message}; last ${JSON.stringify(last)}\n${logLines(d.mainLog()).join('\n')}`);
    }
    return last as unknown as Info;
  };
  const waitStats = async (name: string, pred: (s: Stats) => boolean, what: string, timeoutMs = 60_000): Promise<Stats> => {
    let last: Stats | null = null;
    try {
      await waitFor(async () => { last = await stats(name); return pred(last); }, { timeoutMs, what: `${name}: ${what}` });
    } catch (err) {
      throw new Error(`${(err as Error).message}; last ${JSON.stringify(last)}\n${logLines(d.mainLog()).join('\n')}`);
    }
    return last as unknown as Stats;
  };
  const lines = (): string[] => logLines(d.mainLog());
  return {
    d, dir, conf, sock, rpc, httpPort, info, stats, waitInfo, waitStats, lines,
    waitState: (name, statename, timeoutMs) => waitInfo(name, (i) => i.statename === statename, `to be ${statename}`, timeoutMs),
    waitLine: async (re, timeoutMs = 60_000) => {
      try {
        await waitFor(() => lines().some((l) => re.test(l)), { timeoutMs, what: `log line ${re}` });
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${lines().join('\n')}`);
      }
      return lines().find((l) => re.test(l)) as string;
    },
    ctl: (...args) => runCtl(['-c', conf, ...args], dir),
    metrics: async () => {
      assert.ok(httpPort !== null, 'no inet server configured');
      return httpGet(httpPort, '/metrics');
    },
    read: (file) => { try { return readFileSync(join(dir, file), 'utf8'); } catch { return ''; } },
  };
}

export function runCtl(args: readonly string[], cwd: string): Promise<CtlRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ctlBin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

function httpGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${path}: ${String(res.statusCode)}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

function struct(v: XmlRpcValue): XmlRpcStruct {
  assert.ok(isStruct(v), `not a struct: ${JSON.stringify(v)}`);
  return v;
}

function num(v: XmlRpcValue | undefined): number {
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && 'value' in v && typeof v.value === 'number') return v.value;
  return Number(v);
}

export function toInfo(v: XmlRpcValue): Info {
  const s = struct(v);
  return {
    name: String(s.name), group: String(s.group), statename: String(s.statename), pid: num(s.pid),
    description: String(s.description), spawnerr: String(s.spawnerr),
  };
}

export function toStats(v: XmlRpcValue): Stats {
  const s = struct(v);
  return {
    pid: num(s.pid), health: String(s.health), health_failures: num(s.health_failures), health_reason: String(s.health_reason),
    health_restarts: num(s.health_restarts), memory_restarts: num(s.memory_restarts), restarts: num(s.restarts),
  };
}

/** The index of the first line matching `re` (at or after `from`), failing the test when none does. */
export function lineIndex(lines: readonly string[], re: RegExp, from = 0): number {
  const i = lines.findIndex((l, n) => n >= from && re.test(l));
  assert.ok(i >= 0, `no log line ${re} (from line ${from}) in:\n${lines.slice(from).join('\n')}`);
  return i;
}

/** Asserts that the lines matching `res` appear in that order (each first match after `from`). */
export function assertLineOrder(lines: readonly string[], res: readonly RegExp[], from = 0): void {
  const at = res.map((re) => lineIndex(lines, re, from));
  for (let i = 1; i < at.length; i += 1) {
    assert.ok((at[i - 1] as number) < (at[i] as number),
      `${res[i - 1]} (line ${at[i - 1]}) should come before ${res[i]} (line ${at[i]}):\n${lines.slice(from).join('\n')}`);
  }
}

/** The value of a /metrics sample with exactly these labels (undefined when absent). */
export function metric(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const got = (m[2] ?? '').split(/,(?=[a-zA-Z_]+=")/).filter((x) => x !== '').sort().join(',');
    if (got === want) return Number(m[3]);
  }
  return undefined;
}

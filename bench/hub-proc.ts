// Plumbing of the hub benchmark: a hub run as a child process (`node dist/hub/main.js -c conf`) on
// a cesi.conf in a temp dir, its CPU time from /proc, reloads by SIGHUP; an HTTP client with a
// cookie jar (the few lines of test/hub/helpers/hub.ts's HubClient the bench needs); a reader of
// the /api/v2/events/ stream that stamps each message's arrival; the fake-node child; percentiles.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { descendants, repoRoot } from './daemon.js';
import type { FakeMessage, FakeNodeSpec } from './hub-fake-node.js';

const CLK_TCK = 100;
export const ADMIN_PASSWORD = 'bench-admin-pass-1';

// ---- numbers -----------------------------------------------------------------------------------

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i] as number;
}

export const p50 = (xs: readonly number[]): number => percentile(xs, 50);
export const p95 = (xs: readonly number[]): number => percentile(xs, 95);

export function ms(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`;
}

export function bytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(2)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** CPU seconds (user + system) of a process, from /proc/<pid>/stat. */
export function procCpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

export function procRssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

/** The machine's idle and total jiffies, from /proc/stat. */
function machineTicks(): [idle: number, total: number] {
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  return [(cpu[3] ?? 0) + (cpu[4] ?? 0), cpu.reduce((a, b) => a + b, 0)];
}

/** Busy share of the machine over a window (to say when numbers look disturbed). */
export async function machineBusy(windowMs: number): Promise<number> {
  const [i0, t0] = machineTicks();
  await sleep(windowMs);
  const [i1, t1] = machineTicks();
  return t1 === t0 ? 0 : 1 - (i1 - i0) / (t1 - t0);
}

/**
 * Runs `fn` and says how much CPU (% of one core) everything else on the machine used meanwhile:
 * the machine's busy time less `pids`' and this process's own.
 */
export async function othersDuring<T>(pids: readonly number[], fn: () => Promise<T>): Promise<{ value: T; othersPct: number }> {
  const [i0, t0] = machineTicks();
  const p0 = pids.map(procCpuSeconds);
  const own0 = process.cpuUsage();
  const w0 = performance.now();
  const value = await fn();
  const wall = (performance.now() - w0) / 1000;
  const [i1, t1] = machineTicks();
  const busyCores = t1 === t0 ? 0 : (1 - (i1 - i0) / (t1 - t0)) * cpus().length;
  const mine = pids.reduce((sum, pid, k) => sum + procCpuSeconds(pid) - (p0[k] ?? 0), 0);
  const own = process.cpuUsage(own0);
  const ownSeconds = (own.user + own.system) / 1e6;
  return { value, othersPct: Math.max(0, busyCores * 100 - ((mine + ownSeconds) / wall) * 100) };
}

/** Resolves when `p` settles or after `ms`, whichever is first, leaving no timer behind. */
export async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.then(() => undefined, () => undefined), new Promise<void>((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}

/** Stops a child by pid: SIGTERM, up to `graceMs` for it to exit, then SIGKILL it and whatever it had started. */
export async function stopChild(proc: ChildProcess, graceMs: number): Promise<void> {
  const pid = proc.pid;
  if (pid === undefined) return;
  const kids = descendants(pid);
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
    await within(exited, graceMs);
    if (proc.exitCode === null && proc.signalCode === null) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  }
  for (const k of kids) { try { process.kill(k, 'SIGKILL'); } catch { /* gone */ } }
}

// ---- the fake nodes ----------------------------------------------------------------------------

export class FakeFleet {
  readonly #child: ChildProcess;
  #nextId = 1;
  readonly #waiting = new Map<number, (m: Record<string, unknown>) => void>();
  ports: number[] = [];

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (m: Record<string, unknown>) => {
      const id = typeof m.id === 'number' ? m.id : 0;
      const w = this.#waiting.get(id);
      if (w !== undefined) { this.#waiting.delete(id); w(m); }
    });
  }

  get pid(): number { return this.#child.pid ?? -1; }

  static async start(nodes: FakeNodeSpec[]): Promise<FakeFleet> {
    const child = fork(join(repoRoot, 'dist', 'bench', 'hub-fake-node.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('error', () => undefined); // a send after its exit: nothing to do
    const fleet = new FakeFleet(child);
    try {
      const ports = await new Promise<number[]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('fake nodes did not start')), 30_000);
        child.once('exit', (code) => reject(new Error(`fake nodes exited (${code})`)));
        child.once('message', (m: { type: string; ports?: number[] }) => {
          clearTimeout(timer);
          if (m.type === 'ports' && m.ports !== undefined) resolve(m.ports); else reject(new Error('fake nodes: unexpected answer'));
        });
        child.send({ type: 'start', nodes } satisfies FakeMessage);
      });
      fleet.ports = ports;
      return fleet;
    } catch (err) {
      fleet.stop();
      throw err;
    }
  }

  #ask(m: FakeMessage & { id: number }): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.#waiting.delete(m.id); reject(new Error('fake nodes did not answer')); }, 10_000);
      this.#waiting.set(m.id, (a) => { clearTimeout(timer); resolve(a); });
      this.#child.send(m);
    });
  }

  /** Changes a process's state on a fake node now; resolves with the Date.now() of the change. */
  async set(node: number, process: number, state: 'RUNNING' | 'STOPPED'): Promise<number> {
    const a = await this.#ask({ type: 'set', id: this.#nextId++, node, process, state });
    return a.at as number;
  }

  /** HTTP requests each fake node has answered so far. */
  async counts(): Promise<number[]> {
    const a = await this.#ask({ type: 'counts', id: this.#nextId++ });
    return a.counts as number[];
  }

  stop(): void {
    const pid = this.#child.pid;
    if (this.#child.connected) this.#child.send({ type: 'stop' } satisfies FakeMessage, (err) => { void err; });
    setTimeout(() => {
      if (pid !== undefined && this.#child.exitCode === null && this.#child.signalCode === null) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
    }, 2000).unref();
  }
}

// ---- the hub -----------------------------------------------------------------------------------

export interface ConfNode { readonly name: string; readonly url: string }

export function hubConf(dir: string, nodes: readonly ConfNode[], envs: Record<string, readonly string[]>, extra = ''): string {
  return `[cesi]
database = ${join(dir, 'hub.db')}
activity_log = ${join(dir, 'activity.log')}
host = 127.0.0.1
port = 0
name = Fleetvisor bench
bcrypt_rounds = 4
${extra}

${nodes.map((n) => `[node:${n.name}]\nurl = ${n.url}`).join('\n\n')}

${Object.entries(envs).map(([name, members]) => `[environment:${name}]\nmembers = ${members.join(', ')}`).join('\n\n')}
`;
}

/** Extra node flags for the hub (BENCH_HUB_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`). */
function nodeArgs(): string[] {
  return (process.env['BENCH_HUB_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
}

export class HubProcess {
  readonly dir: string;
  readonly conf: string;
  readonly proc: ChildProcess;
  readonly pid: number;
  url = '';
  #out = '';
  readonly #exited: Promise<void>;

  private constructor(dir: string, conf: string, proc: ChildProcess) {
    this.dir = dir;
    this.conf = conf;
    this.proc = proc;
    this.pid = proc.pid ?? -1;
    proc.stdout?.on('data', (d: Buffer) => { this.#out = (this.#out + d.toString()).slice(-200_000); });
    proc.stderr?.on('data', (d: Buffer) => { this.#out = (this.#out + d.toString()).slice(-200_000); });
    this.#exited = new Promise((r) => proc.on('exit', () => r()));
  }

  get output(): string { return this.#out; }

  /** Starts a hub on this config text (written into a fresh temp dir); resolves once it listens. */
  static async start(confText: (dir: string) => string): Promise<HubProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'fv-bench-hub-'));
    const conf = join(dir, 'cesi.conf');
    writeFileSync(conf, confText(dir));
    const proc = spawn(process.execPath, [...nodeArgs(), join(repoRoot, 'dist', 'hub', 'main.js'), '-c', conf],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const hub = new HubProcess(dir, conf, proc);
    try {
      const deadline = performance.now() + 30_000;
      for (;;) {
        const m = /listening on (\S+)/.exec(hub.#out);
        if (m !== null) { hub.url = m[1] as string; break; }
        if (proc.exitCode !== null || performance.now() > deadline) throw new Error(`hub did not start:\n${hub.#out}`);
        await sleep(20);
      }
    } catch (err) {
      await hub.stop();
      throw err;
    }
    return hub;
  }

  cpuSeconds(): number { return procCpuSeconds(this.pid); }

  /** Rewrites the config and sends SIGHUP; resolves once the hub logged the reload. */
  async reload(confText: string): Promise<void> {
    writeFileSync(this.conf, confText);
    const before = (this.#out.match(/config reloaded/g) ?? []).length;
    process.kill(this.pid, 'SIGHUP');
    const deadline = performance.now() + 30_000;
    while ((this.#out.match(/config reloaded/g) ?? []).length <= before) {
      if (/config reload refused/.test(this.#out) || performance.now() > deadline) throw new Error(`hub reload failed:\n${this.#out.slice(-2000)}`);
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      try { process.kill(this.pid, 'SIGTERM'); } catch { /* gone */ }
      await within(this.#exited, 10_000);
      if (this.proc.exitCode === null && this.proc.signalCode === null) { try { process.kill(this.pid, 'SIGKILL'); } catch { /* gone */ } }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- HTTP --------------------------------------------------------------------------------------

export interface Timed { readonly status: number; readonly ms: number; readonly size: number; readonly text: string }

export class HubClient {
  readonly #base: string;
  readonly #cookies = new Map<string, string>();

  constructor(base: string) { this.#base = base; }

  get cookies(): ReadonlyMap<string, string> { return this.#cookies; }
  get cookieHeader(): string { return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; '); }

  /** One request, timed from sending to the last byte of the body. */
  async request(method: string, path: string, payload?: unknown): Promise<Timed> {
    const headers: Record<string, string> = {};
    if (this.#cookies.size > 0) headers.Cookie = this.cookieHeader;
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    const t0 = performance.now();
    const res = await fetch(this.#base + path, {
      method, headers, redirect: 'manual', ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
    const body = Buffer.from(await res.arrayBuffer());
    const elapsed = performance.now() - t0;
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return { status: res.status, ms: elapsed, size: body.length, text: body.toString('utf8') };
  }

  get(path: string): Promise<Timed> { return this.request('GET', path); }

  /** Logs in as admin; on a fresh database changes admin/admin's password first (the hub demands it). */
  async loginAdmin(): Promise<void> {
    let r = await this.request('POST', '/api/v2/auth/login/', { username: 'admin', password: ADMIN_PASSWORD });
    if (r.status === 200) return;
    r = await this.request('POST', '/api/v2/auth/login/', { username: 'admin', password: 'admin' });
    if (r.status !== 200) throw new Error(`admin login: ${r.status} ${r.text.slice(0, 300)}`);
    const p = await this.request('PUT', '/api/v2/profile/password/', { oldPassword: 'admin', newPassword: ADMIN_PASSWORD });
    if (p.status !== 200) throw new Error(`admin password: ${p.status} ${p.text.slice(0, 300)}`);
  }

  /** Waits until the hub has every node connected but those in `except`; returns the ms it took. */
  async waitConnected(count: number, except: readonly string[] = [], timeoutMs = 90_000): Promise<number> {
    const t0 = performance.now();
    for (;;) {
      const r = await this.get('/api/v2/summary/');
      if (r.status === 200) {
        const s = JSON.parse(r.text) as { down?: { name: string }[] };
        const down = (s.down ?? []).map((d) => d.name).filter((n) => !except.includes(n));
        if (down.length === 0) return performance.now() - t0;
        if (performance.now() - t0 > timeoutMs) throw new Error(`nodes still down after ${timeoutMs} ms: ${down.slice(0, 10).join(', ')} (${down.length}) of ${count}`);
      } else if (performance.now() - t0 > timeoutMs) {
        throw new Error(`summary: ${r.status}`);
      }
      await sleep(250);
    }
  }

  /**
   * `n` sequential GETs after `warm` untimed ones: the times and the last size. Stops early (after
   * at least 10) once `budgetMs` have passed, so a slow page cannot stretch the bench.
   */
  async series(path: string, n: number, o: { warm?: number; budgetMs?: number; min?: number } = {}): Promise<{ times: number[]; size: number }> {
    const { warm = 1, budgetMs = 20_000, min = 10 } = o;
    for (let i = 0; i < warm; i++) await this.get(path);
    const times: number[] = [];
    let size = 0;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      if (i >= min && performance.now() - t0 > budgetMs) break;
      const r = await this.get(path);
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.text.slice(0, 200)}`);
      times.push(r.ms);
      size = r.size;
    }
    return { times, size };
  }
}

// ---- the event stream --------------------------------------------------------------------------

export interface StreamMessage { readonly event: string; readonly data: unknown; readonly at: number }

/** Follows /api/v2/events/ with the client's session; every message is kept with performance.now() at arrival. */
export class EventReader {
  readonly messages: StreamMessage[] = [];
  readonly #req: http.ClientRequest;
  #buf = '';
  #listeners = new Set<() => void>();
  readonly opened: Promise<void>;

  constructor(base: string, cookie: string) {
    const url = new URL('/api/v2/events/', base);
    let opened!: () => void;
    let failed!: (e: Error) => void;
    this.opened = new Promise((resolve, reject) => { opened = resolve; failed = reject; });
    this.#req = http.get({ host: url.hostname, port: url.port, path: url.pathname, headers: { Cookie: cookie, Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) { failed(new Error(`events: HTTP ${res.statusCode}`)); res.resume(); return; }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => this.#feed(chunk));
    });
    this.#req.on('error', (e) => failed(e));
    // The stream says hello first; that is when it is open.
    this.#listeners.add(() => { if (this.messages.some((m) => m.event === 'hello')) opened(); });
  }

  #feed(chunk: string): void {
    const at = performance.now();
    this.#buf += chunk;
    let i: number;
    while ((i = this.#buf.indexOf('\n\n')) >= 0) {
      const block = this.#buf.slice(0, i);
      this.#buf = this.#buf.slice(i + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length === 0) continue;
      let parsed: unknown = null;
      try { parsed = JSON.parse(data.join('\n')); } catch { /* keep null */ }
      this.messages.push({ event, data: parsed, at });
    }
    for (const l of [...this.#listeners]) l();
  }

  /** The first message after index `from` that matches, waiting up to timeoutMs; null if none came. */
  async waitFor(from: number, match: (m: StreamMessage) => boolean, timeoutMs: number): Promise<StreamMessage | null> {
    const found = (): StreamMessage | null => this.messages.slice(from).find(match) ?? null;
    const now = found();
    if (now !== null) return now;
    return new Promise((resolve) => {
      const check = (): void => {
        const m = found();
        if (m !== null) { done(); resolve(m); }
      };
      const timer = setTimeout(() => { done(); resolve(null); }, timeoutMs);
      const done = (): void => { clearTimeout(timer); this.#listeners.delete(check); };
      this.#listeners.add(check);
    });
  }

  close(): void { this.#req.destroy(); }
}

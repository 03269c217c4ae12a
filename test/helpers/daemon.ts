// Starts a real daemon (our fleetvisord or Debian's supervisord 4.2.5) on a config in a temp dir,
// and ends it and every process it started, by pid, when the test ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fleetvisordBin, SUPERVISORD } from './paths.js';
import { waitFor } from './wait-for.js';

export type DaemonKind = 'fleetvisord' | 'supervisord';
export const supervisordAvailable = existsSync(SUPERVISORD);

interface HasAfter { after(fn: () => void | Promise<void>): void }

export interface RunningDaemon {
  readonly kind: DaemonKind;
  readonly dir: string;
  readonly conf: string;
  readonly proc: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the daemon has exited. */
  exited(): Promise<number | string>;
  /** SIGTERM, then wait (bounded) for exit; SIGKILL leftovers. Idempotent. */
  stop(): Promise<number | string>;
  mainLog(): string;
}

/** Writes `body` to dir/supervisord.conf with a [supervisord] header pointing everything into dir. */
export function writeConf(dir: string, body: string, supervisordExtra = ''): string {
  const conf = join(dir, 'supervisord.conf');
  writeFileSync(conf, `[supervisord]
logfile=${dir}/main.log
pidfile=${dir}/daemon.pid
childlogdir=${dir}
nodaemon=true
silent=true
loglevel=info
${supervisordExtra}
${body}`);
  return conf;
}

export function daemonCommand(kind: DaemonKind, conf: string, extra: readonly string[] = []): [string, string[]] {
  return kind === 'fleetvisord'
    ? [process.execPath, [fleetvisordBin, '-c', conf, ...extra]]
    : [SUPERVISORD, ['-c', conf, ...extra]];
}

/** Every live descendant pid of `root` (children first found through /proc ppid links). */
export function descendants(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try { stat = readFileSync(`/proc/${name}/stat`, 'utf8'); } catch { continue; }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = parents.get(ppid) ?? [];
    list.push(Number(name));
    parents.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const child of parents.get(pid) ?? []) { out.push(child); queue.push(child); }
  }
  return out;
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export function startDaemon(t: HasAfter, kind: DaemonKind, dir: string, conf: string, extra: readonly string[] = []): RunningDaemon {
  const [cmd, args] = daemonCommand(kind, conf, extra);
  const proc = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const exit = new Promise<number | string>((resolve) => {
    proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  const pid = proc.pid ?? -1;
  let known: number[] = [];
  // Remember descendants while the daemon lives: if it dies first they are re-parented.
  const watcher = setInterval(() => {
    for (const d of descendants(pid)) if (!known.includes(d)) known.push(d);
  }, 100);
  let stopping: Promise<number | string> | null = null;
  const stop = (): Promise<number | string> => {
    stopping ??= (async () => {
      if (isAlive(pid)) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
      const timeout = new Promise<string>((r) => setTimeout(() => r('timeout'), 20_000).unref());
      let result = await Promise.race([exit, timeout]);
      if (result === 'timeout') {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
        result = await exit;
      }
      clearInterval(watcher);
      known = [...new Set([...known, ...descendants(pid)])];
      for (const d of known) if (isAlive(d)) { try { process.kill(d, 'SIGKILL'); } catch { /* gone */ } }
      return result;
    })();
    return stopping;
  };
  t.after(async () => { await stop(); });
  return {
    kind, dir, conf, proc, pid,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    stop,
    mainLog: () => { try { return readFileSync(join(dir, 'main.log'), 'utf8'); } catch { return ''; } },
  };
}

/** Main-log lines without the timestamp: "INFO spawned: 'x' with pid 123". */
export function logLines(text: string): string[] {
  return text.split('\n').filter((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} /.test(l)).map((l) => l.slice(24));
}

/** Waits until the main log has a line matching re; returns all lines. */
export async function waitForLog(d: RunningDaemon, re: RegExp, timeoutMs = 15_000): Promise<string[]> {
  await waitFor(() => logLines(d.mainLog()).some((l) => re.test(l)), { timeoutMs, what: `${d.kind} log line ${re}` });
  return logLines(d.mainLog());
}

// The checks behind readiness and health checks: a TCP connect, an HTTP GET (2xx; 3xx too for
// health), a shell command (exit 0). Each answers null when it passed, or why it did not, within a
// time limit; none throws. HTTP goes through the global fetch (undici), so the process core still
// imports no HTTP module.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import type { TcpTarget } from '../config/types.js';

export type ProbeResult = string | null;

export function tcpProbe(target: TcpTarget, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const done = (result: ProbeResult): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(`no connection to ${target.host}:${target.port} within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done(null));
    socket.once('error', (err: NodeJS.ErrnoException) => done(`${target.host}:${target.port}: ${err.code ?? err.message}`));
  });
}

export async function httpProbe(url: string, timeoutMs: number, okRedirects: boolean): Promise<ProbeResult> {
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs), headers: { 'User-Agent': 'fleetvisord' } });
    await res.body?.cancel();
    if (res.status >= 200 && res.status < 300) return null;
    if (okRedirects && res.status >= 300 && res.status < 400) return null;
    return `${url}: HTTP ${res.status}`;
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return `${url}: no answer within ${timeoutMs} ms`;
    return `${url}: ${e.cause?.code ?? (err instanceof Error ? err.message : String(err))}`;
  }
}

/** `/bin/sh -c command` in `cwd` with `env`; killed (its whole group) when it overruns. */
export function commandProbe(command: string, opts: { cwd: string | null; env: Readonly<Record<string, string>>; timeoutMs: number }): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: opts.cwd ?? undefined, env: { ...opts.env }, stdio: 'ignore', detached: true,
    });
    const finish = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      try { if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      finish(`${JSON.stringify(command)} did not finish within ${opts.timeoutMs} ms`);
    }, opts.timeoutMs);
    child.once('error', (err: NodeJS.ErrnoException) => finish(`${JSON.stringify(command)}: ${err.code ?? err.message}`));
    child.once('exit', (code, signal) => finish(code === 0 ? null : `${JSON.stringify(command)} exited ${signal === null ? `with status ${String(code)}` : `on ${signal}`}`));
  });
}

// fleetvisord's own [program:x] options, which supervisord 4.2.5 ignores (it reads only the keys it
// knows), so one config file serves both: depends_on, the ready_* readiness checks, backoff_max_secs,
// fatal_retry_secs, the healthcheck_* checks, memory_limit and environment_file. Each is read per
// process (so %(process_num)s may pick a port) and checked as strictly as supervisord's own keys.
import { isAbsolute, resolve } from 'node:path';
import * as dt from './datatypes.js';
import { ValueError } from './errors.js';
import type { SectionReader } from './context.js';
import { NO_EXTRAS, type HealthCheckConfig, type ProcessExtras, type ReadinessConfig, type TcpTarget } from './types.js';

type Expansions = Map<string, string | number>;

/** The keys of this file, for "is any of them set" without reading each. */
export const EXTENSION_KEYS = [
  'depends_on', 'ready_tcp', 'ready_http', 'ready_command', 'ready_log', 'ready_timeout', 'backoff_max_secs',
  'fatal_retry_secs', 'healthcheck_http', 'healthcheck_tcp', 'healthcheck_command', 'healthcheck_interval',
  'healthcheck_timeout', 'healthcheck_retries', 'healthcheck_action', 'memory_limit', 'environment_file',
] as const;

/** `host:port`, `[v6]:port` or a bare port (on 127.0.0.1). */
export function tcpTarget(s: string): TcpTarget {
  const t = s.trim();
  const m = /^(?:\[([^\]]+)\]|([^:\s]*)):(\d+)$/.exec(t) ?? /^()()(\d+)$/.exec(t);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ValueError(`${JSON.stringify(s)} is not a host:port (port from 1 to 65535)`);
  }
  const host = m[1] ?? (m[2] === '' || m[2] === undefined ? '127.0.0.1' : m[2]);
  return { host, port };
}

export function httpUrl(s: string): string {
  let u: URL;
  try { u = new URL(s.trim()); } catch { throw new ValueError(`${JSON.stringify(s)} is not a URL`); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ValueError(`${JSON.stringify(s)} is not an http:// or https:// URL`);
  return u.href;
}

export function regexSource(s: string): string {
  try {
    new RegExp(s);
  } catch (err) {
    throw new ValueError(`${JSON.stringify(s)} is not a regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
  return s;
}

function atLeast(min: number): (s: string) => number {
  return (s) => {
    const n = dt.integer(s);
    if (n < min) throw new ValueError(`${n} is less than ${min}`);
    return n;
  };
}

export function healthAction(s: string): 'restart' | 'report' {
  const v = s.trim().toLowerCase();
  if (v === 'restart' || v === 'report') return v;
  throw new ValueError(`${JSON.stringify(s)} is not restart or report`);
}

/** Comma-separated names, blanks allowed around them. */
export function nameList(s: string): string[] {
  return s.split(',').map((n) => n.trim()).filter((n) => n !== '').map((n) => dt.processOrGroupName(n));
}

/** Reads the extension keys of one process; NO_EXTRAS when none is set (the common case). */
export function readExtensions(r: SectionReader, exp: Expansions): ProcessExtras {
  const parser = r.ctx.parser;
  if (!EXTENSION_KEYS.some((k) => parser.get(r.section, k) !== undefined)) return NO_EXTRAS;
  const opt = (key: string): string | undefined => r.optional(key, { extra: exp });
  const conv = <T>(key: string, fn: (s: string) => T): T | null => {
    const v = opt(key);
    return v === undefined ? null : r.at(key, () => fn(v), v);
  };
  const ready: ReadinessConfig = {
    tcp: conv('ready_tcp', tcpTarget),
    http: conv('ready_http', httpUrl),
    command: conv('ready_command', (s) => s),
    log: conv('ready_log', regexSource),
    timeout: conv('ready_timeout', atLeast(1)) ?? 60,
  };
  const health: HealthCheckConfig = {
    http: conv('healthcheck_http', httpUrl),
    tcp: conv('healthcheck_tcp', tcpTarget),
    command: conv('healthcheck_command', (s) => s),
    interval: conv('healthcheck_interval', atLeast(1)) ?? 10,
    timeout: conv('healthcheck_timeout', atLeast(1)) ?? 5,
    retries: conv('healthcheck_retries', atLeast(1)) ?? 3,
    action: conv('healthcheck_action', healthAction) ?? 'restart',
  };
  const envFile = conv('environment_file', (s) => {
    const optional = s.startsWith('-');
    const path = (optional ? s.slice(1) : s).trim();
    if (path === '') throw new ValueError('environment_file names no file');
    return { path: isAbsolute(path) ? path : resolve(r.ctx.here, path), optional };
  });
  return {
    depends_on: conv('depends_on', nameList) ?? [],
    ready: ready.tcp !== null || ready.http !== null || ready.command !== null || ready.log !== null ? ready : null,
    backoff_max_secs: conv('backoff_max_secs', atLeast(0)) ?? 0,
    fatal_retry_secs: conv('fatal_retry_secs', atLeast(0)) ?? 0,
    healthcheck: health.http !== null || health.tcp !== null || health.command !== null ? health : null,
    memory_limit: conv('memory_limit', dt.byteSize) ?? 0,
    environment_file: envFile,
  };
}

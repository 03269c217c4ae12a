// Test fixtures for the web UI and /metrics: a daemon (ours or supervisord) with an HTTP server,
// a plain node:http client for inet or unix targets (no redirect following), form helpers, and
// a strict check of the Prometheus text exposition format.
import { chmodSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { startDaemon, writeConf, type DaemonKind, type RunningDaemon } from '../../helpers/daemon.js';
import { programsDir } from '../../helpers/paths.js';
import { freePort } from '../../helpers/ports.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait-for.js';

interface HasAfter { after(fn: () => void | Promise<void>): void }

export type Target = { readonly port: number } | { readonly socketPath: string };

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly auth?: string | null;
}

/** One request on its own connection; resolves with the whole answer. */
export function httpRequest(target: Target, path: string, opts: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) {
      headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
      headers['Content-Length'] = String(Buffer.byteLength(opts.body));
    }
    const req = request({
      ...('port' in target ? { host: '127.0.0.1', port: target.port } : { socketPath: target.socketPath }),
      path, method: opts.method ?? 'GET', agent: false, headers,
      ...(opts.auth ? { auth: opts.auth } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export interface UiDaemon {
  readonly daemon: RunningDaemon;
  readonly dir: string;
  readonly target: Target;
  readonly auth: string | null;
  get(path: string, opts?: RequestOptions): Promise<Reply>;
  /** A form POST (urlencoded fields) to `path`. */
  post(path: string, fields: Record<string, string>, opts?: RequestOptions): Promise<Reply>;
  /** statename of a process, read over /RPC2. */
  state(namespec: string): Promise<string>;
  waitState(namespec: string, statename: string): Promise<void>;
}

export interface UiDaemonOptions {
  readonly kind?: DaemonKind;
  readonly unix?: boolean;
  readonly credentials?: { readonly username: string; readonly password: string };
  /** Leave out [rpcinterface:supervisor] (the web UI does not need it). */
  readonly withoutRpcInterface?: boolean;
}

/** The fixture program at `name` with args, as a command= line. */
export function program(name: string, ...args: string[]): string {
  return [process.execPath, join(programsDir, name), ...args].join(' ');
}

/** A [program:name] section running the forever.js fixture, with extra `key=value` lines. */
export function forever(name: string, ...lines: string[]): string {
  return [`[program:${name}]`, `command=${program('forever.js')}`, ...lines, ''].join('\n');
}

/** Two programs whose start fails before any spawn: no such file, and not executable (see writeNotExecutable). */
export const UNSTARTABLE = `
[program:missing]
command=/nonexistent/program
autostart=false

[program:noexec]
command=%(here)s/not-executable
autostart=false
`;

/** The file the `noexec` program of UNSTARTABLE names: present, but without an execute bit. */
export function writeNotExecutable(dir: string): void {
  writeFileSync(join(dir, 'not-executable'), '#!/bin/sh\n');
  chmodSync(join(dir, 'not-executable'), 0o644);
}

export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** The CSRF token the status page embeds in its main form. */
export function tokenOf(html: string): string {
  const m = /name="csrf_token" value="([^"]+)"/.exec(html);
  if (m === null || m[1] === undefined) throw new Error('no csrf_token in the page');
  return m[1];
}

/** The message of a redirect Location (`/?message=...`), decoded. */
export function messageOf(reply: Reply): string {
  const location = reply.headers.location;
  if (typeof location !== 'string') throw new Error(`no Location (status ${reply.status})`);
  const m = /\/\?message=(.*)$/.exec(location);
  if (m === null || m[1] === undefined) throw new Error(`not a message redirect: ${location}`);
  return decodeURIComponent(m[1]);
}

/** A daemon whose server (inet on a free port, or a unix socket in its dir) answers /ok.html. */
export async function startUiDaemon(t: HasAfter, programs: string, opts: UiDaemonOptions = {}): Promise<UiDaemon> {
  const dir = makeTmpDir(t, 'fv-ui-');
  const creds = opts.credentials ? `username=${opts.credentials.username}\npassword=${opts.credentials.password}\n` : '';
  let target: Target;
  let server: string;
  if (opts.unix) {
    target = { socketPath: join(dir, 'ui.sock') };
    server = `[unix_http_server]\nfile=${target.socketPath}\n${creds}`;
  } else {
    const port = await freePort();
    target = { port };
    server = `[inet_http_server]\nport=127.0.0.1:${port}\n${creds}`;
  }
  const rpcinterface = opts.withoutRpcInterface ? ''
    : '[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n';
  const conf = writeConf(dir, `${server}\n${rpcinterface}\n${programs}`);
  const daemon = startDaemon(t, opts.kind ?? 'fleetvisord', dir, conf);
  const auth = opts.credentials ? `${opts.credentials.username}:${opts.credentials.password}` : null;
  const withAuth = (o: RequestOptions = {}): RequestOptions => ({ auth, ...o });
  let exited: number | string | null = null;
  void daemon.exited().then((code) => { exited = code; });
  await waitFor(async () => {
    if (exited !== null) throw new Error(`${daemon.kind} exited (${exited}): ${daemon.stderr()}${daemon.mainLog()}`);
    try {
      return (await httpRequest(target, '/ok.html', withAuth())).status === 200;
    } catch {
      return false;
    }
  }, { timeoutMs: 20_000, what: `${daemon.kind} to serve /ok.html` });
  const state = async (namespec: string): Promise<string> => {
    const escaped = namespec.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const xml = `<?xml version="1.0"?><methodCall><methodName>supervisor.getProcessInfo</methodName><params><param><value><string>${escaped}</string></value></param></params></methodCall>`;
    const r = await httpRequest(target, '/RPC2', withAuth({ method: 'POST', body: xml, headers: { 'Content-Type': 'text/xml' } }));
    return /<name>statename<\/name>\s*<value><string>([A-Z]+)<\/string>/.exec(r.body)?.[1] ?? `no state in ${r.body}`;
  };
  return {
    daemon, dir, target, auth,
    get: (path, o) => httpRequest(target, path, withAuth(o)),
    post: (path, fields, o) => httpRequest(target, path, withAuth({ method: 'POST', body: formBody(fields), ...o })),
    state,
    waitState: (namespec, statename) => waitFor(async () => (await state(namespec)) === statename, {
      timeoutMs: 20_000, what: `${namespec} to be ${statename}`,
    }),
  };
}

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
  /** The value of the one sample of `name` with exactly these labels (undefined when absent). */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    const name = text.slice(i, eq);
    if (eq < 0 || !LABEL_NAME.test(name) || text[eq + 1] !== '"') throw new Error(`bad label in: ${line}`);
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`bad escape in: ${line}`);
      } else {
        value += text[j];
      }
    }
    if (j >= text.length) throw new Error(`unterminated label value in: ${line}`);
    if (name in labels) throw new Error(`repeated label ${name} in: ${line}`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (i < text.length) throw new Error(`bad label separator in: ${line}`);
  }
  return labels;
}

/**
 * Parses the text format (version 0.0.4) strictly: HELP/TYPE comment syntax, one TYPE per family
 * and before its samples, valid names, label syntax and escapes, float values, no duplicate series,
 * the samples of a family together, counters ending in _total.
 */
export function parseExposition(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const seen = new Set<string>();
  const closed = new Set<string>();
  let current: string | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (m === null) continue; // a plain comment
      const [, kind, name = '', rest = ''] = m;
      if (!METRIC_NAME.test(name)) throw new Error(`bad metric name: ${line}`);
      if (kind === 'TYPE') {
        if (types.has(name)) throw new Error(`second TYPE for ${name}`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`bad type: ${line}`);
        if (rest === 'counter' && !name.endsWith('_total')) throw new Error(`counter without _total: ${name}`);
        types.set(name, rest);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (m === null) throw new Error(`bad sample line: ${line}`);
    const [, name = '', labelText = '', valueText = ''] = m;
    if (!types.has(name)) throw new Error(`sample before (or without) its TYPE: ${line}`);
    if (name !== current) {
      if (closed.has(name)) throw new Error(`samples of ${name} are not together`);
      if (current !== null) closed.add(current);
      current = name;
    }
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    if (Number.isNaN(value) && valueText !== 'NaN') throw new Error(`bad value: ${line}`);
    const labels = parseLabels(labelText, line);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`duplicate series: ${line}`);
    seen.add(key);
    samples.push({ name, labels, value });
  }
  return {
    types, samples,
    value(name, labels = {}) {
      const want = JSON.stringify(Object.entries(labels).sort());
      return samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want)?.value;
    },
  };
}

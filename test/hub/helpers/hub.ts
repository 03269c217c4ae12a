// A hub for tests: a cesi.conf written into a temp dir (fast polls, short timeouts, bcrypt cost 4,
// a database in the dir), started in this process on 127.0.0.1:0 and closed when the test ends;
// and an HTTP client with a cookie jar that logs in, reads the CSRF token of pages, and calls the API.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HubNodeConfig } from '../../../hub/config/types.js';
import { startHub, type RunningHub } from '../../../hub/serve.js';
import type { LoginLimits } from '../../../hub/web/context.js';
import { makeTmpDir } from '../../helpers/tmp.js';

interface HasAfter { after(fn: () => void | Promise<void>): void }

export interface TestHub {
  readonly hub: RunningHub;
  readonly url: string;
  readonly dir: string;
  readonly conf: string;
  readonly logLines: string[];
  client(): HubClient;
  /** A client logged in as admin, the first password already changed to ADMIN_PASSWORD. */
  admin(): Promise<HubClient>;
}

export const ADMIN_PASSWORD = 'admin-pass-1';

/** A [node:x] section for a test node (credentials quoted, so ; and # survive the ini reader). */
export function nodeSection(n: HubNodeConfig): string {
  const lines = [`[node:${n.name}]`, `url = ${n.url}`];
  if (n.username !== null) lines.push(`username = ${JSON.stringify(n.username)}`);
  if (n.password !== null) lines.push(`password = ${JSON.stringify(n.password)}`);
  if (n.tlsCa !== null) lines.push(`tls_ca = ${n.tlsCa}`);
  return lines.join('\n');
}

export function hubConf(dir: string, nodes: readonly HubNodeConfig[], envs: Record<string, readonly string[]>, extra = ''): string {
  return `[cesi]
database = ${join(dir, 'hub.db')}
activity_log = ${join(dir, 'activity.log')}
host = 127.0.0.1
port = 0
name = Test <hub>
poll_interval = 0.3
stats_interval = 1
connect_timeout = 1
call_timeout = 2
bcrypt_rounds = 4

${nodes.map(nodeSection).join('\n\n')}

${Object.entries(envs).map(([name, members]) => `[environment:${name}]\nmembers = ${members.join(', ')}`).join('\n\n')}
${extra}
`;
}

export async function startTestHub(t: HasAfter, nodes: readonly HubNodeConfig[], envs: Record<string, readonly string[]> = {},
  opts: { extra?: string; loginLimits?: LoginLimits } = {}): Promise<TestHub> {
  const dir = makeTmpDir(t, 'fv-hub-');
  const conf = join(dir, 'cesi.conf');
  writeFileSync(conf, hubConf(dir, nodes, envs, opts.extra));
  const logLines: string[] = [];
  const hub = await startHub({ configFile: conf, log: (l) => logLines.push(l), ...(opts.loginLimits ? { loginLimits: opts.loginLimits } : {}) });
  t.after(() => hub.close());
  const th: TestHub = {
    hub, url: hub.url, dir, conf, logLines,
    client: () => new HubClient(hub.url),
    admin: async () => {
      const c = new HubClient(hub.url);
      let r = await c.api('POST', '/api/v2/auth/login/', { username: 'admin', password: ADMIN_PASSWORD });
      if (r.status !== 200) {
        r = await c.api('POST', '/api/v2/auth/login/', { username: 'admin', password: 'admin' });
        if (r.status !== 200) throw new Error(`admin login: ${r.status} ${r.text}`);
        const p = await c.api('PUT', '/api/v2/profile/password/', { oldPassword: 'admin', newPassword: ADMIN_PASSWORD });
        if (p.status !== 200) throw new Error(`admin password: ${p.status} ${p.text}`);
      }
      return c;
    },
  };
  return th;
}

export interface HubResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body as JSON (undefined when it is not JSON). */
  readonly json: unknown;
}

/** What the API answered, as a loose record (tests assert on it). */
export function body(r: HubResponse): Record<string, unknown> {
  if (typeof r.json !== 'object' || r.json === null) throw new Error(`not a JSON object: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json as Record<string, unknown>;
}

export class HubClient {
  readonly #base: string;
  readonly #cookies = new Map<string, string>();
  bearer: string | null = null;

  constructor(base: string) { this.#base = base; }

  get cookieHeader(): string { return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; '); }

  async request(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<HubResponse> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.#cookies.size > 0) headers.Cookie = this.cookieHeader;
    if (this.bearer !== null) headers.Authorization = `Bearer ${this.bearer}`;
    const res = await fetch(this.#base + path, { method, headers, redirect: 'manual', ...(init.body === undefined ? {} : { body: init.body }) });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    const text = await res.text();
    let json: unknown;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, headers: res.headers, text, json };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<HubResponse> { return this.request('GET', path, { headers }); }

  api(method: string, path: string, payload?: unknown, headers: Record<string, string> = {}): Promise<HubResponse> {
    return this.request(method, path, payload === undefined ? { headers } : { body: JSON.stringify(payload), headers: { 'Content-Type': 'application/json', ...headers } });
  }

  /** POSTs a page form with the CSRF token of `from` (a page rendered for this session). */
  async form(path: string, fields: Record<string, string | string[]>, from = '/profile'): Promise<HubResponse> {
    const page = await this.get(from);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (token === undefined) throw new Error(`no CSRF token on ${from}: ${page.status}`);
    return this.postForm(path, { _csrf: token, ...fields });
  }

  postForm(path: string, fields: Record<string, string | string[]>): Promise<HubResponse> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
    return this.request('POST', path, { body: params.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  }

  /** Logs in through the API; returns the status. */
  async login(username: string, password: string): Promise<number> {
    return (await this.api('POST', '/api/v2/auth/login/', { username, password })).status;
  }
}

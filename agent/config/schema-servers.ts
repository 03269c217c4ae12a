// [inet_http_server*] and [unix_http_server*] sections (matched by prefix, inet first, as
// supervisord builds them), with the username/password pairing rule.
import * as dt from './datatypes.js';
import { SectionReader, type LoadContext } from './context.js';
import { ValueError } from './errors.js';
import { pyAbspath, pyStrip } from './python.js';
import type { HttpServerConfig } from './types.js';

function credentials(r: SectionReader): { username: string | null; password: string | null } {
  const username = r.optional('username') ?? null;
  const password = r.optional('password') ?? null;
  if ((username === null) !== (password === null)) {
    throw r.error(`Section [${r.section}] contains incomplete authentication: If a username or a password is `
      + 'specified, both the username and password must be specified', username === null ? 'password' : 'username');
  }
  return { username, password };
}

function inetServer(ctx: LoadContext, section: string): HttpServerConfig {
  const r = new SectionReader(ctx, section, new Map());
  const creds = credentials(r);
  const port = r.optional('port');
  if (port === undefined) throw r.error(`section [${section}] has no port value`);
  const addr = r.at('port', () => dt.inetAddress(port), port);
  return { section, kind: 'inet', host: addr.host, port: addr.port, ...creds };
}

function unixServer(ctx: LoadContext, section: string, cwd: string): HttpServerConfig {
  const r = new SectionReader(ctx, section, new Map());
  const file = r.optional('file', { extra: new Map([['here', ctx.here]]) });
  if (file === undefined) throw r.error(`section [${section}] has no file value`);
  const abs = pyAbspath(dt.expandUser(pyStrip(file), ctx.pathEnv), cwd);
  const creds = credentials(r);
  const chownRaw = r.optional('chown');
  const chown = chownRaw === undefined ? null : r.at('chown', () => {
    try { return dt.userAndGroup(chownRaw, ctx.users); } catch { throw new ValueError(`Invalid sockchown value ${chownRaw}`); }
  }, chownRaw);
  const chmodRaw = r.optional('chmod');
  const chmod = chmodRaw === undefined ? 0o700 : r.at('chmod', () => {
    try { return dt.octal(chmodRaw); } catch { throw new ValueError(`Invalid chmod value ${chmodRaw}`); }
  }, chmodRaw);
  return { section, kind: 'unix', file: abs, chmod, chown, ...creds };
}

/** All server sections: every [inet_http_server*] first, then every [unix_http_server*]. */
export function readServers(ctx: LoadContext, cwd: string): HttpServerConfig[] {
  const names = ctx.parser.sections();
  return [
    ...names.filter((s) => s.startsWith('inet_http_server')).map((s) => inetServer(ctx, s)),
    ...names.filter((s) => s.startsWith('unix_http_server')).map((s) => unixServer(ctx, s, cwd)),
  ];
}

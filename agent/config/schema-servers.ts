// [inet_http_server*] and [unix_http_server*] sections (matched by prefix, inet first, as
// supervisord builds them), with the username/password pairing rule, and our TLS keys of inet servers.
import * as dt from './datatypes.js';
import { SectionReader, type LoadContext } from './context.js';
import { ValueError } from './errors.js';
import { pyAbspath } from '../python/posixpath.js';
import { pyStrip } from '../python/str.js';
import { checkKeyPair, pemCertificate, readPemFile, validityWarning } from './tls-files.js';
import type { HttpServerConfig, InetTlsConfig } from './types.js';

function credentials(r: SectionReader): { username: string | null; password: string | null } {
  const username = r.optional('username') ?? null;
  const password = r.optional('password') ?? null;
  if ((username === null) !== (password === null)) {
    throw r.error(`Section [${r.section}] contains incomplete authentication: If a username or a password is `
      + 'specified, both the username and password must be specified', username === null ? 'password' : 'username');
  }
  return { username, password };
}

/** A tls_* path (%(here)s and ~ expanded, relative to cwd like `file`); null when not set or empty. */
function tlsPath(ctx: LoadContext, r: SectionReader, key: string, cwd: string): string | null {
  const raw = r.optional(key, { extra: new Map([['here', ctx.here]]) });
  if (raw === undefined || pyStrip(raw) === '') return null;
  return pyAbspath(dt.expandUser(pyStrip(raw), ctx.pathEnv), cwd);
}

/**
 * tls_cert + tls_key (both or neither) and tls_client_ca (only with them): ours, ignored by
 * supervisord 4.2.5. The files are read and checked now, so a bad one stops the start (or a reread).
 */
function inetTls(ctx: LoadContext, r: SectionReader, cwd: string): InetTlsConfig | null {
  const certFile = tlsPath(ctx, r, 'tls_cert', cwd);
  const keyFile = tlsPath(ctx, r, 'tls_key', cwd);
  const clientCaFile = tlsPath(ctx, r, 'tls_client_ca', cwd);
  if (certFile === null && keyFile === null) {
    if (clientCaFile !== null) throw r.error(`section [${r.section}] has tls_client_ca but no tls_cert and tls_key`, 'tls_client_ca');
    return null;
  }
  if (keyFile === null) throw r.error(`section [${r.section}] has tls_cert but no tls_key`, 'tls_cert');
  if (certFile === null) throw r.error(`section [${r.section}] has tls_key but no tls_cert`, 'tls_key');
  const cert = r.at('tls_cert', () => readPemFile('tls_cert', certFile));
  const key = r.at('tls_key', () => readPemFile('tls_key', keyFile));
  r.at('tls_cert', () => pemCertificate('tls_cert', certFile, cert));
  r.at('tls_key', () => checkKeyPair(certFile, cert, keyFile, key));
  let clientCa: string | null = null;
  if (clientCaFile !== null) {
    const text = r.at('tls_client_ca', () => readPemFile('tls_client_ca', clientCaFile));
    r.at('tls_client_ca', () => pemCertificate('tls_client_ca', clientCaFile, text));
    clientCa = text;
  }
  const warning = validityWarning(certFile, cert);
  if (warning !== null) ctx.warnings.push(`[${r.section}] ${warning}`);
  return { certFile, keyFile, cert, key, clientCaFile, clientCa };
}

function inetServer(ctx: LoadContext, section: string, cwd: string): HttpServerConfig {
  const r = new SectionReader(ctx, section, new Map());
  const creds = credentials(r);
  const port = r.optional('port');
  if (port === undefined) throw r.error(`section [${section}] has no port value`);
  const addr = r.at('port', () => dt.inetAddress(port), port);
  const tls = inetTls(ctx, r, cwd);
  return { section, kind: 'inet', host: addr.host, port: addr.port, ...creds, ...(tls === null ? {} : { tls }) };
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
    ...names.filter((s) => s.startsWith('inet_http_server')).map((s) => inetServer(ctx, s, cwd)),
    ...names.filter((s) => s.startsWith('unix_http_server')).map((s) => unixServer(ctx, s, cwd)),
  ];
}

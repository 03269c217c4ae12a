// Where a node's XML-RPC server is, as one normalised URL: from a `url` key (http, https or unix socket)
// or from cesi's `host` + `port` keys, where host may be a bare name, an IPv6 literal or a scheme with a path.

import { withoutCredentials } from './errors.js';

type Fail = (message: string) => never;

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;
const FORMS = 'http://host:port, https://host:port/prefix or unix:///path/to.sock';

/**
 * `http(s)://host[:port][/prefix]` or `unix:///abs/path.sock`, checked and written back without a
 * trailing slash, with lowercase scheme and host, IPv6 in brackets, and the port exactly when one was given.
 */
export function normaliseNodeUrl(raw: string, fail: Fail, what = 'url'): string {
  const value = raw.trim();
  const match = SCHEME.exec(value);
  const scheme = match?.[1]?.toLowerCase();
  const rest = match?.[2] ?? '';
  if (scheme === 'unix') {
    const socket = rest.replace(/\/+$/, '');
    if (!socket.startsWith('/')) return fail(`a unix ${what} needs an absolute path: unix:///path/to.sock`);
    return `unix://${socket}`;
  }
  if (scheme !== 'http' && scheme !== 'https') return fail(`${what} must look like ${FORMS}`);
  const authority = /^[^/?#]*/.exec(rest)?.[0] ?? '';
  if (authority.includes('@')) {
    return fail(`${what} must not hold a user name or password: use the username and password keys (${what} without them: ${withoutCredentials(value)})`);
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return fail(`${what} is not a valid URL (expected ${FORMS})`);
  }
  if (parsed.search !== '' || parsed.hash !== '' || /[?#]/.test(rest)) return fail(`${what} cannot have a query (?) or fragment (#)`);
  const { port } = splitAuthority(authority, fail, what);
  return `${scheme}://${parsed.hostname}${port === null ? '' : `:${port}`}${parsed.pathname.replace(/\/+$/, '')}`;
}

/**
 * cesi's `host` and `port`: `web1` or `::1` give `http://web1:9001` and `http://[::1]:9001`;
 * `https://web1/sup` with port 9001 gives `https://web1:9001/sup`.
 */
export function nodeUrlFromHost(host: string, port: number, failHost: Fail, failPort: Fail): string {
  const value = host.trim();
  const match = SCHEME.exec(value);
  const scheme = match === null ? 'http' : (match[1] ?? '').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return failHost('host may start with http:// or https:// only');
  const rest = match === null ? value : (match[2] ?? '');
  const cut = rest.search(/[/?#]/);
  const authority = cut < 0 ? rest : rest.slice(0, cut);
  const tail = cut < 0 ? '' : rest.slice(cut);
  if (authority.includes('@')) return failHost('host must not hold a user name or password: use the username and password keys');
  if (match === null && tail !== '') return failHost('a host with a path needs a scheme: http://host/path or https://host/path');
  const split = splitAuthority(authority, failHost, 'host');
  if (split.hostname === '') return failHost('host must not be empty');
  if (split.port !== null && Number(split.port) !== port) return failPort(`port ${port} differs from the port in host (${split.port})`);
  return normaliseNodeUrl(`${scheme}://${split.hostname}:${port}${tail}`, failHost, 'host');
}

/** `name`, `name:port`, `[v6]`, `[v6]:port`, or a bare IPv6 literal (two colons or more), which gets brackets. */
function splitAuthority(authority: string, fail: Fail, what: string): { hostname: string; port: string | null } {
  let hostname = authority;
  let port: string | null = null;
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    const after = end < 0 ? '' : authority.slice(end + 1);
    if (end < 0 || (after !== '' && !after.startsWith(':'))) return fail(`${what} has a malformed IPv6 address`);
    hostname = authority.slice(0, end + 1);
    port = after === '' ? null : after.slice(1);
  } else {
    const colons = authority.split(':').length - 1;
    if (colons >= 2) hostname = `[${authority}]`;
    else if (colons === 1) {
      const at = authority.indexOf(':');
      hostname = authority.slice(0, at);
      port = authority.slice(at + 1);
    }
  }
  if (port === '' || port === null) return { hostname, port: null };
  const n = /^\d+$/.test(port) ? Number(port) : NaN;
  if (!(n >= 1 && n <= 65535)) return fail(`the port in ${what} must be an integer from 1 to 65535`);
  return { hostname, port: String(n) };
}

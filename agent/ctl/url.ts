// Server URLs as supervisorctl reads them: Python's urlsplit rules for the `-s` check and for
// `open`, and the mapping of a serverurl to the address our RPC client dials. Pure.
import { resolve } from 'node:path';
import { pyRepr } from '../python/repr.js';
import { CtlUnexpected } from './errors.js';

export interface SplitUrl {
  readonly scheme: string;
  readonly netloc: string;
  readonly path: string;
}

const SCHEME_CHARS = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/** Python's urllib.parse.urlsplit, reduced to scheme, netloc and path. */
export function splitUrl(url: string): SplitUrl {
  let rest = url;
  let scheme = '';
  const colon = rest.indexOf(':');
  if (colon > 0 && SCHEME_CHARS.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const m = /[/?#]/.exec(rest.slice(2));
    const end = m === null ? rest.length : m.index + 2;
    netloc = rest.slice(2, end);
    rest = rest.slice(end);
  }
  const cut = /[?#]/.exec(rest);
  return { scheme, netloc, path: cut === null ? rest : rest.slice(0, cut.index) };
}

/** supervisor's datatypes.url: the message, or null when the value is a URL. */
export function urlProblem(value: string): string | null {
  const u = splitUrl(value);
  if (u.scheme !== '' && (u.netloc !== '' || u.path !== '')) return null;
  return `value ${pyRepr(value)} is not a URL`;
}

/** Where a serverurl points, in the form the RPC client and the stream client take. */
export interface Endpoint {
  /** `http://host:port`, `https://host:port` or `unix:///abs/path`. */
  readonly url: string;
  /** What the streaming client sends as Host: `host:port` as written, or '' for unix. */
  readonly hostHeader: string;
}

/**
 * The endpoint of a serverurl, with supervisorctl's errors for what its transport rejects:
 * only `http://` and `unix://` (case-sensitive), a numeric port (default 80), and a unix path
 * that is taken relative to the current directory when not absolute. Ours also takes `https://`
 * (default port 443), which supervisorctl refuses.
 */
export function endpointOf(serverurl: string, cwd: string = process.cwd()): Endpoint {
  if (serverurl.startsWith('unix://')) {
    return { url: `unix://${resolve(cwd, serverurl.slice(7))}`, hostHeader: '' };
  }
  const secure = serverurl.startsWith('https://');
  if (!secure && !serverurl.startsWith('http://')) {
    throw new CtlUnexpected('ValueError', `Unknown protocol for serverurl ${serverurl}`);
  }
  const { netloc } = splitUrl(serverurl);
  const hostport = netloc.slice(netloc.lastIndexOf('@') + 1);
  const m = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostport);
  const host = (m?.[1] ?? '').toLowerCase();
  const portText = m?.[2];
  let port = secure ? 443 : 80;
  if (portText !== undefined && portText !== '') {
    if (!/^\d+$/.test(portText)) {
      throw new CtlUnexpected('ValueError', `Port could not be cast to integer value as ${pyRepr(portText)}`);
    }
    port = Number(portText);
    if (port > 65535) throw new CtlUnexpected('ValueError', 'Port out of range 0-65535');
  }
  return { url: `${secure ? 'https' : 'http'}://${host}:${port}`, hostHeader: netloc };
}

// The `http://host[:port]` the web UI's redirects point at, as supervisord's get_server_url builds
// it from the request (https:// over TLS). Imports node:http types only.
import type { IncomingMessage } from 'node:http';

/** Host header values we repeat in a Location; anything else falls back to the socket's address. */
const PLAIN_HOST = /^[A-Za-z0-9._~\-]+(?::[0-9]*)?$|^\[[0-9A-Fa-f:.]+\](?::[0-9]*)?$/;

/** urllib's splitport: a trailing `:digits` is the port; an empty port means none (the host is kept as is). */
function splitPort(host: string): [string, string | null] {
  const m = /^(.*):([0-9]*)$/.exec(host);
  if (m === null) return [host, null];
  return m[2] ? [m[1] ?? '', m[2]] : [host, null];
}

/** Without a Host header: the bound address (supervisord uses its reverse lookup: `localhost` on loopback). */
function socketHost(req: IncomingMessage, defaultPort = 80): string {
  const addr = req.socket.localAddress;
  if (addr === undefined) return 'localhost'; // a unix socket has no address
  const port = req.socket.localPort;
  const name = addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1' ? 'localhost'
    : addr.includes(':') ? `[${addr}]` : addr;
  return port === undefined || port === defaultPort ? name : `${name}:${port}`;
}

/**
 * `http://` plus the Host header (`:80` dropped), or the server's own name and port without one;
 * `https://` (`:443` dropped) on a TLS connection (an [inet_http_server] with our tls_cert).
 */
export function serverUrl(req: IncomingMessage): string {
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  const scheme = secure ? 'https' : 'http';
  const defaultPort = secure ? 443 : 80;
  const host = (req.headers.host ?? '').trim();
  if (host === '' || !PLAIN_HOST.test(host)) return `${scheme}://${socketHost(req, defaultPort)}`;
  const [hostname, port] = splitPort(host);
  return port === null || port === String(defaultPort) ? `${scheme}://${hostname}` : `${scheme}://${hostname}:${port}`;
}

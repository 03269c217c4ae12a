// SUPERVISOR_SERVER_URL for children: the first unix server, else the first inet server, as
// supervisor/options.py ServerOptions.realize picks its serverurl.
import type { HttpServerConfig } from '../config/types.js';

export function defaultServerUrl(servers: readonly HttpServerConfig[]): string | null {
  const unix = servers.find((s) => s.kind === 'unix');
  if (unix && unix.kind === 'unix') return `unix://${unix.file}`;
  const inet = servers.find((s) => s.kind === 'inet');
  // An inet server with tls_cert (ours) serves only HTTPS, so children are told https://.
  if (inet && inet.kind === 'inet') return `${inet.tls ? 'https' : 'http'}://${inet.host === '' || inet.host === '*' ? 'localhost' : inet.host}:${inet.port}`;
  return null;
}

// [inet_http_server]: bind host:port as supervisord does (IPv4, '' = every interface, backlog
// 1024; node sets SO_REUSEADDR itself). Imports node:dns and the HTTP error helpers.
import { lookup } from 'node:dns/promises';
import type { AddressInfo, Server } from 'node:net';
import type { InetHttpServerConfig } from '../config/types.js';
import { startError } from './errors.js';
import { listenOnce } from './listen.js';

export const LISTEN_BACKLOG = 1024;

/** supervisord's AF_INET socket: a host name resolves to its IPv4 address only. */
async function bindAddress(host: string): Promise<string> {
  if (host === '') return '0.0.0.0';
  return (await lookup(host, { family: 4 })).address;
}

export async function listenInet(server: Server, config: InetHttpServerConfig): Promise<AddressInfo> {
  try {
    const host = await bindAddress(config.host);
    await listenOnce(server, { host, port: config.port, backlog: LISTEN_BACKLOG });
  } catch (err) {
    throw startError(err, config.section);
  }
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('inet server has no address');
  return address;
}

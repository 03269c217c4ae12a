// The listening socket of one [fcgi-program:x] group (supervisord's SocketManager): created when
// the first process of the group spawns, given to each as fd 0, closed when the last one exited.
// Imports config types, the logger type and the process layer's own socket/error modules.
import type { FcgiGroupConfig } from '../config/types.js';
import type { Logger } from '../logging/types.js';
import { FcgiSocketError } from './errors.js';
import { openServerSocket, SocketOsError, type OpenedSocket, type SocketAddress } from './os-socket.js';

/** Python's socket.SOMAXCONN on Linux: supervisord's listen backlog when socket_backlog is unset. */
export const DEFAULT_BACKLOG = 4096;

export interface FcgiSocketSpec {
  /** As supervisord prints it in its log lines and errors. */
  readonly url: string;
  readonly address: SocketAddress;
  readonly backlog: number;
}

/** Binds, and listens with `backlog` unless it is null; throws SocketOsError. Injected by unit tests. */
export type SocketOpener = (address: SocketAddress, backlog: number | null) => OpenedSocket;

/** The loader has already checked and normalised socket=; this only splits it. */
export function fcgiSocketSpec(config: FcgiGroupConfig): FcgiSocketSpec {
  const url = config.socket;
  const backlog = config.socket_backlog ?? DEFAULT_BACKLOG;
  if (url.startsWith('unix://')) {
    const address = { kind: 'unix', path: url.slice('unix://'.length), owner: config.socket_owner, mode: config.socket_mode } as const;
    return { url, address, backlog };
  }
  const m = /^tcp:\/\/([^\s:]+):(\d+)$/.exec(url);
  if (!m) throw new FcgiSocketError(url, 'bad socket format');
  return { url, address: { kind: 'tcp', host: m[1] ?? '', port: Number(m[2]) }, backlog };
}

export class FcgiSocket {
  readonly url: string;
  readonly #spec: FcgiSocketSpec;
  readonly #log: Logger;
  readonly #open: SocketOpener;
  #refs = 0;
  #sock: OpenedSocket | null = null;

  constructor(spec: FcgiSocketSpec, log: Logger, open: SocketOpener = openServerSocket) {
    this.url = spec.url;
    this.#spec = spec;
    this.#log = log;
    this.#open = open;
  }

  /** How many processes hold the socket (0 = closed). */
  get refCount(): number { return this.#refs; }

  /** The open socket's fd, or null while no process holds it. */
  get fd(): number | null { return this.#sock?.fd ?? null; }

  /**
   * supervisord's early get_socket() at group creation: create it once and close it again (both
   * logged), so a bad socket fails at start-up. Bind only: listen(2) cannot fail after a bind here.
   */
  check(): void {
    this.#prepare(null);
    this.release();
  }

  /** One more holder; the first one creates the socket. Returns the fd to give the child as fd 0. */
  acquire(): number {
    return this.#prepare(this.#spec.backlog);
  }

  /** One holder fewer; the last one closes the socket (and removes a unix socket's file). */
  release(): void {
    const sock = this.#sock;
    if (this.#refs <= 0 || sock === null) throw new Error(`FcgiSocket ${this.url}: release() without acquire()`);
    this.#refs -= 1;
    if (this.#refs > 0) return;
    this.#log.info(`Closing socket ${this.url}`);
    this.#sock = null;
    sock.close();
  }

  #prepare(backlog: number | null): number {
    if (this.#sock === null) {
      this.#log.info(`Creating socket ${this.url}`);
      try {
        this.#sock = this.#open(this.#spec.address, backlog);
      } catch (err) {
        if (err instanceof SocketOsError) throw new FcgiSocketError(this.url, err.message, { cause: err });
        throw err;
      }
    }
    this.#refs += 1;
    return this.#sock.fd;
  }
}

/** The group's socket, checked as supervisord checks it; throws FcgiSocketError. */
export function createFcgiSocket(config: FcgiGroupConfig, log: Logger): FcgiSocket {
  const sock = new FcgiSocket(fcgiSocketSpec(config), log);
  sock.check();
  return sock;
}

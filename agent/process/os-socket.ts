// Server sockets the daemon hands to children but never accept()s on. A net.Server would poll the
// fd and steal connections, so the socket is bound through a libuv handle that is never started,
// and listen(2) is done by fcgi-helper in a short child. Imports node:* and py-oserror only.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, statSync, unlinkSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getSystemErrorName } from 'node:util';
import { errnoCode, pyOsErrorText } from '../python/os-error.js';

export type SocketAddress =
  | {
    readonly kind: 'unix';
    readonly path: string;
    readonly owner: { readonly uid: number; readonly gid: number } | null;
    readonly mode: number | null;
  }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

export interface OpenedSocket {
  readonly fd: number;
  /** Closes the fd; a unix socket's file is removed (idempotent). */
  close(): void;
}

/** An OS-level failure; the message is what Python's str(e) would print for it. */
export class SocketOsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SocketOsError';
  }
}

/** sizeof(sun_path): libuv would silently truncate a longer path. */
const SUN_PATH_MAX = 108;
const HELPER = fileURLToPath(new URL('./fcgi-helper.js', import.meta.url));
const HELPER_TIMEOUT_MS = 15_000;

interface UvServerHandle {
  readonly fd: number;
  bind(address: string, port?: number): number;
  /** TCP only; returns libuv's error code (0 = ok). */
  getsockname?(out: object): number;
  close(): void;
}
type UvServerCtor = new (type: number) => UvServerHandle;

function isRecord(v: unknown): v is Record<string, unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null;
}

/** libuv's Pipe/TCP wrap: bind() is synchronous and starts no watcher, unlike net.Server.listen(). */
function newServerHandle(module: 'pipe_wrap' | 'tcp_wrap', cls: 'Pipe' | 'TCP'): UvServerHandle {
  const binding: unknown = Reflect.get(process, 'binding');
  const mod: unknown = typeof binding === 'function' ? binding.call(process, module) : undefined;
  const ctor = isRecord(mod) ? mod[cls] : undefined;
  const consts = isRecord(mod) ? mod['constants'] : undefined;
  const server = isRecord(consts) ? consts['SERVER'] : undefined;
  if (typeof ctor !== 'function' || typeof server !== 'number') {
    throw new SocketOsError(`this Node has no ${module} ${cls} server handle`);
  }
  return new (ctor as UvServerCtor)(server);
}

function closer(handle: UvServerHandle): () => void {
  let open = true;
  return () => {
    if (open) handle.close();
    open = false;
  };
}

interface HelperReply { ok: boolean; code: string; address: string }

function runHelper(args: readonly string[], stdin: number | 'ignore'): HelperReply {
  const r = spawnSync(process.execPath, [HELPER, ...args], {
    stdio: [stdin, 'pipe', 'pipe'], encoding: 'utf8', timeout: HELPER_TIMEOUT_MS,
  });
  if (r.error) return { ok: false, code: errnoCode(r.error, 'EIO'), address: '' };
  let parsed: unknown;
  try { parsed = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? ''); } catch { parsed = null; }
  if (!isRecord(parsed)) return { ok: false, code: r.stderr.trim() || `fcgi-helper exited ${String(r.status)}`, address: '' };
  return {
    ok: parsed['ok'] === true,
    code: typeof parsed['code'] === 'string' ? parsed['code'] : '',
    address: typeof parsed['address'] === 'string' ? parsed['address'] : '',
  };
}

/** listen(2) on `fd` with `backlog`, done in a child sharing the socket, so no watcher exists here. */
export function listenOn(fd: number, backlog: number): void {
  const r = runHelper(['listen', String(backlog)], fd);
  if (!r.ok) throw new SocketOsError(pyOsErrorText(r.code));
}

/** getaddrinfo(host, AF_INET)'s first address, as Python's socket.bind((host, port)) resolves it. */
export function resolveIPv4(host: string): string {
  if (isIPv4(host)) return host;
  const r = runHelper(['resolve', host], 'ignore');
  if (!r.ok) throw new SocketOsError(pyOsErrorText(r.code));
  return r.address;
}

/** libuv reports ENOENT from a unix bind as EACCES (for Windows' sake); recover the real errno. */
function unixBindCode(path: string, err: number): string {
  const name = getSystemErrorName(err);
  if (name !== 'EACCES') return name;
  try {
    return statSync(dirname(path)).isDirectory() ? 'EACCES' : 'ENOTDIR';
  } catch (e) {
    return errnoCode(e, 'EACCES');
  }
}

/** supervisord's UnixStreamSocketConfig.create_and_bind: unlink, bind, chown, chmod. */
function bindUnix(addr: Extract<SocketAddress, { kind: 'unix' }>): OpenedSocket {
  const { path } = addr;
  if (Buffer.byteLength(path) >= SUN_PATH_MAX) throw new SocketOsError('AF_UNIX path too long');
  if (existsSync(path)) {
    try { unlinkSync(path); } catch (e) { throw new SocketOsError(pyOsErrorText(errnoCode(e, 'EIO'), path)); }
  }
  const handle = newServerHandle('pipe_wrap', 'Pipe');
  const err = handle.bind(path);
  if (err !== 0) {
    handle.close();
    throw new SocketOsError(pyOsErrorText(unixBindCode(path, err)));
  }
  // From here on close() also removes the file (libuv unlinks the path it bound).
  const close = closer(handle);
  const step = (what: string, fn: () => void): void => {
    try { fn(); } catch (e) {
      close();
      throw new SocketOsError(`Could not change ${what} of socket file: ${pyOsErrorText(errnoCode(e, 'EIO'), path)}`);
    }
  };
  const { owner, mode } = addr;
  if (owner !== null) step('ownership', () => chownSync(path, owner.uid, owner.gid));
  if (mode !== null) step('permissions', () => chmodSync(path, mode));
  return { fd: handle.fd, close };
}

/** supervisord's InetStreamSocketConfig.create_and_bind: AF_INET, SO_REUSEADDR (libuv sets it), bind. */
function bindTcp(addr: Extract<SocketAddress, { kind: 'tcp' }>): OpenedSocket {
  const ip = resolveIPv4(addr.host);
  const handle = newServerHandle('tcp_wrap', 'TCP');
  // libuv keeps a bind's EADDRINUSE for listen(); getsockname() reports it now.
  const err = handle.bind(ip, addr.port) || (handle.getsockname?.({}) ?? 0);
  if (err !== 0) {
    handle.close();
    throw new SocketOsError(pyOsErrorText(getSystemErrorName(err)));
  }
  return { fd: handle.fd, close: closer(handle) };
}

/**
 * Creates and binds the socket, then listens with `backlog` unless it is null (a bind-only check).
 * Throws SocketOsError with Python's error text.
 */
export function openServerSocket(addr: SocketAddress, backlog: number | null): OpenedSocket {
  const sock = addr.kind === 'unix' ? bindUnix(addr) : bindTcp(addr);
  if (backlog === null) return sock;
  try {
    listenOn(sock.fd, backlog);
  } catch (err) {
    sock.close();
    throw err;
  }
  return sock;
}

// [unix_http_server]: bind a temporary `<file>.<pid>`, chmod/chown it, then hard-link it into
// place, so a live server's socket is never replaced and a stale one is. Imports node:fs,
// node:net, node:os and the HTTP error helpers.
import type { Stats } from 'node:fs';
import { chmod, chown, link, stat, unlink } from 'node:fs/promises';
import { connect, type Server } from 'node:net';
import { dirname } from 'node:path';
import { userInfo } from 'node:os';
import type { UnixHttpServerConfig } from '../config/types.js';
import { ADDRESS_IN_USE_MESSAGE, errorCode, HttpServerStartError, startError } from './errors.js';
import { closeServer, listenOnce } from './listen.js';
import { LISTEN_BACKLOG } from './listen-inet.js';

/** Unlink-and-retry rounds before giving up on a socket file that keeps reappearing. */
const MAX_STALE_RETRIES = 3;

export interface UnixListening {
  readonly path: string;
  /** Remove the socket file if it is still the one this server linked (a successor may own it now). */
  removeSocketFile(): Promise<void>;
}

export interface UnixListenOptions {
  readonly stderr: (text: string) => void;
  readonly probeTimeoutMs: number;
}

/**
 * supervisord's checkused: connect and send `GET / HTTP/1.0`. Any answer, even an immediate
 * close, means a live server; a refused or reset connection means a stale file. A peer that
 * accepts but stays silent past the timeout is counted as live: better to refuse to start than
 * to steal a working server's socket.
 */
export function probeSocket(path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(path);
    const finish = (used: boolean): void => {
      clearTimeout(timer);
      sock.removeAllListeners();
      sock.on('error', () => undefined);
      sock.destroy();
      resolve(used);
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    sock.once('connect', () => sock.write('GET / HTTP/1.0\r\n\r\n'));
    sock.once('data', () => finish(true));
    sock.once('end', () => finish(true));
    sock.once('error', () => finish(false));
  });
}

function currentUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.geteuid?.() ?? '');
  }
}

async function chownSocket(tempname: string, config: UnixHttpServerConfig): Promise<void> {
  if (config.chown === null) return;
  const { uid, gid } = config.chown;
  try {
    await chown(tempname, uid, gid);
  } catch (err) {
    if (errorCode(err) !== 'EPERM') throw err;
    throw new HttpServerStartError(
      `Not permitted to chown ${config.file} to uid/gid (${uid}, ${gid}); adjust "sockchown" value in config file `
      + `or on command line to values that the current user (${currentUserName()}) can successfully chown`,
      config.section, { cause: err });
  }
}

async function linkIntoPlace(tempname: string, config: UnixHttpServerConfig, opts: UnixListenOptions): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await link(tempname, config.file);
      return;
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err;
    }
    if (attempt >= MAX_STALE_RETRIES || await probeSocket(config.file, opts.probeTimeoutMs)) {
      throw new HttpServerStartError(ADDRESS_IN_USE_MESSAGE, config.section);
    }
    opts.stderr(`Unlinking stale socket ${config.file}\n`);
    await unlink(config.file).catch(() => undefined);
  }
}

/** libuv reports a missing directory as EACCES (for Windows' sake); Python reports ENOENT. */
async function bindError(err: unknown, path: string): Promise<unknown> {
  if (errorCode(err) !== 'EACCES') return err;
  try {
    await stat(dirname(path));
    return err;
  } catch (statErr) {
    const code = errorCode(statErr);
    return code === 'ENOENT' || code === 'ENOTDIR' ? statErr : err;
  }
}

export async function listenUnix(server: Server, config: UnixHttpServerConfig, opts: UnixListenOptions): Promise<UnixListening> {
  const tempname = `${config.file}.${process.pid}`;
  await unlink(tempname).catch(() => undefined);
  try {
    await listenOnce(server, { path: tempname, backlog: LISTEN_BACKLOG });
  } catch (err) {
    throw startError(await bindError(err, tempname), config.section);
  }
  let ours: Stats;
  try {
    await chmod(tempname, config.chmod);
    // Before the link (supervisord chowns after it): a refused chown then leaves no file behind.
    await chownSocket(tempname, config);
    await linkIntoPlace(tempname, config, opts);
    ours = await stat(config.file);
  } catch (err) {
    await closeServer(server);
    throw startError(err, config.section);
  } finally {
    await unlink(tempname).catch(() => undefined);
  }
  const { ino, dev } = ours;
  return {
    path: config.file,
    async removeSocketFile(): Promise<void> {
      try {
        const now = await stat(config.file);
        if (now.ino === ino && now.dev === dev) await unlink(config.file);
      } catch {
        // already gone: nothing to remove
      }
    },
  };
}

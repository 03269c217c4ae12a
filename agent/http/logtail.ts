// /logtail/<namespec>[/<channel>] and /mainlogtail: the last 1024 bytes of a log file, then
// every byte appended to it, across truncation and rotation, until the client or the server
// goes. Imports node:fs and the HTTP layer's own helpers; log paths come from the LogLocator.
import { once } from 'node:events';
import type { BigIntStats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyPersistence, httpDate, sendError, setCommonHeaders } from './responses.js';
import type { HttpDeps } from './types.js';
import { unquote, uriPath } from './uri.js';

/** What the stream starts with: the end of the file, as supervisord's tail_f_producer. */
const HEAD_BYTES = 1024;
/** One read, and so at most one chunk on the wire. */
const READ_BYTES = 64 * 1024;
export const TRUNCATED_MARKER = Buffer.from('==> File truncated <==\n', 'latin1');

/** The open streams of a set of servers, so that closing the servers ends them. */
export class TailStreams {
  private readonly open = new Set<LogTail>();
  private closed = false;

  /** False once closed: the caller ends the response instead of streaming. */
  add(tail: LogTail): boolean {
    if (this.closed) return false;
    this.open.add(tail);
    return true;
  }

  delete(tail: LogTail): void {
    this.open.delete(tail);
  }

  get size(): number {
    return this.open.size;
  }

  /** End every stream cleanly (the chunked terminator is sent) and refuse new ones. */
  endAll(): void {
    this.closed = true;
    for (const tail of this.open) tail.stop(true);
    this.open.clear();
  }
}

function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.ino === b.ino && a.dev === b.dev;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/**
 * One follower. Each round: if the path now names another file (rotation), drain the old file
 * to its end and switch to the new one from offset 0; then send whatever the current file has
 * beyond our offset, or the truncation marker and restart at 0 when it has shrunk below it.
 * Between rounds it sleeps pollMs; a slow reader holds it on 'drain', so memory stays bounded.
 */
export class LogTail {
  private readonly abort = new AbortController();

  constructor(
    private readonly path: string,
    private fh: FileHandle,
    private fileStat: BigIntStats,
    private pos: number,
    private readonly res: ServerResponse,
    private readonly pollMs: number,
  ) {}

  /** Stop following; with endResponse, finish the response properly (server shutdown). */
  stop(endResponse: boolean): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    if (endResponse && !this.res.destroyed && !this.res.writableEnded) {
      // The terminating chunk, then the connection itself: a closing server keeps nothing idle.
      const socket = this.res.socket;
      this.res.end(() => socket?.end(() => socket.destroy()));
    }
  }

  /** Runs until stop(); releases the file handle whatever happens. */
  async run(): Promise<void> {
    const signal = this.abort.signal;
    try {
      for (;;) {
        await this.followRotation();
        await this.drain();
        await sleep(this.pollMs, undefined, { signal });
      }
    } catch (err) {
      // An I/O error on the open file ends the stream, as supervisord's producer does on one.
      if (!isAbort(err)) this.stop(true);
    } finally {
      await this.fh.close().catch(() => undefined);
    }
  }

  private async followRotation(): Promise<void> {
    let current: BigIntStats;
    try {
      current = await stat(this.path, { bigint: true });
    } catch {
      return; // mid-rotation, the path may briefly not exist: keep the old file for now
    }
    this.checkAborted();
    if (sameFile(current, this.fileStat)) return;
    await this.drain();
    let next: FileHandle;
    try {
      next = await open(this.path, 'r');
    } catch {
      return;
    }
    if (this.abort.signal.aborted) {
      await next.close().catch(() => undefined);
      this.checkAborted();
    }
    const old = this.fh;
    this.fh = next;
    await old.close().catch(() => undefined);
    this.fileStat = await next.stat({ bigint: true });
    this.pos = 0;
    this.checkAborted();
  }

  /** Send everything between our offset and the file's current end. */
  private async drain(): Promise<void> {
    for (;;) {
      const size = Number((await this.fh.stat({ bigint: true })).size);
      this.checkAborted();
      if (size < this.pos) {
        this.pos = 0;
        await this.send(TRUNCATED_MARKER);
      }
      if (size === this.pos) return;
      const want = Math.min(size - this.pos, READ_BYTES);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await this.fh.read(buf, 0, want, this.pos);
      this.checkAborted();
      if (bytesRead === 0) return;
      this.pos += bytesRead;
      await this.send(buf.subarray(0, bytesRead));
    }
  }

  private async send(chunk: Buffer): Promise<void> {
    this.checkAborted();
    if (this.res.write(chunk)) return;
    await once(this.res, 'drain', { signal: this.abort.signal });
  }

  private checkAborted(): void {
    this.abort.signal.throwIfAborted();
  }
}

export interface LogtailContext {
  readonly deps: HttpDeps;
  readonly streams: TailStreams;
  readonly pollMs: number;
  closing(): boolean;
}

type Target = { readonly path: string } | { readonly error: 404 | 500 };

/** /logtail/<namespec>[/<channel>] -> the file, as supervisord's logtail handler resolves it. */
function locateProcessLog(uri: string, deps: HttpDeps): Target {
  // The channel already unquoted the path; medusa's handler unquotes once more if '%' is left.
  let path = uriPath(uri);
  if (path.includes('%')) path = unquote(path);
  path = path.replace(/^\/+/, '');
  const slash = path.indexOf('/');
  if (slash < 0) return { error: 500 }; // bare /logtail: supervisord fails to split it
  const rest = path.slice(slash + 1);
  const next = rest.indexOf('/');
  const namespec = next < 0 ? rest : rest.slice(0, next);
  const channel = next < 0 ? 'stdout' : rest.slice(next + 1);
  if (channel !== 'stdout' && channel !== 'stderr') return { error: 404 };
  const file = deps.logs.processLog(namespec, channel);
  if (file === null || file === 'BAD_NAME') return { error: 404 };
  return { path: file };
}

async function startTail(req: IncomingMessage, res: ServerResponse, ctx: LogtailContext, file: string, accelHeader: boolean): Promise<void> {
  let fh: FileHandle;
  let st: BigIntStats;
  try {
    // stat before open: only regular files are followed (opening a FIFO could block a thread).
    const pre = await stat(file, { bigint: true });
    if (!pre.isFile()) {
      sendError(req, res, 404, { closing: ctx.closing() });
      return;
    }
    fh = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    sendError(req, res, code === 'ENOENT' || code === 'ENOTDIR' ? 404 : 500, { closing: ctx.closing() });
    return;
  }
  try {
    st = await fh.stat({ bigint: true });
  } catch {
    await fh.close().catch(() => undefined);
    sendError(req, res, 500, { closing: ctx.closing() });
    return;
  }
  if (res.destroyed) {
    await fh.close().catch(() => undefined);
    return;
  }
  const size = Number(st.size);
  setCommonHeaders(res);
  res.setHeader('Last-Modified', httpDate(new Date(Number(st.mtimeMs / 1000n) * 1000)));
  res.setHeader('Content-Type', 'text/plain;charset=utf-8');
  if (accelHeader) res.setHeader('X-Accel-Buffering', 'no');
  applyPersistence(req, res, false, ctx.closing());
  res.flushHeaders();

  const tail = new LogTail(file, fh, st, size >= HEAD_BYTES ? size - HEAD_BYTES : 0, res, ctx.pollMs);
  if (!ctx.streams.add(tail)) {
    await fh.close().catch(() => undefined);
    res.end();
    return;
  }
  const onGone = (): void => tail.stop(false);
  res.once('close', onGone);
  res.on('error', onGone);
  try {
    await tail.run();
  } finally {
    ctx.streams.delete(tail);
    res.off('close', onGone);
  }
}

export async function handleLogtail(req: IncomingMessage, res: ServerResponse, uri: string, ctx: LogtailContext): Promise<void> {
  if (req.method !== 'GET') {
    sendError(req, res, 400, { closing: ctx.closing() });
    return;
  }
  const target = locateProcessLog(uri, ctx.deps);
  if ('error' in target) {
    sendError(req, res, target.error, { closing: ctx.closing() });
    return;
  }
  await startTail(req, res, ctx, target.path, true);
}

export async function handleMainLogtail(req: IncomingMessage, res: ServerResponse, ctx: LogtailContext): Promise<void> {
  if (req.method !== 'GET') {
    sendError(req, res, 400, { closing: ctx.closing() });
    return;
  }
  const file = ctx.deps.logs.mainLog();
  if (file === null) {
    sendError(req, res, 404, { closing: ctx.closing() });
    return;
  }
  await startTail(req, res, ctx, file, false);
}

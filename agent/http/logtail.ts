// /logtail/<namespec>[/<channel>] and /mainlogtail: the last 1024 bytes of a log file, then
// every byte appended to it, across truncation and rotation, until the client or the server
// goes. The daemon writes those files itself and announces each write (LogLocator.watchWrites):
// a follower that is up to date is handed the written bytes at once, without touching the file;
// one shared look per path every logtailPollMs catches what another process writes. Streams are
// capped per client address and in total. Imports node:fs, the HTTP layer's own helpers and the
// log-writes event type; log paths come from the LogLocator.
import { once } from 'node:events';
import type { BigIntStats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LogWriteEvent } from '../logging/log-writes.js';
import { applyPersistence, httpDate, REASONS, sendError, setCommonHeaders } from './responses.js';
import type { HttpDeps, HttpLimits, LogLocator } from './types.js';
import { unquote, uriPath } from './uri.js';

/** What the stream starts with: the end of the file, as supervisord's tail_f_producer. */
const HEAD_BYTES = 1024;
/** One read, and so at most one chunk on the wire. */
const READ_BYTES = 64 * 1024;
export const TRUNCATED_MARKER = Buffer.from('==> File truncated <==\n', 'latin1');

/** Sent with every answer of these routes (supervisord sends none): a log is never sniffed into HTML. */
export const NOSNIFF: [string, string] = ['X-Content-Type-Options', 'nosniff'];

/** The URIs the logtail handlers answer (the same prefixes as the router's). */
export function isLogtailUri(uri: string): boolean {
  return uri.startsWith('/logtail') || uri.startsWith('/mainlogtail');
}

export type LogtailLimits = Pick<HttpLimits, 'logtailPollMs' | 'logtailPerClient' | 'logtailTotal'>;

type Admission =
  | { readonly release: () => void }
  | { readonly status: 429 | 503; readonly reason: string };

/** The followers of one path: woken by the daemon's writes to it, and by a shared look for other writers. */
class TailSource {
  readonly tails = new Set<LogTail>();
  /** dev:ino:size as last seen (by a look or from a write), 'missing', or null (unknown: look again). */
  #seen: string | null = null;
  #looking = false;
  readonly #timer: NodeJS.Timeout;
  readonly #unsubscribe: (() => void) | null;

  constructor(readonly path: string, locator: LogLocator, pollMs: number) {
    this.#unsubscribe = locator.watchWrites?.(path, (event) => this.#written(event)) ?? null;
    this.#timer = setInterval(() => void this.#look(), pollMs);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
    this.#unsubscribe?.();
  }

  #written(event: LogWriteEvent): void {
    if (event.kind === 'replaced') {
      this.#seen = null;
      for (const tail of this.tails) tail.kick();
      return;
    }
    this.#seen = `${event.dev}:${event.ino}:${event.end}`;
    // One copy for every follower (the writer's buffer is reused), made only if one takes it.
    let copy: Buffer | null = null;
    const data = (): Buffer => (copy ??= Buffer.from(event.data));
    for (const tail of this.tails) tail.appended(event, data);
  }

  /** One stat for all followers: they are woken only when the file is not as last seen. */
  async #look(): Promise<void> {
    if (this.#looking) return;
    this.#looking = true;
    let seen: string;
    try {
      const st = await stat(this.path, { bigint: true });
      seen = `${st.dev}:${st.ino}:${st.size}`;
    } catch {
      seen = 'missing';
    } finally {
      this.#looking = false;
    }
    if (seen === this.#seen) return;
    this.#seen = seen;
    for (const tail of this.tails) tail.kick();
  }
}

/** The open streams of a set of servers, so that closing the servers ends them; and their caps. */
export class TailStreams {
  readonly #tails = new Set<LogTail>();
  readonly #sources = new Map<string, TailSource>();
  readonly #perClient = new Map<string, number>();
  #admitted = 0;
  #closed = false;

  get size(): number {
    return this.#tails.size;
  }

  /** A place for one more stream from `client` (released when it ends), or the refusal. */
  admit(client: string, limits: LogtailLimits): Admission {
    const mine = this.#perClient.get(client) ?? 0;
    if (mine >= limits.logtailPerClient) {
      return { status: 429, reason: `Too many log streams from this client: ${limits.logtailPerClient} at most; end one and retry` };
    }
    if (this.#admitted >= limits.logtailTotal) {
      return { status: 503, reason: `Too many log streams on this server: ${limits.logtailTotal} at most; retry later` };
    }
    this.#admitted += 1;
    this.#perClient.set(client, mine + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#admitted -= 1;
        const left = (this.#perClient.get(client) ?? 1) - 1;
        if (left > 0) this.#perClient.set(client, left);
        else this.#perClient.delete(client);
      },
    };
  }

  /** False once closed: the caller ends the response instead of streaming. */
  add(tail: LogTail, locator: LogLocator, pollMs: number): boolean {
    if (this.#closed) return false;
    this.#tails.add(tail);
    let source = this.#sources.get(tail.path);
    if (source === undefined) {
      source = new TailSource(tail.path, locator, pollMs);
      this.#sources.set(tail.path, source);
    }
    source.tails.add(tail);
    return true;
  }

  delete(tail: LogTail): void {
    this.#tails.delete(tail);
    const source = this.#sources.get(tail.path);
    if (source === undefined) return;
    source.tails.delete(tail);
    if (source.tails.size === 0) {
      source.close();
      this.#sources.delete(tail.path);
    }
  }

  /** End every stream cleanly (the chunked terminator is sent) and refuse new ones. */
  endAll(): void {
    this.#closed = true;
    for (const tail of this.#tails) tail.stop(true);
    this.#tails.clear();
    for (const source of this.#sources.values()) source.close();
    this.#sources.clear();
  }
}

function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.ino === b.ino && a.dev === b.dev;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/**
 * One follower. A write of the daemon that lands exactly at its offset, in its file, while it is
 * idle, is sent as is. Anything else (another writer, rotation, truncation, a write while it is
 * busy or held by a slow reader) starts rounds: if the path now names another file, drain the
 * old file to its end and switch to the new one from offset 0; then send whatever the current
 * file has beyond the offset, or the truncation marker and restart at 0 when it has shrunk
 * below it. A slow reader holds it on 'drain', so memory stays bounded.
 */
export class LogTail {
  private readonly abort = new AbortController();
  /** A round is running (file I/O in flight). */
  private busy = false;
  /** Something changed while busy or held: run another round. */
  private dirty = false;
  /** The socket's buffer is full: wait for 'drain' before sending more. */
  private held = false;
  private released = false;
  private resolveFinished: () => void = () => undefined;
  /** Resolves once the follower has stopped and let go of its file. */
  readonly finished = new Promise<void>((resolve) => { this.resolveFinished = resolve; });

  constructor(
    readonly path: string,
    private fh: FileHandle,
    private fileStat: BigIntStats,
    private pos: number,
    private readonly res: ServerResponse,
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
    if (!this.busy) void this.release();
  }

  /** The daemon appended `event.data` to the file at this path. */
  appended(event: Extract<LogWriteEvent, { kind: 'append' }>, data: () => Buffer): void {
    if (this.abort.signal.aborted) return;
    const inPlace = event.ino === this.fileStat.ino && event.dev === this.fileStat.dev && this.pos === event.end - event.data.length;
    if (this.busy || this.held || !inPlace) {
      this.kick();
      return;
    }
    this.pos = event.end;
    if (!this.res.write(data())) this.hold();
  }

  /** Look at the file: now, or after the round in progress. */
  kick(): void {
    if (this.abort.signal.aborted) return;
    if (this.busy || this.held) {
      this.dirty = true;
      return;
    }
    this.busy = true;
    void this.rounds();
  }

  private hold(): void {
    this.held = true;
    this.res.once('drain', () => {
      this.held = false;
      if (this.dirty) {
        this.dirty = false;
        this.kick();
      }
    });
  }

  private async rounds(): Promise<void> {
    try {
      do {
        this.dirty = false;
        await this.followRotation();
        await this.drain();
      } while (this.dirty);
    } catch (err) {
      // An I/O error on the open file ends the stream, as supervisord's producer does on one.
      if (!isAbort(err)) this.stop(true);
    } finally {
      this.busy = false;
      if (this.abort.signal.aborted) await this.release();
    }
  }

  private async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.fh.close().catch(() => undefined);
    this.resolveFinished();
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
  readonly limits: LogtailLimits;
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

/** The key streams are counted by: the peer address; every client of a unix socket is one. */
function clientOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress;
  if (address === undefined) return 'unix';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function fail(req: IncomingMessage, res: ServerResponse, ctx: LogtailContext, code: number): void {
  sendError(req, res, code, { closing: ctx.closing(), headers: [NOSNIFF] });
}

/** A cap refusal: the status and one line saying why, as text. */
function refuse(req: IncomingMessage, res: ServerResponse, ctx: LogtailContext, status: 429 | 503, reason: string): void {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(`${reason}\n`, 'utf8');
  res.statusCode = status;
  res.statusMessage = REASONS[status] ?? 'Unknown';
  setCommonHeaders(res);
  res.setHeader('Content-Length', body.length);
  res.setHeader('Content-Type', 'text/plain;charset=utf-8');
  res.setHeader(...NOSNIFF);
  applyPersistence(req, res, true, ctx.closing());
  res.end(body);
}

async function startTail(req: IncomingMessage, res: ServerResponse, ctx: LogtailContext, file: string, accelHeader: boolean): Promise<void> {
  const admission = ctx.streams.admit(clientOf(req), ctx.limits);
  if ('status' in admission) {
    refuse(req, res, ctx, admission.status, admission.reason);
    return;
  }
  try {
    await followFile(req, res, ctx, file, accelHeader);
  } finally {
    admission.release();
  }
}

async function followFile(req: IncomingMessage, res: ServerResponse, ctx: LogtailContext, file: string, accelHeader: boolean): Promise<void> {
  let fh: FileHandle;
  let st: BigIntStats;
  try {
    // stat before open: only regular files are followed (opening a FIFO could block a thread).
    const pre = await stat(file, { bigint: true });
    if (!pre.isFile()) {
      fail(req, res, ctx, 404);
      return;
    }
    fh = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail(req, res, ctx, code === 'ENOENT' || code === 'ENOTDIR' ? 404 : 500);
    return;
  }
  try {
    st = await fh.stat({ bigint: true });
  } catch {
    await fh.close().catch(() => undefined);
    fail(req, res, ctx, 500);
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
  res.setHeader(...NOSNIFF);
  applyPersistence(req, res, false, ctx.closing());
  res.flushHeaders();

  const tail = new LogTail(file, fh, st, size >= HEAD_BYTES ? size - HEAD_BYTES : 0, res);
  if (!ctx.streams.add(tail, ctx.deps.logs, ctx.limits.logtailPollMs)) {
    await fh.close().catch(() => undefined);
    res.end();
    return;
  }
  const onGone = (): void => tail.stop(false);
  res.once('close', onGone);
  res.on('error', onGone);
  try {
    tail.kick();
    await tail.finished;
  } finally {
    ctx.streams.delete(tail);
    res.off('close', onGone);
  }
}

export async function handleLogtail(req: IncomingMessage, res: ServerResponse, uri: string, ctx: LogtailContext): Promise<void> {
  if (req.method !== 'GET') {
    fail(req, res, ctx, 400);
    return;
  }
  const target = locateProcessLog(uri, ctx.deps);
  if ('error' in target) {
    fail(req, res, ctx, target.error);
    return;
  }
  await startTail(req, res, ctx, target.path, true);
}

export async function handleMainLogtail(req: IncomingMessage, res: ServerResponse, ctx: LogtailContext): Promise<void> {
  if (req.method !== 'GET') {
    fail(req, res, ctx, 400);
    return;
  }
  const file = ctx.deps.logs.mainLog();
  if (file === null) {
    fail(req, res, ctx, 404);
    return;
  }
  await startTail(req, res, ctx, file, false);
}

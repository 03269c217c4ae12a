// /logtail/<namespec>[/<channel>] and /mainlogtail: the last 1024 bytes of a log file, then
// every byte appended to it, across truncation and rotation, until the client or the server
// goes. The daemon writes those files itself and announces each write (LogLocator.watchWrites):
// a follower that is up to date is handed the written bytes at once, without touching the file;
// each file the writer starts is opened as it is announced, so followers go through every one in
// turn however many rotations come before they look; one shared look per path every
// logtailPollMs catches what another process writes. Streams are capped per client address and in
// total (429, 503). Imports node:fs, the HTTP layer's own helpers and the log-writes event type;
// log paths come from the LogLocator.
import { once } from 'node:events';
import { closeSync, fstatSync, openSync, type BigIntStats } from 'node:fs';
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

/** A file's identity. */
interface FileId { readonly dev: bigint; readonly ino: bigint }

const sameId = (a: FileId, b: FileId): boolean => a.ino === b.ino && a.dev === b.dev;

/** The file the path named right after `from` was replaced, held open since (so neither a rename nor a delete loses it). */
interface Generation { readonly from: FileId; readonly to: FileId; readonly fd: number }

/** Files the writer made that no follower has reached yet, kept open at most: a follower further behind skips to a later one. */
const MAX_GENERATIONS = 16;

/** The followers of one path: woken by the daemon's writes to it, and by a shared look for other writers. */
class TailSource {
  readonly tails = new Set<LogTail>();
  /** dev:ino:size as last seen (by a look or from a write), 'missing', or null (unknown: look again). */
  #seen: string | null;
  /** Counts the writer's notices, so that a look which a write overtook is not taken for news. */
  #notices = 0;
  #looking = false;
  /** The file the path names, as the writer last said (or as the first follower found it). */
  #current: FileId;
  /**
   * The writer's files in the order it made them, each opened when it was announced: a rotation
   * can be followed by more before a follower gets to look (a write larger than maxbytes makes
   * several at once), and a follower that went to whatever the path names then would skip those.
   */
  readonly #generations: Generation[] = [];
  readonly #timer: NodeJS.Timeout;
  readonly #unsubscribe: (() => void) | null;

  /** `first`: the file as the first follower found it (that follower sends what it holds). */
  constructor(readonly path: string, first: BigIntStats, locator: LogLocator, pollMs: number) {
    this.#seen = `${first.dev}:${first.ino}:${first.size}`;
    this.#current = { dev: first.dev, ino: first.ino };
    this.#unsubscribe = locator.watchWrites?.(path, (event) => this.#written(event)) ?? null;
    this.#timer = setInterval(() => void this.#look(), pollMs);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
    this.#unsubscribe?.();
    for (const g of this.#generations.splice(0)) closeSync(g.fd);
  }

  /**
   * Where a follower goes once it has read `file` to its end and the path names another: the file
   * the writer made right after it (a /proc/self/fd path to the open file, and its identity), or
   * null when the writer made none after it that is still held (then: what the path names now).
   */
  successor(file: FileId): { readonly path: string; readonly id: FileId } | null {
    const next = this.#generations.find((g) => sameId(g.from, file));
    return next === undefined ? null : { path: `/proc/self/fd/${next.fd}`, id: next.to };
  }

  /** Lets go of the files no follower will need: those before the successor of every follower's file. */
  release(): void {
    let needed = this.#generations.length;
    for (const tail of this.tails) {
      const next = this.#generations.findIndex((g) => sameId(g.from, tail.file));
      if (next >= 0) needed = Math.min(needed, next);
    }
    for (const g of this.#generations.splice(0, needed)) closeSync(g.fd);
  }

  /** The writer replaced the file at the path: open the new one now, while the path still names it. */
  #hold(): void {
    let fd: number;
    let id: FileId;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return; // nothing at the path: followers look for themselves
    }
    try {
      const st = fstatSync(fd, { bigint: true });
      id = { dev: st.dev, ino: st.ino };
    } catch {
      closeSync(fd);
      return;
    }
    if (sameId(id, this.#current)) {
      closeSync(fd); // reopened, not replaced
      return;
    }
    this.#generations.push({ from: this.#current, to: id, fd });
    this.#current = id;
    while (this.#generations.length > MAX_GENERATIONS) closeSync((this.#generations.shift() as Generation).fd);
  }

  #written(event: LogWriteEvent): void {
    this.#notices += 1;
    if (event.kind === 'replaced') {
      this.#seen = null;
      this.#hold();
      for (const tail of this.tails) tail.kick();
      return;
    }
    this.#current = { dev: event.dev, ino: event.ino };
    this.#seen = `${event.dev}:${event.ino}:${event.end}`;
    // One copy for every follower (the writer's buffer is reused), made only if one takes it.
    let copy: Buffer | null = null;
    const data = (): Buffer => (copy ??= Buffer.from(event.data));
    for (const tail of this.tails) tail.appended(event, data);
  }

  /**
   * One stat for all followers: they are woken only when the file is not as last seen. A stat
   * that a write of the daemon overtook shows an older size than that write announced: it is
   * dropped (the next look judges), or every follower would be woken for nothing.
   */
  async #look(): Promise<void> {
    if (this.#looking) return;
    this.#looking = true;
    const notices = this.#notices;
    let seen: string;
    try {
      const st = await stat(this.path, { bigint: true });
      seen = `${st.dev}:${st.ino}:${st.size}`;
    } catch {
      seen = 'missing';
    } finally {
      this.#looking = false;
    }
    if (seen === this.#seen || notices !== this.#notices) return;
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
      source = new TailSource(tail.path, tail.startStat, locator, pollMs);
      this.#sources.set(tail.path, source);
    }
    source.tails.add(tail);
    tail.source = source;
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
    } else {
      source.release();
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
  /** The file as it was when the stream started. */
  readonly startStat: BigIntStats;
  /** The followers of this path (set once the stream is added): where the writer's next files are held. */
  source: TailSource | null = null;

  constructor(
    readonly path: string,
    private fh: FileHandle,
    private fileStat: BigIntStats,
    private pos: number,
    private readonly res: ServerResponse,
  ) {
    this.startStat = fileStat;
  }

  /** The file being read. */
  get file(): FileId {
    return this.fileStat;
  }

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

  /**
   * While the path names another file than ours: send the rest of ours, then go to the next one:
   * the file the writer made right after ours (held open by the source since it was made), or,
   * when there is none (another process replaced the file), whatever the path names now.
   */
  private async followRotation(): Promise<void> {
    for (;;) {
      let current: BigIntStats;
      try {
        current = await stat(this.path, { bigint: true });
      } catch {
        return; // mid-rotation, the path may briefly not exist: keep the old file for now
      }
      this.checkAborted();
      if (sameId(current, this.fileStat)) return;
      await this.drain();
      const successor = this.source?.successor(this.fileStat) ?? null;
      let next: FileHandle;
      try {
        next = await open(successor?.path ?? this.path, 'r');
      } catch {
        return;
      }
      let nextStat: BigIntStats;
      try {
        nextStat = await next.stat({ bigint: true });
      } catch {
        await next.close().catch(() => undefined);
        return;
      }
      if (this.abort.signal.aborted || (successor !== null && !sameId(nextStat, successor.id))) {
        // Aborted, or the held file was let go (and its fd number reused) meanwhile: look again.
        await next.close().catch(() => undefined);
        this.checkAborted();
        continue;
      }
      const old = this.fh;
      this.fh = next;
      this.fileStat = nextStat;
      this.pos = 0;
      this.source?.release();
      await old.close().catch(() => undefined);
      this.checkAborted();
    }
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

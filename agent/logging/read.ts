// Reading log files by offset/length with supervisord's readLog and tail*Log semantics, for the API and UI.
// Returns raw bytes (UTF-8 decoding and its failure are the API layer's business). Imports only node built-ins.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export type LogReadErrorKind = 'NO_FILE' | 'BAD_ARGUMENTS' | 'FAILED';

/** A plain domain error; the RPC layer maps `kind` onto the fault of the same name. */
export class LogReadError extends Error {
  readonly kind: LogReadErrorKind;
  readonly path: string;

  constructor(kind: LogReadErrorKind, path: string, options?: { cause?: unknown }) {
    super(`${kind}: ${path}`, options);
    this.name = 'LogReadError';
    this.kind = kind;
    this.path = path;
  }
}

export interface TailSlice {
  readonly bytes: Buffer;
  /** The file size: where the next tail call should start. */
  readonly offset: number;
  /** True when more than `length` bytes were pending, so the window jumped to the end of the file. */
  readonly overflow: boolean;
}

function errnoCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(Math.max(0, length));
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** Open for reading; ENOENT becomes NO_FILE (checked first, as supervisord does), any other failure FAILED. */
function openForRead(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new LogReadError(errnoCode(err) === 'ENOENT' ? 'NO_FILE' : 'FAILED', path, { cause: err });
  }
  if (isDirectory(fd)) {
    closeSync(fd);
    throw new LogReadError('FAILED', path);
  }
  return fd;
}

/** Linux lets us open a directory read-only where Python's open() refuses; treat it as an open failure. */
function isDirectory(fd: number): boolean {
  return fstatSync(fd).isDirectory();
}

/** Read bytes [start, start+length) clamped to the file; length null reads to the end. */
function readRange(fd: number, start: number, length: number | null): Buffer {
  const size = fstatSync(fd).size;
  const from = Math.min(start, size);
  const count = length === null ? size - from : Math.min(length, size - from);
  return readAt(fd, from, count);
}

/**
 * supervisord's readLog / read*Log:
 * - offset < 0, length 0: the last -offset bytes (the whole file if it is shorter);
 * - offset >= 0, length 0: from offset to the end;
 * - offset >= 0, length > 0: up to length bytes from offset;
 * - offset < 0 with a non-zero length, or a negative length: BAD_ARGUMENTS.
 * A missing file is NO_FILE (even with bad arguments); an unreadable one (e.g. a directory) FAILED.
 */
export function readLogSlice(path: string, offset: number, length: number): Buffer {
  const fd = openForRead(path);
  try {
    if (offset < 0) {
      if (length !== 0) throw new LogReadError('BAD_ARGUMENTS', path);
      const size = fstatSync(fd).size;
      return readRange(fd, Math.max(0, size + offset), -offset);
    }
    if (length < 0) throw new LogReadError('BAD_ARGUMENTS', path);
    return readRange(fd, offset, length === 0 ? null : length);
  } catch (err) {
    if (err instanceof LogReadError) throw err;
    throw new LogReadError('FAILED', path, { cause: err });
  } finally {
    closeSync(fd);
  }
}

/**
 * supervisord's tail*Log: up to `length` bytes ending at the end of the file when more than `length` bytes
 * lie past `offset` (overflow), otherwise the bytes after `offset`; the returned offset is the file size.
 * A missing file gives empty bytes, offset 0, no overflow; another open failure echoes the given offset.
 */
export function tailLogSlice(path: string, offset: number, length: number): TailSlice {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return { bytes: Buffer.alloc(0), offset: errnoCode(err) === 'ENOENT' ? 0 : offset, overflow: false };
  }
  try {
    if (isDirectory(fd)) return { bytes: Buffer.alloc(0), offset, overflow: false };
    const size = fstatSync(fd).size;
    let start = offset;
    let count = length;
    let overflow = false;
    if (size > start + count) {
      overflow = true;
      start = size - 1;
    }
    if (start + count > size) {
      if (start > size - 1) count = 0;
      start = size - count;
    }
    start = Math.max(0, start);
    count = Math.max(0, count);
    return { bytes: count === 0 ? Buffer.alloc(0) : readAt(fd, start, count), offset: size, overflow };
  } catch {
    return { bytes: Buffer.alloc(0), offset, overflow: false };
  } finally {
    closeSync(fd);
  }
}

// Names an error the way supervisorctl's catch-all line would: the Python exception class it would
// have seen and that exception's text, plus the innermost source location we have for it.
import { STATUS_CODES } from 'node:http';
import { RpcTransportError } from '../rpc/client.js';
import { RpcFault } from '../rpc/faults.js';
import { WireShapeError } from '../rpc/wire-types.js';
import { CtlUnexpected, EndOfInput } from './errors.js';
import { pyFault } from './format.js';

export interface PyError {
  readonly pyClass: string;
  readonly message: string;
  readonly file: string;
  readonly line: number;
}

/** errno code -> [number, Python class, strerror] for the socket errors a client meets. */
const ERRNO: Readonly<Record<string, readonly [number, string, string]>> = {
  ECONNREFUSED: [111, 'ConnectionRefusedError', 'Connection refused'],
  ENOENT: [2, 'FileNotFoundError', 'No such file or directory'],
  ECONNRESET: [104, 'ConnectionResetError', 'Connection reset by peer'],
  ECONNABORTED: [103, 'ConnectionAbortedError', 'Software caused connection abort'],
  EPIPE: [32, 'BrokenPipeError', 'Broken pipe'],
  EACCES: [13, 'PermissionError', 'Permission denied'],
  ETIMEDOUT: [110, 'TimeoutError', 'Connection timed out'],
  EHOSTUNREACH: [113, 'OSError', 'No route to host'],
  ENETUNREACH: [101, 'OSError', 'Network is unreachable'],
  ENOTSOCK: [88, 'OSError', 'Socket operation on non-socket'],
  ENOTDIR: [20, 'NotADirectoryError', 'Not a directory'],
  EADDRNOTAVAIL: [99, 'OSError', 'Cannot assign requested address'],
  ENOTFOUND: [-2, 'socket.gaierror', 'Name or service not known'],
  EAI_AGAIN: [-3, 'socket.gaierror', 'Temporary failure in name resolution'],
};

/** The errno code of a transport error's cause, if it has one. */
export function errnoOf(err: unknown): string | undefined {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return undefined;
}

/** The first stack frame's file and line (ours stand where Python's traceback frame would). */
function location(err: unknown): { file: string; line: number } {
  const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : '';
  for (const l of stack.split('\n')) {
    const m = /^\s+at (?:.*\()?(?:file:\/\/)?([^()]+?):(\d+):\d+\)?$/.exec(l);
    if (m !== null && m[1] !== undefined && !m[1].startsWith('node:')) return { file: m[1], line: Number(m[2]) };
  }
  return { file: 'fleetvisorctl', line: 0 };
}

function transportClass(err: RpcTransportError): { pyClass: string; message: string } {
  switch (err.kind) {
    case 'refused': return { pyClass: 'ConnectionRefusedError', message: '[Errno 111] Connection refused' };
    case 'nofile': return { pyClass: 'FileNotFoundError', message: '[Errno 2] No such file or directory' };
    case 'timeout': return { pyClass: 'TimeoutError', message: 'timed out' };
    case 'http': {
      const status = err.status ?? 0;
      return { pyClass: 'xmlrpc.client.ProtocolError',
        message: `<ProtocolError for 127.0.0.1/RPC2: ${status} ${STATUS_CODES[status] ?? ''}>` };
    }
    case 'protocol': return { pyClass: 'xml.parsers.expat.ExpatError', message: err.message };
    case 'dns': return { pyClass: 'socket.gaierror', message: '[Errno -2] Name or service not known' };
    case 'tls': return { pyClass: 'ssl.SSLError', message: err.message };
    case 'io': {
      const code = errnoOf(err);
      const known = code === undefined ? undefined : ERRNO[code];
      return known === undefined ? { pyClass: 'OSError', message: err.message }
        : { pyClass: known[1], message: `[Errno ${known[0]}] ${known[2]}` };
    }
  }
}

export function describeError(err: unknown): PyError {
  const where = location(err);
  if (err instanceof RpcFault) {
    return { pyClass: 'xmlrpc.client.Fault', message: pyFault(err.code, err.faultString), ...where };
  }
  if (err instanceof RpcTransportError) return { ...transportClass(err), ...where };
  if (err instanceof CtlUnexpected) return { pyClass: err.pyClass, message: err.message, ...where };
  if (err instanceof WireShapeError) return { pyClass: 'ValueError', message: err.message, ...where };
  if (err instanceof EndOfInput) return { pyClass: 'EOFError', message: err.pyMessage, ...where };
  if (err instanceof Error) return { pyClass: err.name, message: err.message, ...where };
  return { pyClass: 'Exception', message: String(err), ...where };
}

/** True for the transport errors upcheck names itself (refused connection, no socket file). */
export function isRefused(err: unknown): boolean {
  return err instanceof RpcTransportError && (err.kind === 'refused' || (err.kind === 'io' && errnoOf(err) === 'ECONNREFUSED'));
}

export function isNoFile(err: unknown): boolean {
  return err instanceof RpcTransportError && (err.kind === 'nofile' || (err.kind === 'io' && errnoOf(err) === 'ENOENT'));
}

export function isAuthRequired(err: unknown): boolean {
  return err instanceof RpcTransportError && err.kind === 'http' && err.status === 401;
}

export function isProtocolError(err: unknown): boolean {
  return err instanceof RpcTransportError && err.kind === 'http';
}

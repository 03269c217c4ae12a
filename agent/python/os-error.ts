// How CPython 3.11 prints an OSError (Objects/exceptions.c OSError_str): "[Errno 2] No such file or
// directory: '/x'" with glibc's strerror() text, and socket.gaierror's "[Errno -2] Name or service
// not known"; for the socket messages supervisord builds from str(e). Pure: no I/O, imports only
// node:os/util tables and repr().
import { constants } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { pyStrRepr } from './repr.js';

/** glibc's strerror() where it differs from libuv's lower-case text (Python prints glibc's). */
const GLIBC_TEXT: Readonly<Record<string, string>> = {
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EFAULT: 'Bad address',
  EIO: 'Input/output error',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  ENFILE: 'Too many open files in system',
  ENOMEM: 'Cannot allocate memory',
  ENOTCONN: 'Transport endpoint is not connected',
  ENOTSUP: 'Operation not supported',
  EOPNOTSUPP: 'Operation not supported',
  ETXTBSY: 'Text file busy',
  EXDEV: 'Invalid cross-device link',
};

/** getaddrinfo() failures, as Python's socket.gaierror prints them; Node reports them by these codes. */
const GAI_TEXT: Readonly<Record<string, string>> = {
  ENOTFOUND: '[Errno -2] Name or service not known',
  EAI_AGAIN: '[Errno -3] Temporary failure in name resolution',
  EAI_FAIL: '[Errno -4] Non-recoverable failure in name resolution',
};

function errnoNumber(code: string): number | undefined {
  const table: Readonly<Record<string, number | undefined>> = constants.errno;
  return table[code];
}

/** strerror() text for an errno name (libuv's text, capitalised, when glibc's is not listed). */
export function strerror(code: string): string {
  const known = GLIBC_TEXT[code];
  if (known !== undefined) return known;
  const n = errnoNumber(code);
  const uv = n === undefined ? undefined : getSystemErrorMap().get(-n)?.[1];
  if (uv === undefined) return code;
  return uv.charAt(0).toUpperCase() + uv.slice(1);
}

/** str(OSError) for an errno name, with the file name when the call had one (os.chmod, os.unlink). */
export function pyOsErrorText(code: string, filename?: string): string {
  const gai = GAI_TEXT[code];
  if (gai !== undefined) return gai;
  const n = errnoNumber(code);
  if (n === undefined) return code;
  const base = `[Errno ${n}] ${strerror(code)}`;
  return filename === undefined ? base : `${base}: ${pyStrRepr(filename)}`;
}

/** The errno name of a thrown fs/child_process error, or a fallback. */
export function errnoCode(err: unknown, fallback: string): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : fallback;
}

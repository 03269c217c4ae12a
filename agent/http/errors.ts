// The start-up failure of an HTTP server, carrying supervisord's exact message (the daemon prints
// `Error: <message>` and exits 2), and the errno naming those messages need. Imports node:os only.
import { constants } from 'node:os';

export const ADDRESS_IN_USE_MESSAGE =
  'Another program is already listening on a port that one of our HTTP servers is configured to use.  '
  + 'Shut this program down first before starting supervisord.';

export class HttpServerStartError extends Error {
  override readonly name = 'HttpServerStartError';
  readonly kind = 'http-start';
  /** The config section of the server that could not start. */
  readonly section: string;

  constructor(message: string, section: string, options?: { cause?: unknown }) {
    super(message, options);
    this.section = section;
  }
}

/** The string code of a node system error ('EADDRINUSE'), if it has one. */
export function errorCode(err: unknown): string | undefined {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/** getaddrinfo failures as Python numbers them (socket.gaierror args[0]); node names them differently. */
const GAI_NUMBERS: Readonly<Record<string, number>> = { ENOTFOUND: -2, EAI_AGAIN: -3, EAI_FAIL: -4, EAI_NODATA: -5, EAI_ADDRFAMILY: -9 };

/**
 * supervisord's text for a socket error other than EADDRINUSE: `errno.NAME (n)` when Python
 * knows the name, the bare number otherwise (getaddrinfo errors such as -2).
 */
export function socketErrorMessage(err: unknown): string {
  const help = 'Cannot open an HTTP server: socket.error reported';
  const code = errorCode(err);
  const gai = code === undefined ? undefined : GAI_NUMBERS[code];
  if (gai !== undefined) return `${help} ${gai}`;
  const errnos: Readonly<Record<string, number>> = constants.errno;
  const num = code === undefined ? undefined : errnos[code];
  if (code !== undefined && num !== undefined) return `${help} errno.${code} (${num})`;
  return `${help} ${err instanceof Error ? err.message : String(err)}`;
}

/** The start-up error for a failed bind, listen, chmod or link. */
export function startError(err: unknown, section: string): HttpServerStartError {
  if (err instanceof HttpServerStartError) return err;
  const message = errorCode(err) === 'EADDRINUSE' ? ADDRESS_IN_USE_MESSAGE : socketErrorMessage(err);
  return new HttpServerStartError(message, section, { cause: err });
}

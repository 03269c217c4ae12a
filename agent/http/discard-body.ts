// Reads and drops the body of a request that is refused before it is used (a 401), so that the
// refusal reaches a client still sending: closing a connection with unread bytes in it resets
// it, and the client gets a broken pipe instead of the answer. Bounded like every body here.
// Imports only node:http types.
import type { IncomingMessage } from 'node:http';

/** read: the whole body is in (nothing is left unread); too-large: over the bound, not read; gone: the client left first. */
export type Discarded = 'read' | 'too-large' | 'gone';

/**
 * Consumes the body up to maxBytes. A declared Content-Length over the bound is answered at
 * once without reading; a chunked body is read until it passes the bound.
 */
export function discardBody(req: IncomingMessage, maxBytes: number): Promise<Discarded> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) return Promise.resolve('too-large');
  if (req.complete) return Promise.resolve('read');
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (outcome: Discarded): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onError);
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > maxBytes) {
        req.pause();
        finish('too-large');
      }
    };
    const onEnd = (): void => finish('read');
    const onClose = (): void => finish(req.complete ? 'read' : 'gone');
    const onError = (): void => finish('gone');
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.once('error', onError);
  });
}

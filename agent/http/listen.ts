// Promise wrappers for a net.Server's listen and close, shared by the unix and inet listeners.
// Imports node:net types only.
import type { ListenOptions, Server } from 'node:net';

/** Listen once; rejects with the bind/listen error instead of emitting it. */
export function listenOnce(server: Server, options: ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options);
  });
}

/** Stop accepting; resolves when the listener and every connection are closed (never rejects). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

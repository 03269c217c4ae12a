// A short-lived helper the daemon runs synchronously (os-socket.ts), for the two socket steps Node
// cannot do synchronously in-process without polling the socket:
//   listen <backlog>   listen(2) on the bound socket given as fd 0, then exit before any accept()
//   resolve <host>     getaddrinfo(host, AF_INET): prints the first IPv4 address
// Prints one JSON line: {"ok":true,...} or {"ok":false,"code":"EADDRINUSE"}. Imports only node:*.
import { lookup } from 'node:dns';
import { writeSync } from 'node:fs';
import { createServer } from 'node:net';

/** Synchronous write and exit: the event loop must not get to poll (and accept on) the socket. */
function reply(body: Record<string, unknown>): never {
  writeSync(1, `${JSON.stringify(body)}\n`);
  process.exit(body['ok'] === true ? 0 : 1);
}

function failed(err: unknown): void {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  reply({ ok: false, code: typeof code === 'string' ? code : String(err) });
}

const [mode, arg = ''] = process.argv.slice(2);
if (mode === 'listen') {
  const server = createServer();
  server.once('error', failed);
  // 'listening' fires on the next tick, before the loop could poll the socket: nothing is accepted.
  // Node takes the backlog of an fd listen only as the positional argument.
  server.listen({ fd: 0 }, Number(arg), () => reply({ ok: true }));
} else if (mode === 'resolve') {
  lookup(arg, { family: 4 }, (err, address) => {
    if (err) failed(err);
    else reply({ ok: true, address });
  });
} else {
  reply({ ok: false, code: `usage: fcgi-helper listen <backlog> | resolve <host> (got ${String(mode)})` });
}

#!/usr/bin/env node
// A program of bench/deps.ts: listens on 127.0.0.1:PORT (closing every connection at once), then
// tells the bench's collector on 127.0.0.1:COLLECTOR that it does, with one line: its port.
import { connect, createServer } from 'node:net';

const [port, collector] = process.argv.slice(2).map(Number);
const server = createServer((socket) => socket.destroy());
server.listen(port, '127.0.0.1', () => {
  const c = connect(collector, '127.0.0.1', () => c.end(`${port}\n`));
  c.on('error', () => { /* the bench is gone: nothing to tell */ });
});

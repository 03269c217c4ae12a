#!/usr/bin/env node
// Opens COUNT /logtail followers of PATH on 127.0.0.1:PORT, spread over ADDRESSES loopback client
// addresses (127.0.0.2 ...), and counts the bytes each receives. Driven over IPC by bench/logtail.ts:
// sends {statuses} once every follower has its answer's head; answers 'bytes' with the counts.
import { connect } from 'node:net';

const [port, count, addresses] = process.argv.slice(2, 5).map(Number);
const path = process.argv[5] ?? '/logtail/ticker';
const followers = [];
for (let i = 0; i < count; i++) {
  const f = { status: 0, bytes: 0, head: '' };
  const socket = connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % addresses)}` });
  socket.on('error', () => undefined);
  socket.on('data', (d) => {
    if (f.status !== 0) { f.bytes += d.length; return; }
    f.head += d.toString('latin1');
    const end = f.head.indexOf('\r\n\r\n');
    if (end < 0) return;
    f.status = Number(f.head.split(' ')[1]);
    f.bytes += f.head.length - end - 4;
    f.head = '';
    if (followers.every((x) => x.status !== 0)) process.send?.({ statuses: followers.map((x) => x.status) });
  });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept-Encoding: chunked\r\nUser-agent: bench\r\n\r\n`);
  followers.push(f);
}
process.on('message', (m) => {
  if (m === 'bytes') process.send?.({ bytes: followers.map((x) => x.bytes) });
});
process.on('disconnect', () => process.exit(0));

#!/usr/bin/env node
// Benchmark listener: acknowledges every event at once and appends "<eventname> <payload head>"
// to FILE for each. Blocking reads; the envelope's len counts characters (payloads here are ASCII).
import { appendFileSync, readSync, writeSync } from 'node:fs';

const file = process.argv[2];
const buf = Buffer.alloc(65536);
let pending = '';
const more = () => {
  const n = readSync(0, buf, 0, buf.length, null);
  if (n === 0) process.exit(0);
  pending += buf.toString('latin1', 0, n);
};
for (;;) {
  writeSync(1, 'READY\n');
  let nl;
  while ((nl = pending.indexOf('\n')) === -1) more();
  const header = pending.slice(0, nl);
  const len = Number(/ len:(\d+)/.exec(header)?.[1] ?? 0);
  while (pending.length < nl + 1 + len) more();
  const payload = pending.slice(nl + 1, nl + 1 + len);
  pending = pending.slice(nl + 1 + len);
  appendFileSync(file, `${/eventname:(\S+)/.exec(header)?.[1]} ${payload.slice(0, payload.indexOf(' '))}\n`);
  writeSync(1, 'RESULT 2\nOK');
}

#!/usr/bin/env node
// Writes one numbered line of about 80 bytes to stdout every 100 ms, until killed.
import { writeSync } from 'node:fs';

let n = 0;
setInterval(() => {
  n += 1;
  writeSync(1, `${new Date().toISOString()} tick ${String(n).padStart(6, '0')} ${'x'.repeat(44)}\n`);
}, 100);

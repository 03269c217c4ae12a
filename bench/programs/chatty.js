#!/usr/bin/env node
// Writes MB mebibytes to stdout in 64 KiB blocks as fast as the pipe takes them, then exits 0.
import { writeSync } from 'node:fs';

const mb = Number(process.argv[2] ?? 16);
const block = Buffer.alloc(65536, 'x');
block[block.length - 1] = 10;
for (let i = 0; i < mb * 16; i++) {
  let off = 0;
  while (off < block.length) {
    try { off += writeSync(1, block, off); } catch (e) { if (e.code !== 'EAGAIN') throw e; }
  }
}

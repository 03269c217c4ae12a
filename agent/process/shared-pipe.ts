// One OS pipe whose write end can be handed to a child as both fd 1 and fd 2 (redirect_stderr),
// so stdout and stderr bytes keep their order. Node has no pipe(2), so a private FIFO is used.
import { mkdtempSync, openSync, closeSync, unlinkSync, rmdirSync, constants } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface SharedPipe {
  /** Give to the child (stdio[1] and stdio[2]); close in the parent right after the spawn. */
  readonly writeFd: number;
  readonly reader: Readable;
  /** Close the parent's copy of the write end (idempotent). */
  closeWriteEnd(): void;
}

function openEnds(fifo: string): { readFd: number; writeFd: number } {
  // The read end is opened non-blocking first so that opening the write end does not wait;
  // the write end stays blocking because the child inherits its file status flags.
  const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    return { readFd, writeFd: openSync(fifo, constants.O_WRONLY) };
  } catch (err) {
    closeSync(readFd);
    throw err;
  }
}

/** Throws the fs/exec error (with its errno `code`) when the pipe cannot be made. */
export function makeSharedPipe(): SharedPipe {
  const dir = mkdtempSync(join(tmpdir(), 'fv-pipe-'));
  const fifo = join(dir, 'p');
  let ends: { readFd: number; writeFd: number };
  try {
    execFileSync('mkfifo', ['-m', '600', fifo], { stdio: 'ignore' });
    ends = openEnds(fifo);
  } finally {
    try { unlinkSync(fifo); } catch { /* never created */ }
    rmdirSync(dir);
  }
  const reader = new Socket({ fd: ends.readFd, readable: true, writable: false });
  let open = true;
  return {
    writeFd: ends.writeFd,
    reader,
    closeWriteEnd(): void {
      if (open) closeSync(ends.writeFd);
      open = false;
    },
  };
}

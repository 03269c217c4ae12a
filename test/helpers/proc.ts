// Reading what /proc shows of a test's child, waiting for the value a test compares rather than
// for a sign that comes before it.
import { readFileSync } from 'node:fs';
import { waitFor } from './wait-for.js';

/**
 * /proc/<pid>/cmdline once the process runs `comm`. execve sets the new comm before it lays out
 * the new argv, and the cmdline reads as '' in between (seen on a loaded machine): so this waits
 * for the value itself, a cmdline ending in its NUL, read after the comm said the exec happened.
 */
export async function execedCmdline(pid: number, comm: string, what = `${pid}`): Promise<string> {
  let cmdline = '';
  await waitFor(() => {
    if (readFileSync(`/proc/${pid}/comm`, 'utf8') !== `${comm}\n`) return false;
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.endsWith('\0');
  }, { what: `${what} to exec ${comm}` });
  return cmdline;
}

// The pidfile: refuse to start when another live daemon owns it, write ours, remove it at exit.
import { readFileSync, writeFileSync, unlinkSync } from 'node:fs';

/** The pid recorded in a pidfile, or null when the file is missing or unreadable. */
export function readPidfile(path: string): number | null {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return null; }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** True when pid is a live process whose command line looks like a supervisor daemon. */
export function isLiveDaemon(pid: number): boolean {
  if (pid === process.pid) return false;
  let cmdline: string;
  try { cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return false; }
  return /fleetvisord|agent\/main\.js|supervisord/.test(cmdline);
}

/** A message when the pidfile belongs to a running daemon; null when we may start. */
export function checkPidfile(path: string): string | null {
  const pid = readPidfile(path);
  if (pid === null || !isLiveDaemon(pid)) return null;
  return `Another supervisor daemon (pid ${pid}) is already running with pidfile ${path}.  Shut it down first before starting fleetvisord.`;
}

/** Writes `<pid>\n`; returns an error text instead of throwing (supervisord logs CRIT and goes on). */
export function writePidfile(path: string): string | null {
  try {
    writeFileSync(path, `${process.pid}\n`);
    return null;
  } catch {
    return `could not write pidfile ${path}`;
  }
}

export function removePidfile(path: string): void {
  // Only our own pidfile: a second instance that failed must not remove the first one's.
  if (readPidfile(path) !== process.pid) return;
  try { unlinkSync(path); } catch { /* already gone: nothing to remove */ }
}

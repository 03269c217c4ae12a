// Daemonizing without fork(): the foreground process re-executes itself detached (its own session,
// stdio on /dev/null) and waits on an IPC channel until the daemon says it started or why it failed,
// so start-up errors still reach the terminal and the exit status, unlike supervisord's.
import { spawn } from 'node:child_process';

const CHILD_FLAG = 'FLEETVISORD_DAEMON_CHILD';
const ORIG_CWD = 'FLEETVISORD_ORIGINAL_CWD';

export interface DaemonChildInfo {
  /** The directory the user started us in: relative config paths resolve against it. */
  readonly originalCwd: string;
}

/** In the re-executed daemon: its start info (and the variables are removed from our env). */
export function daemonChildInfo(): DaemonChildInfo | null {
  if (process.env[CHILD_FLAG] !== '1' || typeof process.send !== 'function') return null;
  const originalCwd = process.env[ORIG_CWD] ?? process.cwd();
  delete process.env[CHILD_FLAG];
  delete process.env[ORIG_CWD];
  return { originalCwd };
}

type StartMessage = { readonly ready: true } | { readonly ready: false; readonly text: string; readonly code: number };

/** Daemon side: report the outcome of start-up and drop the channel so the parent can exit. */
export function reportStart(message: StartMessage, then?: () => void): void {
  if (typeof process.send !== 'function') { then?.(); return; }
  process.send(message, () => { process.disconnect?.(); then?.(); });
}

/**
 * Foreground side: start the daemon and exit with its start-up outcome. The daemon starts in our
 * directory (relative config paths mean what they meant here) and moves to directory= later.
 */
export function daemonize(): void {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    cwd: process.cwd(),
    env: { ...process.env, [CHILD_FLAG]: '1', [ORIG_CWD]: process.cwd() },
  });
  let settled = false;
  child.on('message', (raw: unknown) => {
    const msg = raw as StartMessage;
    settled = true;
    if (msg.ready) {
      child.unref();
      child.disconnect();
      process.exit(0);
    }
    process.stderr.write(msg.text.endsWith('\n') ? msg.text : `${msg.text}\n`);
    process.exit(msg.code);
  });
  child.on('exit', (code, signal) => {
    if (settled) return;
    process.stderr.write(`Error: the daemon exited during start-up (${signal ?? `exit status ${code}`})\n`);
    process.exit(code && code !== 0 ? code : 1);
  });
}

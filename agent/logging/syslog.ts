// Sends log lines to syslog through a long-lived util-linux `logger` child per tag (Node has no unix datagram
// sockets). Never blocks the caller; a dead child is replaced on the next line. Imports only node built-ins.
import { spawn, type ChildProcess } from 'node:child_process';

export interface SyslogWriter {
  /** Queue one record; a line must not contain '\n' (callers split multi-line text first). */
  send(line: string): void;
  close(): void;
}

export interface LoggerSyslogOptions {
  /** Syslog tag; Python's syslog module defaults to the program name, i.e. 'supervisord'. */
  readonly tag?: string;
  /** Unix datagram socket to write to instead of the system default (/dev/log); used by tests. */
  readonly socketPath?: string;
  /** The executable to run; 'logger' from PATH by default. */
  readonly command?: string;
}

// Lines queued towards a child that does not keep up are dropped past this point: syslog is lossy by
// nature and the supervisor must never grow without bound or stall because of it.
const MAX_PENDING_BYTES = 1 << 20;
// After `logger` failed to start (not installed), wait this long before trying again.
const RESPAWN_BACKOFF_MS = 5000;

export class LoggerProcessSyslog implements SyslogWriter {
  private readonly args: string[];
  private readonly command: string;
  private child: ChildProcess | null = null;
  private failedAt = -Infinity;
  private warned = false;
  private closed = false;

  constructor(opts: LoggerSyslogOptions = {}) {
    this.command = opts.command ?? 'logger';
    // user.info is what Python's syslog.syslog(msg) uses; the size lifts logger's 1 KiB default so long
    // lines stay one record, as they do through libc syslog(3).
    this.args = ['-t', opts.tag ?? 'supervisord', '-p', 'user.info', '--size', '65000'];
    if (opts.socketPath !== undefined) this.args.push('-u', opts.socketPath);
  }

  /** PID of the current `logger` child, if one is running (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  send(line: string): void {
    if (this.closed) return;
    const child = this.liveChild();
    const stdin = child?.stdin;
    if (!stdin || stdin.destroyed) return;
    if (stdin.writableLength > MAX_PENDING_BYTES) return;
    stdin.write(line.replace(/\n/g, ' ') + '\n');
  }

  close(): void {
    this.closed = true;
    const child = this.child;
    this.child = null;
    // Ending stdin lets logger flush what it read and exit on its own.
    child?.stdin?.end();
  }

  private liveChild(): ChildProcess | null {
    if (this.child !== null) return this.child;
    if (Date.now() - this.failedAt < RESPAWN_BACKOFF_MS) return null;
    const child = spawn(this.command, this.args, { stdio: ['pipe', 'ignore', 'inherit'] });
    this.child = child;
    child.on('error', (err) => this.onChildError(child, err));
    child.on('exit', () => {
      if (this.child === child) this.child = null;
    });
    // A broken pipe to a dying logger must not crash the daemon; the next send starts a new child.
    child.stdin?.on('error', () => undefined);
    // Neither the helper nor its pipe may keep the event loop alive on their own.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return child;
  }

  private onChildError(child: ChildProcess, err: Error): void {
    if (this.child === child) this.child = null;
    this.failedAt = Date.now();
    if (!this.warned) {
      this.warned = true;
      process.stderr.write(`syslog: cannot run ${this.command}: ${err.message}\n`);
    }
  }
}

const shared = new Map<string, SyslogWriter>();

/** One writer per tag for the whole daemon, created on first use (like the process-wide syslog(3) connection). */
export function sharedSyslogWriter(tag = 'supervisord'): SyslogWriter {
  let writer = shared.get(tag);
  if (writer === undefined) {
    writer = new LoggerProcessSyslog({ tag });
    shared.set(tag, writer);
  }
  return writer;
}

// supervisord's own log: `YYYY-MM-DD HH:MM:SS,mmm LEVL message` lines to a rotating file or syslog, optionally
// echoed to stdout; plus a buffer for messages produced before the log exists. Imports only node and types.
import { unlinkSync } from 'node:fs';
import type { LogLevelName } from '../config/types.js';
import { LogLevel, type Logger } from './types.js';
import { RotatingFile } from './rotating-file.js';
import { sharedSyslogWriter, type SyslogWriter } from './syslog.js';

const LEVEL_TAGS: Readonly<Record<LogLevelName, string>> = {
  critical: 'CRIT', error: 'ERRO', warn: 'WARN', info: 'INFO', debug: 'DEBG', trace: 'TRAC', blather: 'BLAT',
};

export interface MainLoggerOptions {
  /** A file path, or the magic name 'syslog'. */
  readonly logfile: string;
  readonly maxbytes: number;
  readonly backups: number;
  readonly level: LogLevelName;
  /** Copy every line to stdout (supervisord does this when nodaemon is set and silent is not). */
  readonly echo: boolean;
  readonly clock?: () => Date;
  /** Where echoed lines go; process.stdout by default. */
  readonly stdout?: { write(text: string): unknown };
  /** Where syslog records go when logfile is 'syslog'; the shared `logger` child by default. */
  readonly syslog?: SyslogWriter;
}

export interface MainLogger extends Logger {
  /** The configured logfile (a path, or 'syslog'). */
  readonly path: string;
  /** Close and reopen the file by path (SIGUSR2, external logrotate). */
  reopen(): void;
  /**
   * clearLog: delete the file (errors propagate, the caller maps them to FAILED), then reopen. Like
   * supervisord, INFO `reopening log file` is logged once per destination just before it is reopened,
   * so it lands in the deleted file and on stdout, never in the new file.
   */
  clear(): void;
  close(): void;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local-time `YYYY-MM-DD HH:MM:SS,mmm`, milliseconds zero-padded to 3 digits. */
export function formatLogTime(d: Date): string {
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
}

/** One destination of the main log; mirrors supervisord's handler list (stdout, then file or syslog). */
interface Destination {
  emit(stamp: string, tag: string, msg: string): void;
  reopen(): void;
  close(): void;
}

function reportHandlerError(err: unknown): void {
  // Like supervisord's handler, a failing log destination is reported on stderr and never breaks the caller.
  try {
    process.stderr.write(`log write failed: ${err instanceof Error ? err.message : String(err)}\n`);
  } catch {
    // stderr itself is gone; nothing left to tell.
  }
}

function stdoutDestination(out: { write(text: string): unknown }): Destination {
  return {
    emit: (stamp, tag, msg) => { out.write(`${stamp} ${tag} ${msg}\n`); },
    reopen: () => undefined,
    close: () => undefined,
  };
}

function fileDestination(file: RotatingFile): Destination {
  return {
    emit: (stamp, tag, msg) => file.write(Buffer.from(`${stamp} ${tag} ${msg}\n`, 'utf8')),
    reopen: () => file.reopen(),
    close: () => file.close(),
  };
}

function syslogDestination(writer: SyslogWriter): Destination {
  return {
    // One record per line of the message, each carrying the full timestamp/level prefix.
    emit: (stamp, tag, msg) => {
      for (const line of msg.replace(/\n+$/, '').split('\n')) writer.send(`${stamp} ${tag} ${line}`);
    },
    reopen: () => undefined,
    close: () => undefined,
  };
}

function attachEpipeGuard(out: { write(text: string): unknown }): void {
  // supervisord ignores EPIPE on its stdout (output piped into a reader that went away).
  if (out === process.stdout && process.stdout.listenerCount('error') === 0) {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') reportHandlerError(err);
    });
  }
}

export function createMainLogger(opts: MainLoggerOptions): MainLogger {
  const destinations: Destination[] = [];
  if (opts.echo) {
    const out = opts.stdout ?? process.stdout;
    attachEpipeGuard(out);
    destinations.push(stdoutDestination(out));
  }
  let file: RotatingFile | null = null;
  if (opts.logfile === 'syslog') {
    destinations.push(syslogDestination(opts.syslog ?? sharedSyslogWriter()));
  } else {
    file = new RotatingFile({ path: opts.logfile, maxbytes: opts.maxbytes, backups: opts.backups });
    destinations.push(fileDestination(file));
  }
  return new MainLog(opts, destinations, file);
}

class MainLog implements MainLogger {
  readonly level: number;
  readonly path: string;
  private readonly clock: () => Date;

  constructor(opts: MainLoggerOptions, private readonly destinations: Destination[], private readonly file: RotatingFile | null) {
    this.level = LogLevel[opts.level];
    this.path = opts.logfile;
    this.clock = opts.clock ?? (() => new Date());
  }

  critical(msg: string): void { this.log('critical', msg); }
  error(msg: string): void { this.log('error', msg); }
  warn(msg: string): void { this.log('warn', msg); }
  info(msg: string): void { this.log('info', msg); }
  debug(msg: string): void { this.log('debug', msg); }
  trace(msg: string): void { this.log('trace', msg); }
  blather(msg: string): void { this.log('blather', msg); }

  reopen(): void {
    for (const dest of this.destinations) dest.reopen();
  }

  clear(): void {
    // Unlink while still open: the lines below still reach the old inode, as with supervisord.
    // Errors (including ENOENT) propagate: the caller decides between NO_FILE and FAILED.
    if (this.file) unlinkSync(this.file.path);
    for (const dest of this.destinations) {
      this.log('info', 'reopening log file');
      dest.reopen();
    }
  }

  close(): void {
    for (const dest of this.destinations) dest.close();
  }

  private log(name: LogLevelName, msg: string): void {
    if (LogLevel[name] < this.level) return;
    const stamp = formatLogTime(this.clock());
    for (const dest of this.destinations) {
      try {
        dest.emit(stamp, LEVEL_TAGS[name], msg);
      } catch (err) {
        reportHandlerError(err);
      }
    }
  }
}

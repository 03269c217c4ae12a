// One pipe (stdout or stderr) of one spawn of a child: log file, syslog, capture mode, debug mirroring to
// the main log and the PROCESS_LOG / PROCESS_COMMUNICATION callbacks. Imports only node and logging types.
import { LogLevel, type Logger, type OutputSink } from './types.js';
import { RotatingFile } from './rotating-file.js';
import { BoundedBuffer, CaptureScanner } from './capture.js';
import { stripAnsi } from './strip-ansi.js';
import { pyBytesRepr, pyStrRepr } from '../python/repr.js';
import { decodeUtf8Strict } from '../python/utf8.js';
import { sharedSyslogWriter, type SyslogWriter } from './syslog.js';

export interface ChildLogChannelOptions {
  readonly processName: string;
  readonly groupName: string;
  readonly channel: 'stdout' | 'stderr';
  /** The concrete log path (AUTO already resolved), or null for NONE. */
  readonly logfile: string | null;
  readonly maxbytes: number;
  readonly backups: number;
  /** > 0 turns on capture mode for this channel (ignored for an event listener's stdout). */
  readonly captureMaxbytes: number;
  /** `*_events_enabled`: call onLog for every logged chunk. */
  readonly eventsEnabled: boolean;
  /** `*_syslog`: also send each logged line to syslog as `<processName> <line>`. */
  readonly syslog: boolean;
  /** `[supervisord] strip_ansi`. */
  readonly stripAnsi: boolean;
  /** An event listener's stdout carries the listener protocol: logged raw, no capture, events or syslog. */
  readonly isListenerStdout: boolean;
  /** Mode for a log file we create; the umask still applies. */
  readonly fileMode: number;
  readonly mainLog: Logger;
  /** PROCESS_LOG_STDOUT / _STDERR payload. */
  readonly onLog?: (data: Buffer) => void;
  /** PROCESS_COMMUNICATION_STDOUT / _STDERR payload (always sent at an END token in capture mode). */
  readonly onCommunication?: (data: Buffer) => void;
  /** Where syslog lines go; the daemon-wide `logger` child by default. */
  readonly syslogWriter?: SyslogWriter;
}

/**
 * Created at spawn (it opens the log file then, so explicit log files appear at the first spawn; an open
 * error is thrown with its errno `code` for the spawner to report) and closed when the pipe closes.
 */
export class ChildLogChannel implements OutputSink {
  readonly path: string | null;
  private readonly opts: ChildLogChannelOptions;
  private readonly file: RotatingFile | null;
  private readonly scanner: CaptureScanner | null;
  private readonly captured: BoundedBuffer | null;
  private readonly syslogWriter: SyslogWriter | null;
  private readonly mirror: boolean;
  private readonly label: string;
  private closed = false;

  constructor(opts: ChildLogChannelOptions) {
    this.opts = opts;
    this.path = opts.logfile;
    this.file = opts.logfile === null
      ? null
      : new RotatingFile({ path: opts.logfile, maxbytes: opts.maxbytes, backups: opts.backups, fileMode: opts.fileMode });
    const capture = opts.captureMaxbytes > 0 && !opts.isListenerStdout;
    this.scanner = capture ? new CaptureScanner() : null;
    this.captured = capture ? new BoundedBuffer(opts.captureMaxbytes) : null;
    this.syslogWriter = opts.syslog && !opts.isListenerStdout ? (opts.syslogWriter ?? sharedSyslogWriter()) : null;
    // Decided once, like supervisord: building the mirror text per chunk is only worth it at debug level.
    this.mirror = opts.mainLog.level <= LogLevel.debug;
    this.label = `${pyStrRepr(opts.processName)} ${opts.channel}`;
  }

  /** `chunk` may be a view of a reused read buffer: it is valid only during this call. */
  write(chunk: Buffer): void {
    if (this.closed || chunk.length === 0) return;
    // The capture scanner keeps held-back bytes across calls: give it its own copy.
    if (this.scanner !== null) chunk = Buffer.from(chunk);
    if (this.opts.isListenerStdout) {
      this.writeListenerOutput(chunk);
    } else if (this.scanner === null) {
      this.logChunk(chunk, false);
    } else {
      for (const action of this.scanner.feed(chunk)) {
        if (action.kind === 'log') this.logChunk(action.data, action.captured);
        else if (action.kind === 'end') this.finishCapture();
      }
    }
  }

  /**
   * The pipe closed. Bytes the capture scanner still holds back are dropped, exactly as supervisord drops
   * them (see CaptureScanner); without capture mode nothing is ever held back.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.file?.close();
  }

  /** Reopen the log file by path (SIGUSR2 / external logrotate). */
  reopen(): void {
    if (!this.closed) this.file?.reopen();
  }

  /**
   * clearProcessLogs: delete and reopen the log file and empty the capture buffer. The capture mode itself
   * and held-back bytes are kept, as in supervisord. File errors other than ENOENT propagate.
   */
  clear(): void {
    if (this.closed) return;
    this.file?.clear();
    this.captured?.clear();
  }

  private writeListenerOutput(chunk: Buffer): void {
    // The listener protocol text is mirrored raw (before ANSI stripping) as a Python bytes repr.
    if (this.mirror) this.opts.mainLog.debug(`${this.label} output:\n${pyBytesRepr(chunk)}`);
    if (this.file !== null) this.writeFile(this.opts.stripAnsi ? stripAnsi(chunk) : chunk);
  }

  /** supervisord's _log: one logged chunk goes to its store, the debug mirror and the PROCESS_LOG event. */
  private logChunk(raw: Buffer, captured: boolean): void {
    // Emptiness is judged before stripping: a chunk made only of escapes still mirrors and emits an event.
    const data = this.opts.stripAnsi ? stripAnsi(raw) : raw;
    if (captured) {
      this.captured?.write(data);
    } else {
      if (this.file !== null) this.writeFile(data);
      if (this.syslogWriter !== null) this.sendSyslog(this.syslogWriter, data);
    }
    if (this.mirror) {
      const text = decodeUtf8Strict(data) ?? `Undecodable: ${pyBytesRepr(data)}`;
      this.opts.mainLog.debug(`${this.label} output:\n${text}`);
    }
    // Quirk kept: captured bytes also produce PROCESS_LOG events although they never reach the file.
    if (this.opts.eventsEnabled) this.opts.onLog?.(data);
  }

  private finishCapture(): void {
    const captured = this.captured as BoundedBuffer;
    this.opts.onCommunication?.(captured.value);
    this.opts.mainLog.debug(`${this.label} emitted a comm event`);
    captured.clear();
  }

  private writeFile(data: Buffer): void {
    try {
      (this.file as RotatingFile).write(data);
    } catch (err) {
      // supervisord reports a failing log handler on stderr and keeps the child running; so do we.
      process.stderr.write(`${this.label} log write failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }

  private sendSyslog(writer: SyslogWriter, data: Buffer): void {
    const text = decodeUtf8Strict(data);
    // supervisord's syslog handler fails on bytes that are not UTF-8 and sends nothing for that chunk.
    if (text === null) return;
    for (const line of text.replace(/\n+$/, '').split('\n')) writer.send(`${this.opts.processName} ${line}`);
  }
}

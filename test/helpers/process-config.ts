// Builders for process-core tests: a full ProcessConfig with supervisord's defaults, and a Logger
// that records "LEVEL message" lines.
import { NO_EXTRAS, type LogChannelConfig, type ProcessConfig } from '../../agent/config/types.js';
import type { Logger } from '../../agent/logging/types.js';

const channel: LogChannelConfig = Object.freeze({
  logfile: null, auto: false, logfile_maxbytes: 0, logfile_backups: 0,
  capture_maxbytes: 0, events_enabled: false, syslog: false,
});

export function makeProcessConfig(over: Partial<ProcessConfig> = {}): ProcessConfig {
  return {
    name: 'x', program_name: 'x', process_num: 0, command: '/bin/true', priority: 999,
    autostart: true, startsecs: 1, startretries: 3, autorestart: 'unexpected', exitcodes: [0],
    stopsignal: 15, stopwaitsecs: 10, stopasgroup: false, killasgroup: false, user: null,
    redirect_stderr: false, stdout: channel, stderr: channel, environment: null, directory: null,
    umask: null, serverurl: null, extra: NO_EXTRAS,
    ...over,
  };
}

export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  readonly level = 0;
  critical(msg: string): void { this.lines.push(`CRIT ${msg}`); }
  error(msg: string): void { this.lines.push(`ERRO ${msg}`); }
  warn(msg: string): void { this.lines.push(`WARN ${msg}`); }
  info(msg: string): void { this.lines.push(`INFO ${msg}`); }
  debug(msg: string): void { this.lines.push(`DEBG ${msg}`); }
  trace(msg: string): void { this.lines.push(`TRAC ${msg}`); }
  blather(msg: string): void { this.lines.push(`BLAT ${msg}`); }
  /** Lines at INFO and above (what the default loglevel shows). */
  get visible(): string[] { return this.lines.filter((l) => !/^(DEBG|TRAC|BLAT) /.test(l)); }
  clear(): void { this.lines.length = 0; }
}
